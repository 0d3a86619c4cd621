"""Starting a pilot from a candidate: the minimum pilot package, and what each light allows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.models import Workspace
from candidates.models import Candidate, Status
from pilots.forms import PilotForm
from pilots.models import Pilot
from tests.conftest import make_candidate, make_user
from tests.pilots.conftest import (
    LANDING,
    TODAY,
    assert_login_required,
    body,
    pilot_data,
)

pytestmark = pytest.mark.django_db


def _create_url(candidate: Candidate) -> str:
    return reverse("pilots:create", args=[candidate.code])


def _open_referral_url(candidate: Candidate) -> str:
    return reverse("pilots:open_referral", args=[candidate.code])


def _form(**overrides) -> PilotForm:
    """The new-pilot form for a yellow candidate, validated."""
    owner = make_user(f"owner-{Workspace.objects.count()}@example.com")
    workspace = owner.create_workspace("Panadería")
    form = PilotForm(data=pilot_data(**overrides), candidate=make_candidate(workspace, "Spa", 4))
    form.is_valid()
    return form


# --- the pilot package, table-style ------------------------------------------------------

LINE = "Te va a encantar: es de confianza."


@pytest.mark.parametrize(
    ("script", "error"),
    [
        ("", "This field is required."),
        ("  \n\n  ", "This field is required."),
        (LINE, None),
        (f"{LINE}\n{LINE}\n{LINE}", None),
        (f"{LINE}\n\n{LINE}\n  \n{LINE}\n", None),  # blank lines don't count
        (
            f"{LINE}\n{LINE}\n{LINE}\n{LINE}",
            "The method asks for a script of 3 lines at most; this one has 4.",
        ),
    ],
    ids=["0-lines", "0-lines-only-blanks", "1-line", "3-lines", "3-lines-and-blanks", "4-lines"],
)
def test_the_script_has_one_to_three_lines(script, error):
    form = _form(script=script)
    assert form.errors.get("script", [None]) == [error]


def test_a_script_line_longer_than_200_characters_is_refused():
    form = _form(script=f"{LINE}\n{'x' * 201}")
    assert form.errors["script"] == ["Line 2 is too long (201 characters; at most 200)."]
    assert _form(script="x" * 200).is_valid()


def test_the_script_is_saved_without_blank_lines_or_stray_spaces():
    form = _form(script=f"  {LINE}  \n\n{LINE}\n")
    assert form.is_valid()
    assert form.cleaned_data["script"] == f"{LINE}\n{LINE}"


@pytest.mark.parametrize(
    ("length_days", "error"),
    [
        ("13", "A pilot lasts 2 to 4 weeks: at least 14 days."),
        ("14", None),
        ("28", None),
        ("29", "A pilot lasts 2 to 4 weeks: at most 28 days."),
    ],
)
def test_a_pilot_lasts_fourteen_to_twenty_eight_days(length_days, error):
    form = _form(length_days=length_days)
    assert form.errors.get("length_days", [None]) == [error]


@pytest.mark.parametrize(
    ("review_offset", "error"),
    [
        (-1, "The review must come after the start date."),
        (0, "The review must come after the start date."),
        (7, None),
        (21, None),  # on the end date of a 21-day pilot
        (22, "The review must fall inside the pilot (on or before 2026-12-30)."),
    ],
    ids=["before-start", "on-start", "inside", "on-end-date", "after-end"],
)
def test_the_review_date_falls_inside_the_pilot(review_offset, error):
    review = TODAY + timedelta(days=review_offset)
    form = _form(length_days="21", review_date=review.isoformat())
    assert form.errors.get("review_date", [None]) == [error]


def test_the_review_date_defaults_to_day_fourteen():
    form = _form(start_date="2026-12-20", length_days="28", review_date="")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["review_date"] == TODAY + timedelta(days=11 + 14)


@pytest.mark.parametrize(
    ("landing_url", "valid"),
    [
        ("javascript:alert(1)", False),
        ("/relative", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("ftp://files.example/offer.pdf", False),
        ("https://spa-serena.example/oferta?utm=piloto", True),
        ("http://spa-serena.example/", True),
    ],
    ids=["javascript", "relative", "data", "ftp", "https", "http"],
)
def test_the_landing_address_must_be_a_web_address(landing_url, valid):
    form = _form(landing_url=landing_url)
    assert ("landing_url" not in form.errors) is valid
    if valid:
        assert form.is_valid(), form.errors
        assert form.cleaned_data["landing_url"] == landing_url


def test_a_tracked_link_needs_a_landing_address():
    form = _form(measurement="tracked_link", landing_url="")
    assert form.errors["landing_url"] == ["A tracked link needs the address it leads to."]
    assert _form(measurement="discount_code", landing_url="").is_valid()


def test_offer_and_measurement_are_required_and_target_and_margin_are_optional():
    form = _form(offer="", measurement="", target="", margin_per_sale="")
    assert set(form.errors) == {"offer", "measurement"}
    form = _form(target="", margin_per_sale="")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["target"] is None
    assert form.cleaned_data["margin_per_sale"] == 0


# --- the page ------------------------------------------------------------------------------


def test_the_form_starts_today_for_fourteen_days(owner_client, yellow):
    page = body(owner_client.get(_create_url(yellow)))
    assert 'name="start_date" value="2026-12-09"' in page
    assert 'name="length_days" value="14"' in page
    assert "a recommendation script of 3 lines" in page
    assert 'name="override"' not in page


def test_a_yellow_candidate_starts_a_pilot_and_goes_in_pilot(owner_client, owner, yellow):
    response = owner_client.post(_create_url(yellow), pilot_data())
    pilot = Pilot.objects.get(candidate=yellow)
    assert response.status_code == 302
    assert response["Location"] == reverse("pilots:detail", args=[pilot.code])
    yellow.refresh_from_db()
    assert yellow.status == Status.IN_PILOT
    assert (pilot.workspace, pilot.created_by, pilot.status) == (yellow.workspace, owner, "active")
    assert pilot.start_date == TODAY
    assert pilot.review_date == TODAY + timedelta(days=14)
    assert pilot.landing_url == LANDING
    assert pilot.script_lines()[0].startswith("Te recomiendo")


def test_the_checklist_at_start_is_frozen_as_the_pilots_prediction(owner_client, yellow):
    before = yellow.current_evaluation()
    owner_client.post(_create_url(yellow), pilot_data())
    pilot = Pilot.objects.get(candidate=yellow)
    frozen = pilot.start_evaluation
    assert frozen.pk == before.pk
    assert frozen.is_frozen()
    assert (frozen.score, frozen.colour) == (4, "yellow")
    # The candidate keeps a new current evaluation, prefilled from the frozen one.
    current = yellow.current_evaluation()
    assert current.pk != frozen.pk and not current.is_frozen()
    assert current.score == 4


def test_the_pilot_page_thanks_the_owner_after_starting(owner_client, yellow):
    response = owner_client.post(_create_url(yellow), pilot_data(), follow=True)
    page = body(response)
    assert "Pilot started. Hand the pilot card to your partner." in page
    assert "Pilot card – Spa Serena" in page


def test_a_green_candidate_starts_a_pilot_without_any_override(owner_client, workspace):
    green = make_candidate(workspace, "Hotel Brisa", ticks=7)
    response = owner_client.post(_create_url(green), pilot_data())
    assert response.status_code == 302
    assert Pilot.objects.filter(candidate=green).exists()


def test_a_member_can_start_a_pilot_too(member_client, yellow):
    assert member_client.post(_create_url(yellow), pilot_data()).status_code == 302
    assert Pilot.objects.filter(candidate=yellow).exists()


def test_an_invalid_package_is_shown_again_with_the_message_and_what_was_typed(
    owner_client, yellow
):
    script = "uno\ndos\ntres\ncuatro"
    response = owner_client.post(_create_url(yellow), pilot_data(script=script, offer="Masaje"))
    page = body(response)
    assert "The method asks for a script of 3 lines at most; this one has 4." in page
    assert 'value="Masaje"' in page and "cuatro" in page
    assert not Pilot.objects.exists()
    yellow.refresh_from_db()
    assert yellow.status != Status.IN_PILOT


# --- red: the advice, the open referral, the deliberate override --------------------------


@pytest.fixture
def red(workspace) -> Candidate:
    """One tick under the quick-score table: scored, and red."""
    return make_candidate(workspace, "Bar Oscuro", ticks=1)


def test_a_red_candidate_shows_the_advice_and_the_open_referral_button(owner_client, red):
    page = body(owner_client.get(_create_url(red)))
    assert "Don't invest energy." in page
    assert "Mark as open referral" in page
    assert _open_referral_url(red) in page
    assert 'name="override"' in page


def test_a_red_candidate_needs_the_override_tick(owner_client, red):
    response = owner_client.post(_create_url(red), pilot_data())
    assert "Tick this box to start a pilot on a red candidate." in body(response)
    assert not Pilot.objects.exists()
    red.refresh_from_db()
    assert red.status == Status.NEW


def test_a_red_candidate_with_the_override_tick_starts_a_pilot(owner_client, red):
    response = owner_client.post(_create_url(red), pilot_data(override="on"))
    assert response.status_code == 302
    pilot = Pilot.objects.get(candidate=red)
    assert pilot.start_evaluation.colour == "red"
    red.refresh_from_db()
    assert red.status == Status.IN_PILOT


def test_a_candidate_not_scored_yet_is_no_red_light(owner_client, candidate):
    page = body(owner_client.get(_create_url(candidate)))
    assert "Not scored yet" in page
    assert "Don't invest energy." not in page and 'name="override"' not in page
    response = owner_client.post(_create_url(candidate), pilot_data())
    assert response.status_code == 302
    assert Pilot.objects.get(candidate=candidate).start_evaluation.is_scored() is False


def test_mark_as_open_referral_sets_the_status_and_returns_to_the_candidate(
    owner_client, candidate
):
    response = owner_client.post(_open_referral_url(candidate), follow=True)
    assert response.redirect_chain[-1][0] == reverse("candidates:detail", args=[candidate.code])
    assert "is now an open referral: no meetings, no expectations." in body(response)
    candidate.refresh_from_db()
    assert candidate.status == Status.OPEN_REFERRAL
    assert not Pilot.objects.exists()


def test_the_candidate_page_offers_a_pilot_on_yellow(owner_client, yellow):
    page = body(owner_client.get(reverse("candidates:detail", args=[yellow.code])))
    assert "Start a pilot" in page and _create_url(yellow) in page


def test_the_candidate_page_lists_its_pilots(owner_client, pilot):
    page = body(owner_client.get(reverse("candidates:detail", args=[pilot.candidate.code])))
    assert reverse("pilots:detail", args=[pilot.code]) in page


def test_an_archived_candidate_cannot_start_a_pilot(owner_client, yellow):
    yellow.archived_at = yellow.created_at
    yellow.save()
    assert owner_client.get(_create_url(yellow)).status_code == 404
    assert owner_client.post(_create_url(yellow), pilot_data()).status_code == 404


# --- the usual guards ------------------------------------------------------------------------


def test_start_refuses_other_methods(owner_client, yellow):
    assert owner_client.put(_create_url(yellow)).status_code == 405


def test_open_referral_is_post_only(owner_client, candidate):
    assert owner_client.get(_open_referral_url(candidate)).status_code == 405
    candidate.refresh_from_db()
    assert candidate.status == Status.NEW


def test_start_and_open_referral_need_a_login(yellow):
    assert_login_required(_create_url(yellow))
    assert_login_required(_create_url(yellow), "post")
    assert_login_required(_open_referral_url(yellow), "post")


def test_another_workspace_cannot_start_a_pilot_or_mark_the_candidate(outsider_client, yellow):
    assert outsider_client.get(_create_url(yellow)).status_code == 404
    assert outsider_client.post(_create_url(yellow), pilot_data()).status_code == 404
    assert outsider_client.post(_open_referral_url(yellow)).status_code == 404
    yellow.refresh_from_db()
    assert yellow.status != Status.OPEN_REFERRAL
    assert not Pilot.objects.exists()


def test_a_candidate_runs_one_pilot_at_a_time(owner_client, pilot):
    url = reverse("pilots:create", args=[pilot.candidate.code])
    response = owner_client.post(url, pilot_data(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("pilots:detail", args=[pilot.code])
    assert "already has a pilot running" in response.content.decode()
    assert pilot.candidate.pilots.count() == 1
