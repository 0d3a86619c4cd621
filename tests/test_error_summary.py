"""Errors you can see: after a failed submit, every form page opens with a summary of its
errors as the first thing of the main region (role="alert", focusable, with a heading),
each error linking to its field; the database's rules are worded next to their field, in
English and in Spanish, never named."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import Invitation
from accounts.workspaces import FIELD_NAME
from candidates.models import THRESHOLDS_MESSAGE, Candidate, Evaluation, ScoringSettings
from pilots.models import Pilot
from semaforo.lib.forms import CONSTRAINT_MESSAGE, NoControlCharactersMixin
from tests.conftest import PASSWORD, client_for, make_candidate
from tests.page_forms import form_on
from tests.pilots.conftest import TODAY, body, make_pilot, pilot_data

pytestmark = pytest.mark.django_db

SUMMARY_FIRST_IN_MAIN = re.compile(
    r'<main id="main"[^>]*>\s*<div class="alert alert-danger error-summary" role="alert" '
    r'tabindex="-1" aria-labelledby="error-summary-title" data-error-summary>\s*'
    r'<h2 class="h5" id="error-summary-title">(?P<heading>[^<]+)</h2>'
)


def _summary(page: str) -> str:
    match = re.search(r"data-error-summary>.*?</div>", page, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


def assert_summary_links_to(page: str, anchor: str, message: str | None = None) -> None:
    assert SUMMARY_FIRST_IN_MAIN.search(page), "the summary is not the first thing in <main>"
    summary = _summary(page)
    link = re.search(rf'<a class="link-danger" href="#{anchor}">([^<]*)</a>', summary)
    assert link, f"no link to #{anchor} in {summary}"
    assert f'id="{anchor}"' in page, f"the link points at nothing: #{anchor}"
    if message is not None:
        assert message in link.group(1)


def _post_changed(client: Client, url: str, having: str, **changes):
    action, data = form_on(client.get(url), having)
    data.update({key: [value] for key, value in changes.items()})
    return client.post(action, data)


# --- every form page ------------------------------------------------------------------


@pytest.fixture
def pilot(workspace, owner) -> Pilot:
    return make_pilot(make_candidate(workspace, "Spa Serena", ticks=4), owner)


def test_candidate_create(owner_client):
    response = _post_changed(owner_client, reverse("candidates:create"), "name", name="")
    assert_summary_links_to(body(response), "id_name", "Name: This field is required.")


def test_candidate_edit(owner_client, candidate):
    url = reverse("candidates:edit", args=[candidate.code])
    response = _post_changed(owner_client, url, "name", name="")
    assert_summary_links_to(body(response), "id_name")


def test_candidate_checklist_without_javascript(owner_client, candidate):
    url = reverse("candidates:detail", args=[candidate.code])
    response = _post_changed(owner_client, url, "measurable_note", measurable_note="a\x1bb")
    assert response.status_code == 400
    assert_summary_links_to(body(response), "id_measurable_note", "Remove the invisible")


def test_pilot_create(owner_client, workspace):
    candidate = make_candidate(workspace, ticks=4)
    url = reverse("pilots:create", args=[candidate.code])
    response = _post_changed(owner_client, url, "offer", offer="")
    assert_summary_links_to(body(response), "id_offer")


def test_result_with_minus_one_referral(owner_client, pilot):
    url = reverse("pilots:detail", args=[pilot.code])
    action, data = form_on(
        owner_client.get(url), action=reverse("pilots:result_add", args=[pilot.code])
    )
    data["referrals"] = ["-1"]
    response = owner_client.post(action, data)
    assert response.status_code == 400
    assert_summary_links_to(body(response), "id_referrals", "Referrals:")


def test_coordination_time(owner_client, pilot):
    url = reverse("pilots:detail", args=[pilot.code])
    action = reverse("pilots:coordination_add", args=[pilot.code])
    _action, data = form_on(owner_client.get(url), action=action)
    data["minutes"] = ["0"]
    response = owner_client.post(action, data)
    assert_summary_links_to(body(response), "id_coordination_minutes", "Minutes:")


def test_review_without_a_decision(owner_client, pilot):
    url = reverse("pilots:review", args=[pilot.code])
    action, data = form_on(owner_client.get(url), "notes")
    data.pop("decision", None)
    response = owner_client.post(action, data)
    assert_summary_links_to(body(response), "id_decision_0", "Decision: This field is required.")


def test_scoring_settings(owner_client):
    url = reverse("candidates:scoring")
    response = _post_changed(
        owner_client, url, "rule", rule="custom", custom_green_min="3", custom_yellow_min="5"
    )
    assert_summary_links_to(body(response), "id_custom_green_min", "three bands")


def test_pilot_settings(owner_client):
    url = reverse("pilots:settings")
    response = _post_changed(owner_client, url, "hourly_value", hourly_value="-1")
    assert_summary_links_to(body(response), "id_hourly_value")


def test_workspace_settings(owner_client):
    url = reverse("accounts:workspace_settings")
    response = _post_changed(owner_client, url, "name", name="")
    assert_summary_links_to(body(response), "id_name")


def test_workspace_create(owner_client):
    response = _post_changed(owner_client, reverse("accounts:workspace_create"), "name", name="")
    assert_summary_links_to(body(response), "id_name")


def test_preferences(owner_client):
    url = reverse("accounts:preferences")
    response = _post_changed(owner_client, url, "days_ahead", days_ahead="9")
    assert_summary_links_to(body(response), "id_days_ahead_0")


def test_invitation_form(owner_client):
    url = reverse("accounts:members")
    response = _post_changed(owner_client, url, "email", email="not an address")
    assert_summary_links_to(body(response), "id_email")


def test_sign_up(client):
    response = _post_changed(client, reverse("accounts:signup"), "email", email="")
    assert_summary_links_to(body(response), "id_email")


def test_invitation_sign_up(client, workspace, owner):
    invitation = Invitation.objects.create(
        workspace=workspace, email="new@example.com", invited_by=owner
    )
    url = reverse("accounts:invitation", args=[invitation.token])
    response = _post_changed(client, url, "password1", password1=PASSWORD, password2="other")
    assert_summary_links_to(body(response), "id_password2")


def test_password_change(owner_client):
    url = reverse("password_change")
    response = _post_changed(owner_client, url, "old_password", old_password="wrong")
    assert_summary_links_to(body(response), "id_old_password")


def test_password_reset(client):
    response = _post_changed(client, reverse("password_reset"), "email", email="")
    assert_summary_links_to(body(response), "id_email")


def test_log_in_with_a_wrong_password_lists_the_forms_own_error(client, owner):
    response = _post_changed(
        client, reverse("login"), "password", username=owner.email, password="wrong"
    )
    page = body(response)
    assert SUMMARY_FIRST_IN_MAIN.search(page)
    assert "correct" in _summary(page)  # Django's "Please enter a correct email and password"


def test_import_without_a_file(owner_client):
    response = _post_changed(owner_client, reverse("candidates:import"), FIELD_NAME)
    assert_summary_links_to(body(response), "id_file")


def test_partner_page(client, pilot):
    url = reverse("partners:page", args=[pilot.partner_token])
    response = _post_changed(client, url, "contact_name", contact_name="Ana", consent="")
    assert_summary_links_to(body(response), "id_consent")


def test_a_page_without_errors_has_no_summary(owner_client, pilot):
    for url in (
        reverse("candidates:create"),
        reverse("pilots:detail", args=[pilot.code]),
        reverse("pilots:review", args=[pilot.code]),
    ):
        assert "data-error-summary" not in body(owner_client.get(url))


def test_the_summary_speaks_the_users_language(owner):
    client = client_for(owner, HTTP_ACCEPT_LANGUAGE="es")
    response = _post_changed(client, reverse("candidates:create"), "name", name="")
    match = SUMMARY_FIRST_IN_MAIN.search(body(response))
    with translation.override("es"):
        assert match and match.group("heading") == gettext("There is a problem")
        assert gettext("This field is required.") in _summary(body(response))


def test_the_page_loads_the_script_that_moves_the_focus_to_the_summary(owner_client):
    page = body(owner_client.get(reverse("candidates:create")))
    assert re.search(r'<script src="[^"]*js/error-summary\.js" defer></script>', page)


# --- the database's rules, in words, next to their field --------------------------------

CONSTRAINT_NAMES = re.compile(r"onstraint|restricci|pilot_review_after_start|_valid\b|_gte_0")


@pytest.mark.parametrize("language", ["en", "es", "es-ar"])
def test_a_review_before_the_start_is_said_next_to_the_review_date(owner, workspace, language):
    with translation.override(language):
        message = gettext("The review must come after the start date.")
    assert language == "en" or not message.startswith("The review")  # said in Spanish
    candidate = make_candidate(workspace, ticks=4)
    client = client_for(owner, HTTP_ACCEPT_LANGUAGE=language)
    data = pilot_data(
        start_date=(TODAY + timedelta(days=10)).isoformat(),
        review_date=TODAY.isoformat(),
        length_days="40",  # a second mistake once let the database's rule speak by its name
    )
    response = client.post(reverse("pilots:create", args=[candidate.code]), data)
    page = body(response)
    assert not CONSTRAINT_NAMES.search(page)
    assert_summary_links_to(page, "id_review_date", message)
    assert page.count(message) == 2  # in the summary, and under the field
    assert not Pilot.objects.exists()


class PilotDatesForm(NoControlCharactersMixin, forms.ModelForm):
    """Two dates and no check of their own: the database's rule is the only one."""

    class Meta:
        model = Pilot
        fields = ["start_date", "review_date"]


