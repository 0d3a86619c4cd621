from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from candidates.models import Candidate, Status
from tests.conftest import make_candidate

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("candidates:create")
PAYLOAD = "<script>alert(1)</script>"

TYPED = {
    "name": "Spa Serena",
    "business_type": "Day spa",
    "contact_name": "Ana Pérez",
    "email": "ana@spa.example",
    "phone": "+34 600 123 456",
    "website": "https://spa.example/",
    "kind": "alliance",
    "assets": ["trust", "context"],
    "notes": "Met at the wellness fair.",
    "filter_customer": "Women 30–55 who book massages",
    "filter_channel": "Front desk and a WhatsApp list",
    "filter_asset": "Trust: clients ask the therapists",
    "filter_execution": "Therapist hands a card; we serve with a code",
    "filter_measure": "The SPA10 coupon",
}

# (field, what was typed, the error the user reads next to it)
BAD_INPUT = [
    ("name", "", "This field is required."),
    ("name", "x" * 121, "Ensure this value has at most 120 characters (it has 121)."),
    ("email", "ana-at-spa", "Enter a valid email address."),
    ("website", "javascript:alert(1)", "Enter a valid URL."),
    ("assets", ["trust", "rocket"], "Select a valid choice. rocket is not one of the available"),
    ("notes", "x" * 5001, "Ensure this value has at most 5000 characters (it has 5001)."),
    ("kind", "friendship", "Select a valid choice. friendship is not one of the available"),
    ("filter_measure", "x" * 1001, "Ensure this value has at most 1000 characters (it has 1001)."),
]
BAD_INPUT_IDS = ["empty-name", "long-name", "email", "url", "asset", "notes", "kind", "filter"]


def _field_block(body: str, field: str) -> str:
    """The HTML of one field's wrapper: its label, input and error messages."""
    start = body.index(f'id="div_id_{field}"')
    following = body.find('id="div_id_', start + 1)
    return body[start : following if following != -1 else len(body)]


def assert_error_next_to_field(body: str, field: str, message: str) -> None:
    block = _field_block(body, field)
    assert escape(message) in block, f"{message!r} not shown next to {field}"
    assert 'aria-invalid="true"' in block


def assert_other_values_kept(body: str, typed: dict, bad_field: str) -> None:
    for field, value in typed.items():
        if field == bad_field:
            continue
        block = _field_block(body, field)
        if field == "assets":
            for asset in value:
                assert re.search(rf'value="{asset}"[^>]*checked', block), f"{asset} unticked"
        elif field == "kind":
            assert re.search(rf'value="{value}"[^>]*selected', block), "kind lost"
        else:
            assert escape(value) in block, f"the typed {field} was lost"


def _detail_url(candidate: Candidate) -> str:
    return reverse("candidates:detail", args=[candidate.code])


# --- create ---------------------------------------------------------------------------


def test_the_new_candidate_form_asks_the_smoke_filters_five_questions(owner_client):
    body = owner_client.get(CREATE_URL).content.decode()
    assert "The 60-second smoke filter" in body
    assert "How do we measure it?" in body
    assert 'name="status"' not in body  # a new candidate always starts as "new"


def test_adding_a_candidate_opens_its_checklist(owner_client, workspace):
    response = owner_client.post(CREATE_URL, TYPED, follow=True)
    candidate = Candidate.objects.get()
    assert response.redirect_chain == [(_detail_url(candidate), 302)]
    body = response.content.decode()
    assert "Candidate added. Now score them on the checklist." in body
    assert "Not scored yet" in body and "0/8" not in body
    assert candidate.workspace == workspace
    assert candidate.status == Status.NEW
    assert candidate.assets == ["trust", "context"]
    assert candidate.filter_passed()
    assert candidate.evaluations.get().score == 0


def test_only_a_name_is_required(owner_client):
    response = owner_client.post(CREATE_URL, {"name": "Yoga Sol", "kind": "referral"})
    assert response.status_code == 302
    assert Candidate.objects.get().name == "Yoga Sol"


def test_a_member_can_add_candidates(member_client, workspace):
    member_client.post(CREATE_URL, TYPED)
    assert Candidate.objects.get().workspace == workspace


@pytest.mark.parametrize("posted", ["pk", "code"])
def test_a_candidate_never_goes_into_a_workspace_the_user_is_not_in(
    outsider_client, outsider, workspace, posted
):
    # A form names the workspace it was shown in; naming someone else's saves nothing.
    value = workspace.pk if posted == "pk" else workspace.code
    response = outsider_client.post(CREATE_URL, {**TYPED, "workspace": value}, follow=True)
    assert not Candidate.objects.exists()
    assert "no longer a member" in response.content.decode()


def test_a_candidate_without_a_workspace_field_goes_into_the_current_workspace(
    outsider_client, outsider
):
    outsider_client.post(CREATE_URL, TYPED)
    assert Candidate.objects.get().workspace == outsider.workspaces().get()


@pytest.mark.parametrize(("field", "value", "error"), BAD_INPUT, ids=BAD_INPUT_IDS)
def test_bad_input_on_create_is_explained_next_to_the_field_and_keeps_the_rest(
    owner_client, field, value, error
):
    typed = {**TYPED, field: value}
    response = owner_client.post(CREATE_URL, typed)
    assert response.status_code == 200
    body = response.content.decode()
    assert_error_next_to_field(body, field, error)
    assert_other_values_kept(body, typed, field)
    assert not Candidate.objects.exists()


