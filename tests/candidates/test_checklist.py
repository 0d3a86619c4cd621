from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates.criteria import CRITERION_FIELDS
from candidates.models import Evaluation, Status
from tests.conftest import make_candidate

pytestmark = pytest.mark.django_db


def _ticks(n: int) -> dict:
    return {field: "on" for field in CRITERION_FIELDS[:n]}


def test_a_tick_returns_the_light_partial_and_saves_it(owner_client, candidate):
    url = reverse("candidates:checklist", args=[candidate.code])
    response = owner_client.post(url, _ticks(3), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Yellow" in body and "3/8" in body and "<html" not in body
    evaluation = candidate.current_evaluation()
    assert (evaluation.score, evaluation.colour) == (3, "yellow")
    candidate.refresh_from_db()
    assert candidate.status == Status.EVALUATED


def test_without_javascript_the_submit_saves_and_redirects(owner_client, candidate):
    url = reverse("candidates:checklist", args=[candidate.code])
    response = owner_client.post(url, _ticks(6), follow=True)
    assert response.redirect_chain[-1][0] == reverse("candidates:detail", args=[candidate.code])
    assert "Green" in response.content.decode()
    assert candidate.current_evaluation().colour == "green"


# --- the detail page: the checklist, the light, the smoke filter ----------------------

SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es"}
CRITERIA_EN = [
    "Compatible ideal customer",
    "Transferable trust",
    "Active channel",
    "Real complement",
    "Natural purchase context",
    "Easy execution",
    "Clear two-sided benefit",
    "Measurable",
]


def _detail_url(candidate) -> str:
    return reverse("candidates:detail", args=[candidate.code])


def _checklist_url(candidate) -> str:
    return reverse("candidates:checklist", args=[candidate.code])


def test_the_detail_page_shows_the_eight_points_in_the_methods_order(owner_client, candidate):
    body = owner_client.get(_detail_url(candidate)).content.decode()
    labels = [f"{n}. {label}" for n, label in enumerate(CRITERIA_EN, start=1)]
    positions = [body.index(label) for label in labels]
    assert positions == sorted(positions)
    assert body.count('type="checkbox"') == 8


def test_the_detail_page_shows_the_light_and_its_advice(owner_client, workspace):
    candidate = make_candidate(workspace, ticks=7)
    body = owner_client.get(_detail_url(candidate)).content.decode()
    assert "7/8" in body and "Green" in body and "7 of 8 points" in body
    assert "Strategic alliance: go." in body
    assert "Scored under: Quick-score table (6–8 green, 3–5 yellow, 0–2 red)." in body


def test_the_light_is_announced_to_screen_readers_when_it_changes(owner_client, candidate):
    body = owner_client.get(_detail_url(candidate)).content.decode()
    # The htmx response replaces the inside of this live region, which stays in place.
    assert '<div id="light" role="status" aria-live="polite" aria-atomic="true">' in body
    assert 'hx-target="#light" hx-swap="innerHTML"' in body


def test_the_detail_page_says_whether_the_smoke_filter_passed(owner_client, workspace):
    answers = {
        "filter_customer": "Women 30–55",
        "filter_channel": "Front desk",
        "filter_asset": "Trust",
        "filter_execution": "Hand a card",
        "filter_measure": "Coupon",
    }
    passed = make_candidate(workspace, "Passed", **answers)
    not_yet = make_candidate(workspace, "Not yet", **{**answers, "filter_measure": "  "})
    assert "Filter passed" in owner_client.get(_detail_url(passed)).content.decode()
    body = owner_client.get(_detail_url(not_yet)).content.decode()
    assert "Filter not passed yet: answer all five questions" in body


def test_the_detail_page_refuses_post(owner_client, candidate):
    assert owner_client.post(_detail_url(candidate)).status_code == 405


def test_the_detail_page_needs_a_login(client, candidate):
    response = client.get(_detail_url(candidate))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_another_workspaces_candidate_is_not_found(outsider_client, candidate):
    assert outsider_client.get(_detail_url(candidate)).status_code == 404


# --- ticking --------------------------------------------------------------------------


def test_the_htmx_response_is_only_the_light_with_its_word_and_score(owner_client, candidate):
    response = owner_client.post(_checklist_url(candidate), _ticks(3), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div class="light light-yellow" data-colour="yellow">')
    assert "Yellow" in body and "3/8" in body and "3 of 8 points" in body
    assert "A pilot, not an alliance." in body
    assert "<form" not in body and "<nav" not in body


@pytest.mark.parametrize(
    ("ticks", "word"), [(1, "Red"), (2, "Red"), (3, "Yellow"), (5, "Yellow"), (6, "Green")]
)
def test_each_tick_recolours_the_light(owner_client, candidate, ticks, word):
    response = owner_client.post(_checklist_url(candidate), _ticks(ticks), HTTP_HX_REQUEST="true")
    assert word in response.content.decode() and f"{ticks}/8" in response.content.decode()
    assert candidate.current_evaluation().score == ticks


def test_unticking_lowers_the_score(owner_client, workspace):
    candidate = make_candidate(workspace, ticks=6)
    response = owner_client.post(_checklist_url(candidate), _ticks(2), HTTP_HX_REQUEST="true")
    assert "Red" in response.content.decode()
    assert (candidate.current_evaluation().score, candidate.current_evaluation().colour) == (
        2,
        "red",
    )


def test_a_note_is_saved_with_the_ticks(owner_client, candidate):
    data = {**_ticks(1), "ideal_customer_note": "Same neighbourhood"}
    owner_client.post(_checklist_url(candidate), data, HTTP_HX_REQUEST="true")
    assert candidate.current_evaluation().ideal_customer_note == "Same neighbourhood"
    body = owner_client.get(_detail_url(candidate)).content.decode()
    assert 'value="Same neighbourhood"' in body


def test_a_note_emptied_later_is_saved_empty_and_the_others_stay(owner_client, candidate):
    notes = {"ideal_customer_note": "Same street", "measurable_note": "Coupon code"}
    owner_client.post(_checklist_url(candidate), {**_ticks(2), **notes}, HTTP_HX_REQUEST="true")
    data = {**_ticks(3), "ideal_customer_note": "", "measurable_note": "Coupon code"}
    owner_client.post(_checklist_url(candidate), data, HTTP_HX_REQUEST="true")
    evaluation = candidate.current_evaluation()
    assert (evaluation.ideal_customer_note, evaluation.measurable_note) == ("", "Coupon code")
    assert (evaluation.score, evaluation.colour) == (3, "yellow")


def test_a_too_long_note_is_not_saved_and_the_light_says_so(owner_client, candidate):
    data = {**_ticks(4), "measurable_note": "x" * 301}
    response = owner_client.post(_checklist_url(candidate), data, HTTP_HX_REQUEST="true")
    assert "Not saved: please check the notes below." in response.content.decode()
    assert candidate.current_evaluation().score == 0


def test_without_javascript_a_too_long_note_is_shown_with_its_error(owner_client, candidate):
    data = {**_ticks(4), "measurable_note": "y" * 301, "ideal_customer_note": "Keep me"}
    response = owner_client.post(_checklist_url(candidate), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ensure this value has at most 300 characters (it has 301)." in body
    assert 'value="Keep me"' in body
    assert candidate.current_evaluation().score == 0


def test_without_javascript_the_error_page_still_shows_the_history_and_answers(
    owner_client, workspace
):
    candidate = make_candidate(workspace, ticks=3, filter_customer="Women 30–55")
    candidate.current_evaluation().reevaluate()
    frozen = candidate.evaluations.get(frozen_at__isnull=False)
    response = owner_client.post(_checklist_url(candidate), {"measurable_note": "z" * 301})
    assert response.status_code == 400
    body = response.content.decode()
    assert reverse("candidates:evaluation", args=[candidate.code, frozen.code]) in body
    assert "No earlier evaluations" not in body
    assert "Women 30–55" in body


def test_ticking_moves_only_a_new_candidate_to_evaluated(owner_client, workspace):
    candidate = make_candidate(workspace, status=Status.IN_PILOT)
    owner_client.post(_checklist_url(candidate), _ticks(5), HTTP_HX_REQUEST="true")
    candidate.refresh_from_db()
    assert candidate.status == Status.IN_PILOT


def test_a_member_can_tick(member_client, candidate):
    member_client.post(_checklist_url(candidate), _ticks(6), HTTP_HX_REQUEST="true")
    assert candidate.current_evaluation().colour == "green"


def _queries(client, candidate, field) -> list[str]:
    """The SQL of one tick, without the transaction control (SAVEPOINT, RELEASE) around it."""
    with CaptureQueriesContext(connection) as captured:
        _tick_one(client, candidate, field)
    sql = [query["sql"] for query in captured.captured_queries]
    return [s for s in sql if not s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def test_a_tick_costs_a_handful_of_queries(owner_client, candidate):
    owner_client.get(_detail_url(candidate))  # the page the ticks happen on
    # Session, user, membership, the open evaluation (locked), its update, the new status.
    first = _queries(owner_client, candidate, CRITERION_FIELDS[0])
    assert len(first) == 6 and first[-1].startswith('UPDATE "candidates_candidate"')
    # From then on the status is already "evaluated".
    assert len(_queries(owner_client, candidate, CRITERION_FIELDS[1])) == 5
    assert candidate.current_evaluation().score == 2


def test_a_tick_without_the_csrf_token_is_refused(owner, candidate):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(_checklist_url(candidate), _ticks(8), HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert candidate.current_evaluation().score == 0


def test_a_tick_with_the_token_from_the_pages_htmx_headers_is_saved(owner, candidate):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    body = client.get(_detail_url(candidate)).content.decode()
    token = re.search(r"hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", body).group(1)
    response = client.post(
        _checklist_url(candidate), _ticks(8), HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200
    assert candidate.current_evaluation().score == 8


def test_a_frozen_evaluation_cannot_be_edited(owner_client, workspace):
    candidate = make_candidate(workspace, ticks=2)
    current = candidate.current_evaluation().reevaluate()
    frozen = candidate.evaluations.get(frozen_at__isnull=False)
    owner_client.post(_checklist_url(candidate), _ticks(8), HTTP_HX_REQUEST="true")
    evaluation_url = reverse("candidates:evaluation", args=[candidate.code, frozen.code])
    assert owner_client.post(evaluation_url, _ticks(8)).status_code == 405
    frozen.refresh_from_db()
    current.refresh_from_db()
    assert (frozen.score, frozen.colour) == (2, "red")
    assert (current.score, current.colour) == (8, "green")


def test_the_checklist_url_refuses_get(owner_client, candidate):
    assert owner_client.get(_checklist_url(candidate)).status_code == 405


def test_ticking_needs_a_login(client, candidate):
    response = client.post(_checklist_url(candidate), _ticks(8), HTTP_HX_REQUEST="true")
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert candidate.current_evaluation().score == 0


def test_another_workspace_cannot_tick(outsider_client, candidate):
    candidate.current_evaluation()  # open, as after a first visit: found by code alone
    response = outsider_client.post(_checklist_url(candidate), _ticks(8), HTTP_HX_REQUEST="true")
    assert response.status_code == 404
    assert candidate.current_evaluation().score == 0
    candidate.refresh_from_db()
    assert candidate.status == Status.NEW


# --- in Spanish -----------------------------------------------------------------------


def test_in_spanish_the_light_says_amarillo(owner_client, candidate):
    response = owner_client.post(
        _checklist_url(candidate), _ticks(3), HTTP_HX_REQUEST="true", **SPANISH
    )
    body = response.content.decode()
    assert "Amarillo" in body and "3/8" in body
    assert "Yellow" not in body


def test_in_spanish_the_checklist_uses_the_articles_names(owner_client, candidate):
    body = owner_client.get(_detail_url(candidate), **SPANISH).content.decode()
    assert '<html lang="es">' in body
    assert "1. Cliente ideal compatible" in body
    assert "Compatible ideal customer" not in body


# --- a tick racing a re-evaluation in another tab ------------------------------------------


def _tick_one(client, candidate, field: str, value: bool | str = True):
    """What htmx sends when one control changes: that control alone, named in HX-Trigger-Name."""
    data = {} if value is False else {field: "on" if value is True else value}
    return client.post(
        _checklist_url(candidate), data, HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER_NAME=field
    )


def test_a_tick_never_changes_an_evaluation_frozen_since_the_page_was_read(owner_client, candidate):
    owner_client.get(_detail_url(candidate))  # the page is read…
    frozen = candidate.current_evaluation()
    frozen.reevaluate()  # …then another tab re-evaluates…
    response = _tick_one(owner_client, candidate, "active_channel")  # …then a box is ticked
    assert response.status_code == 200 and "1/8" in response.content.decode()
    frozen.refresh_from_db()
    assert frozen.frozen_at is not None and frozen.score == 0  # the record stays as it was
    current = candidate.current_evaluation()
    assert current.active_channel and current.score == 1  # the tick went to the open one


def test_a_tick_sends_one_box_and_keeps_every_other_box_as_stored(owner_client, member, candidate):
    # Tab A ticks three boxes; tab B (a teammate, loaded before) ticks a fourth: all survive.
    teammate = Client()
    teammate.force_login(member)
    teammate.get(_detail_url(candidate))
    for field in CRITERION_FIELDS[:3]:
        _tick_one(owner_client, candidate, field)
    response = _tick_one(teammate, candidate, CRITERION_FIELDS[5])
    assert "4/8" in response.content.decode()
    evaluation = candidate.current_evaluation()
    assert evaluation.score == 4
    assert [getattr(evaluation, f) for f in CRITERION_FIELDS] == [
        True,
        True,
        True,
        False,
        False,
        True,
        False,
        False,
    ]


def test_unticking_one_box_leaves_the_others(owner_client, workspace):
    candidate = make_candidate(workspace, "Café Sol", ticks=5)
    response = _tick_one(owner_client, candidate, CRITERION_FIELDS[0], False)
    assert "4/8" in response.content.decode()
    evaluation = candidate.current_evaluation()
    assert not evaluation.ideal_customer and evaluation.score == 4 and evaluation.colour == "yellow"


def test_a_note_sent_alone_changes_only_that_note(owner_client, workspace):
    candidate = make_candidate(workspace, "Café Sol", ticks=3)
    evaluation = candidate.current_evaluation()
    evaluation.measurable_note = "Con un código"
    evaluation.save()
    _tick_one(owner_client, candidate, "ideal_customer_note", "Mismo barrio")
    evaluation.refresh_from_db()
    assert evaluation.ideal_customer_note == "Mismo barrio"
    assert evaluation.measurable_note == "Con un código" and evaluation.score == 3


def test_a_stale_page_submitted_without_javascript_keeps_what_changed_meanwhile(
    owner_client, candidate
):
    # The page was loaded with nothing ticked and no notes ("initial-…" values)…
    loaded = {f"initial-{field}": "False" for field in CRITERION_FIELDS}
    loaded |= {f"initial-{field}_note": "" for field in CRITERION_FIELDS}
    # …meanwhile a teammate ticked two boxes and wrote a note…
    evaluation = candidate.current_evaluation()
    evaluation.ideal_customer = evaluation.transferable_trust = True
    evaluation.measurable_note = "Con un código"
    evaluation.rescore()
    evaluation.save()
    # …and this person ticks one box and submits the whole form.
    response = owner_client.post(_checklist_url(candidate), {**loaded, "measurable": "on"})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.ideal_customer and evaluation.transferable_trust and evaluation.measurable
    assert evaluation.measurable_note == "Con un código"
    assert (evaluation.score, evaluation.colour) == (3, "yellow")


def test_re_evaluating_keeps_a_tick_saved_after_the_page_was_read(candidate):
    page = candidate.current_evaluation()  # read before the tick below
    assert Evaluation.objects.filter(candidate=candidate).record_answers({"ideal_customer": True})
    new = page.reevaluate()
    page.refresh_from_db()
    assert page.frozen_at is not None and page.ideal_customer  # the record has the tick
    assert new.ideal_customer and new.score == 1  # and so does the new current one


def test_re_evaluating_twice_at_once_freezes_once_and_keeps_one_current(candidate):
    first_tab = candidate.current_evaluation()
    second_tab = Evaluation.objects.get(pk=first_tab.pk)
    new = first_tab.reevaluate()
    assert second_tab.reevaluate() == new  # no second freeze, no second current evaluation
    assert candidate.evaluations.count() == 2
    assert candidate.evaluations.filter(frozen_at__isnull=True).get() == new