def test_a_rule_without_words_of_its_own_gets_general_words_on_its_field(pilot):
    form = PilotDatesForm({"start_date": "2026-12-20", "review_date": "2026-12-10"}, instance=pilot)
    assert not form.is_valid()
    assert form.errors == {"review_date": [str(CONSTRAINT_MESSAGE)]}


class ThresholdsForm(NoControlCharactersMixin, forms.ModelForm):
    class Meta:
        model = ScoringSettings
        fields = ["custom_green_min", "custom_yellow_min"]


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_rule_with_its_own_words_says_them_in_the_users_language(workspace, language):
    scoring = ScoringSettings.for_workspace(workspace)
    with translation.override(language):
        form = ThresholdsForm({"custom_green_min": "3", "custom_yellow_min": "5"}, instance=scoring)
        assert not form.is_valid()
        assert form.errors == {"custom_yellow_min": [str(THRESHOLDS_MESSAGE)]}
        assert language == "en" or not str(THRESHOLDS_MESSAGE).startswith("The thresholds")


def test_every_form_of_the_apps_has_the_shared_mixin():
    """The mixin words the database's rules on a model form: one without it would name them."""
    import accounts.forms
    import candidates.forms
    import pilots.forms

    missing = [
        f"{module.__name__}.{name}"
        for module in (accounts.forms, candidates.forms, pilots.forms)
        for name, cls in vars(module).items()
        if isinstance(cls, type)
        and issubclass(cls, forms.BaseModelForm)
        and cls.__module__ == module.__name__
        and not issubclass(cls, NoControlCharactersMixin)
    ]
    assert missing == []


def test_every_constraint_a_candidates_form_can_meet_has_words(db):
    """Candidates' constraints carry their own message and code, in the catalogue."""
    for model in (Candidate, ScoringSettings, Evaluation):
        for constraint in model._meta.constraints:
            assert constraint.violation_error_code, constraint.name
            message = str(constraint.violation_error_message)
            assert "%(name)s" not in message and constraint.name not in message