def test_the_create_form_refuses_other_methods(owner_client):
    assert owner_client.put(CREATE_URL).status_code == 405


def test_adding_a_candidate_needs_a_login(client):
    for response in (client.get(CREATE_URL), client.post(CREATE_URL, TYPED)):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert not Candidate.objects.exists()


# --- edit -----------------------------------------------------------------------------


def _edit_url(candidate: Candidate) -> str:
    return reverse("candidates:edit", args=[candidate.code])


def test_the_edit_form_shows_the_saved_values(owner_client, workspace):
    candidate = make_candidate(workspace, "Spa Serena", email="ana@spa.example")
    body = owner_client.get(_edit_url(candidate)).content.decode()
    assert 'value="Spa Serena"' in body and 'value="ana@spa.example"' in body
    assert 'name="status"' in body


def test_editing_saves_the_changes_and_returns_to_the_candidate(owner_client, candidate):
    response = owner_client.post(
        _edit_url(candidate), {**TYPED, "name": "Spa Serena Centro", "status": "in_pilot"}
    )
    assert response.status_code == 302 and response.url == _detail_url(candidate)
    candidate.refresh_from_db()
    assert (candidate.name, candidate.status) == ("Spa Serena Centro", Status.IN_PILOT)
    assert candidate.email == "ana@spa.example"
    body = owner_client.get(response.url).content.decode()
    assert "Changes saved." in body and "Spa Serena Centro" in body


def test_a_member_can_edit_candidates(member_client, candidate):
    member_client.post(_edit_url(candidate), {**TYPED, "name": "Renamed", "status": "new"})
    candidate.refresh_from_db()
    assert candidate.name == "Renamed"


@pytest.mark.parametrize(("field", "value", "error"), BAD_INPUT, ids=BAD_INPUT_IDS)
def test_bad_input_on_edit_is_explained_next_to_the_field_and_saves_nothing(
    owner_client, candidate, field, value, error
):
    typed = {**TYPED, "status": "evaluated", field: value}
    response = owner_client.post(_edit_url(candidate), typed)
    assert response.status_code == 200
    body = response.content.decode()
    assert_error_next_to_field(body, field, error)
    assert_other_values_kept(body, typed, field)
    candidate.refresh_from_db()
    assert (candidate.name, candidate.email, candidate.status) == ("Spa Serena", "", "new")


def test_an_unknown_status_is_refused_on_edit(owner_client, candidate):
    response = owner_client.post(_edit_url(candidate), {**TYPED, "status": "married"})
    assert_error_next_to_field(response.content.decode(), "status", "Select a valid choice.")
    candidate.refresh_from_db()
    assert candidate.status == Status.NEW


def test_another_workspaces_candidate_cannot_be_edited(outsider_client, candidate):
    assert outsider_client.get(_edit_url(candidate)).status_code == 404
    response = outsider_client.post(_edit_url(candidate), {**TYPED, "name": "Hijacked"})
    assert response.status_code == 404
    candidate.refresh_from_db()
    assert candidate.name == "Spa Serena"


def test_the_edit_form_refuses_other_methods(owner_client, candidate):
    assert owner_client.delete(_edit_url(candidate)).status_code == 405
    assert Candidate.objects.filter(pk=candidate.pk).exists()


def test_editing_needs_a_login(client, candidate):
    for response in (client.get(_edit_url(candidate)), client.post(_edit_url(candidate), TYPED)):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    candidate.refresh_from_db()
    assert candidate.name == "Spa Serena"


# --- what was typed comes back as text, never as markup -------------------------------


@pytest.fixture
def hostile(owner_client) -> Candidate:
    typed = {
        **TYPED,
        "name": PAYLOAD,
        "business_type": f"<b>{PAYLOAD}</b>",
        "contact_name": PAYLOAD,
        "notes": f"line one\n{PAYLOAD}",
        **{field: f"{PAYLOAD} {field}" for field in TYPED if field.startswith("filter_")},
    }
    assert owner_client.post(CREATE_URL, typed).status_code == 302
    return Candidate.objects.get()


def test_markup_in_the_answers_is_shown_as_text_on_the_detail_page(owner_client, hostile):
    body = owner_client.get(_detail_url(hostile)).content.decode()
    assert PAYLOAD not in body and "<b>" not in body
    assert body.count(escape(PAYLOAD)) >= 9  # title, heading, type, contact, notes, 5 answers
    assert "line one<br>" in body  # notes keep their line breaks


def test_markup_in_the_name_is_shown_as_text_in_the_list(owner_client, hostile):
    body = owner_client.get(reverse("candidates:list")).content.decode()
    assert PAYLOAD not in body and "<b>" not in body
    assert escape(PAYLOAD) in body


def test_markup_in_the_name_is_shown_as_text_on_the_edit_page(owner_client, hostile):
    body = owner_client.get(_edit_url(hostile)).content.decode()
    assert PAYLOAD not in body
    assert f"Edit {escape(PAYLOAD)}" in body
