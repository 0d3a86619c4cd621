"""The day-14 review: totals, the checklist again, four diagnostics and a decision."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from candidates.criteria import CRITERION_FIELDS
from candidates.models import Status
from pilots.models import Outcome, Pilot, Review
from tests.pilots.conftest import (
    TODAY,
    assert_login_required,
    body,
    log_result,
    log_time,
    make_pilot,
    set_hourly_value,
)

pytestmark = pytest.mark.django_db

STARTED = TODAY - timedelta(days=14)  # so the review (day 14) is due today


@pytest.fixture
def due(yellow, owner) -> Pilot:
    """A pilot whose day-14 review is today, with something logged."""
    pilot = make_pilot(yellow, owner, start_date=STARTED, target=10, margin_per_sale=Decimal(20))
    log_result(pilot, on=STARTED + timedelta(days=3), referrals=4, sales=2, revenue=Decimal(90))
    log_result(pilot, on=STARTED + timedelta(days=9), referrals=2)
    log_time(pilot, 90, on=STARTED + timedelta(days=1))
    return pilot


def _url(pilot: Pilot) -> str:
    return reverse("pilots:review", args=[pilot.code])


def _shown(page: str, label: str) -> str:
    match = re.search(rf"{re.escape(label)}</dt>\s*<dd[^>]*>(.*?)</dd>", page, re.S)
    assert match, f"{label!r} not on the page"
    return match.group(1).strip()


def _decide(client, pilot: Pilot, decision: str, **fields):
    return client.post(_url(pilot), {"decision": decision, **fields})


def _refreshed(pilot: Pilot) -> Pilot:
    return Pilot.objects.select_related("candidate").get(pk=pilot.pk)


# --- the page --------------------------------------------------------------------------------


def test_on_the_due_date_the_review_page_shows_the_totals(owner_client, due, workspace):
    set_hourly_value(workspace, "30")
    response = owner_client.get(_url(due))
    page = body(response)
    assert response.status_code == 200
    assert "Review of the pilot with Spa Serena" in page
    assert "Review due" in page
    assert _shown(page, "Referrals") == "6 / 10"
    assert _shown(page, "Sales") == "2"
    assert _shown(page, "Revenue") == "$90"
    assert _shown(page, "Cost of coordination") == "$45"
    assert _shown(page, "Margin earned") == "$40"
    assert "Expensive hobby." in page


def test_three_days_late_the_review_is_overdue(owner_client, yellow):
    pilot = make_pilot(yellow, start_date=STARTED - timedelta(days=3))
    assert "Review overdue" in body(owner_client.get(_url(pilot)))


def test_the_review_page_reruns_the_checklist_prefilled_from_the_current_evaluation(
    owner_client, due
):
    page = body(owner_client.get(_url(due)))
    assert "The checklist again" in page
    assert page.count('type="checkbox" name="ideal_customer"') == 1
    ticked = [f for f in CRITERION_FIELDS if re.search(rf'name="{f}"[^>]*checked', page)]
    assert ticked == list(CRITERION_FIELDS[:4])
    assert f'name="next" value="{_url(due)}"' in page
    assert "4/8" in page


def test_the_review_page_asks_the_four_diagnostic_questions_and_the_four_decisions(
    owner_client, due
):
    page = body(owner_client.get(_url(due)))
    for question in (
        "The framing is uncomfortable for the partner",
        "The operating model is confusing",
        "The benefit is badly posed",
        "There is no simple way to try it without commitment",
    ):
        assert question in page
    for decision in (
        "Promote to strategic alliance",
        "Extend once",
        "Stop: keep an open referral",
        "Stop: discard",
    ):
        assert decision in page


# --- decisions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "outcome", "status"),
    [
        ("promote", Outcome.PROMOTED, Status.ALLIANCE),
        ("open_referral", Outcome.OPEN_REFERRAL, Status.OPEN_REFERRAL),
        ("discard", Outcome.DISCARDED, Status.DISCARDED),
    ],
)
def test_a_final_decision_finishes_the_pilot_and_sets_the_candidates_status(
    owner_client, owner, due, decision, outcome, status
):
    response = _decide(owner_client, due, decision, notes="Lo hablamos en persona.")
    assert response.status_code == 302
    assert response["Location"] == reverse("pilots:detail", args=[due.code])
    pilot = _refreshed(due)
    assert (pilot.status, pilot.outcome) == ("finished", outcome)
    assert pilot.finished_at is not None
    assert pilot.candidate.status == status
    review = Review.objects.get(pilot=pilot)
    assert (review.decision, review.reviewed_by, review.notes) == (
        decision,
        owner,
        "Lo hablamos en persona.",
    )


def test_after_promoting_the_pilot_page_shows_the_outcome_and_the_review(owner_client, due):
    response = owner_client.post(_url(due), {"decision": "promote"}, follow=True)
    page = body(response)
    assert "Review saved." in page
    assert "Promoted to strategic alliance" in page
    assert "Finished" in page
    assert "6 referrals, 2 sales" in page
    assert "Log a result" not in page


def test_the_diagnostics_ticked_are_kept_with_the_review(owner_client, due):
    _decide(owner_client, due, "discard", model_confusing="on", benefit_badly_posed="on")
    review = Review.objects.get(pilot=due)
    assert (review.model_confusing, review.benefit_badly_posed) == (True, True)
    assert (review.framing_uncomfortable, review.no_simple_pilot) == (False, False)


def test_the_review_keeps_a_snapshot_of_the_totals(owner_client, due, workspace):
    set_hourly_value(workspace, "30")
    _decide(owner_client, due, "promote")
    log_result(due, referrals=50, sales=50, revenue=Decimal(5000))  # after the review
    log_time(due, 600)
    review = Review.objects.get(pilot=due)
    assert (review.referrals, review.sales, review.revenue) == (6, 2, Decimal("90.00"))
    assert review.coordination_minutes == 90
    assert (review.coordination_cost, review.margin_earned) == (Decimal("45.00"), Decimal("40.00"))


def test_the_rerun_checklist_is_frozen_into_the_history(owner_client, due):
    candidate = due.candidate
    ticks = dict.fromkeys(CRITERION_FIELDS[:6], "on")
    response = owner_client.post(
        reverse("candidates:checklist", args=[candidate.code]), {**ticks, "next": _url(due)}
    )
    assert response["Location"] == _url(due)  # back to the review, now green
    assert "6/8" in body(owner_client.get(_url(due)))
    _decide(owner_client, due, "promote")
    review = Review.objects.select_related("evaluation").get(pilot=due)
    assert review.evaluation.is_frozen()
    assert (review.evaluation.score, review.evaluation.colour) == (6, "green")
    # The prediction at the start is untouched, and both sit in the candidate's history.
    due.start_evaluation.refresh_from_db()
    assert (due.start_evaluation.score, due.start_evaluation.colour) == (4, "yellow")
    history = set(
        candidate.evaluations.filter(frozen_at__isnull=False).values_list("pk", flat=True)
    )
    assert {due.start_evaluation.pk, review.evaluation.pk} <= history
    # A fresh current evaluation goes on from the reviewed one.
    current = candidate.current_evaluation()
    assert current.pk != review.evaluation.pk and current.score == 6


# --- extend once -----------------------------------------------------------------------------


def test_extending_moves_the_review_date_and_keeps_the_pilot_running(owner_client, due):
    new_date = STARTED + timedelta(days=21)
    response = _decide(owner_client, due, "extend", new_review_date=new_date.isoformat())
    assert response.status_code == 302
    pilot = _refreshed(due)
    assert (pilot.review_date, pilot.extended, pilot.status) == (new_date, True, "active")
    assert pilot.length_days == 21  # the pilot stretches to the new review
    assert pilot.candidate.status == Status.IN_PILOT
    review = Review.objects.get(pilot=pilot)
    assert (review.decision, review.new_review_date) == ("extend", new_date)


def test_a_pilot_is_extended_only_once(owner_client, due):
    first = STARTED + timedelta(days=21)
    _decide(owner_client, due, "extend", new_review_date=first.isoformat())
    page = body(owner_client.get(_url(due)))
    assert "Extend once" not in page
    response = _decide(
        owner_client, due, "extend", new_review_date=(first + timedelta(1)).isoformat()
    )
    assert response.status_code == 400
    assert "Select a valid choice." in body(response)
    assert _refreshed(due).review_date == first
    assert Review.objects.filter(pilot=due).count() == 1


@pytest.mark.parametrize(
    ("days_from_start", "error"),
    [
        (None, "Choose the new review date."),
        (13, "The new review date must be after the current one."),
        (14, "The new review date must be after the current one."),
        (15, None),
        (28, None),
        (
            29,
            "An extension keeps the review within 4 weeks of the start: on or before 2026-12-23.",
        ),
    ],
    ids=["missing", "before-current", "same-as-current", "next-day", "day-28", "day-29"],
)
def test_the_new_review_date_is_after_the_current_one_and_within_four_weeks(
    owner_client, due, days_from_start, error
):
    new_date = "" if days_from_start is None else (STARTED + timedelta(days_from_start)).isoformat()
    response = _decide(owner_client, due, "extend", new_review_date=new_date)
    if error is None:
        assert response.status_code == 302
        assert _refreshed(due).review_date == STARTED + timedelta(days_from_start)
    else:
        assert response.status_code == 400
        assert error in body(response)
        assert _refreshed(due).review_date == TODAY
        assert not Review.objects.exists()


def test_a_new_review_date_is_ignored_for_other_decisions(owner_client, due):
    _decide(owner_client, due, "discard", new_review_date=(TODAY + timedelta(5)).isoformat())
    assert Review.objects.get(pilot=due).new_review_date is None


def test_a_review_needs_a_decision(owner_client, due):
    response = owner_client.post(_url(due), {"notes": "Sin decidir"})
    assert response.status_code == 400
    assert "This field is required." in body(response)
    assert _refreshed(due).is_active()


# --- a finished pilot --------------------------------------------------------------------------


def test_a_finished_pilots_review_page_redirects_to_the_pilot(owner_client, due):
    _decide(owner_client, due, "discard")
    response = owner_client.get(_url(due), follow=True)
    assert response.redirect_chain == [(reverse("pilots:detail", args=[due.code]), 302)]
    assert "This pilot is finished; its reviews are below." in body(response)
    assert _decide(owner_client, due, "promote").status_code == 302
    assert Review.objects.filter(pilot=due).count() == 1
    assert _refreshed(due).candidate.status == Status.DISCARDED


# --- the usual guards --------------------------------------------------------------------------


def test_the_review_refuses_other_methods(owner_client, due):
    assert owner_client.put(_url(due)).status_code == 405


def test_the_review_needs_a_login(due):
    assert_login_required(_url(due))
    assert_login_required(_url(due), "post")


def test_another_workspace_cannot_review_the_pilot(outsider_client, due):
    assert outsider_client.get(_url(due)).status_code == 404
    assert outsider_client.post(_url(due), {"decision": "discard"}).status_code == 404
    assert _refreshed(due).is_active()
    assert not Review.objects.exists()


# --- one form: the checklist again and the decision, saved together -------------------------


def _as_loaded(pilot: Pilot) -> dict:
    """The review page's checklist as it was loaded: the values of its "initial-" inputs."""
    evaluation = pilot.candidate.current_evaluation()
    loaded = {f"initial-{f}": str(getattr(evaluation, f)) for f in CRITERION_FIELDS}
    return loaded | {f"initial-{f}_note": "" for f in CRITERION_FIELDS}


def test_the_review_saves_its_ticks_and_decision_in_one_submit(owner_client, due):
    ticks = dict.fromkeys(CRITERION_FIELDS[:6], "on")
    response = _decide(owner_client, due, "promote", **_as_loaded(due), **ticks)
    assert response.status_code == 302
    review = Review.objects.select_related("evaluation").get(pilot=due)
    assert (review.evaluation.score, review.evaluation.colour) == (6, "green")
    assert review.evaluation.is_frozen()


def test_a_review_without_a_decision_keeps_the_ticks_typed_on_the_page(owner_client, due):
    ticks = dict.fromkeys(CRITERION_FIELDS[:7], "on")
    response = _decide(owner_client, due, "", **_as_loaded(due), **ticks)
    assert response.status_code == 400
    page = body(response)
    checked = re.findall(r'type="checkbox" name="(\w+)"[^>]* checked', page)
    assert checked == list(CRITERION_FIELDS[:7])  # nothing the person ticked is lost
    assert not Review.objects.filter(pilot=due).exists()


def test_the_review_keeps_a_box_a_teammate_ticked_after_the_page_loaded(owner_client, due):
    loaded = _as_loaded(due)
    ticked_before = [f for f in CRITERION_FIELDS if loaded[f"initial-{f}"] == "True"]
    evaluation = due.candidate.current_evaluation()
    evaluation.measurable = True  # a teammate, meanwhile
    evaluation.rescore()
    evaluation.save()
    _decide(owner_client, due, "promote", **loaded, **dict.fromkeys(ticked_before, "on"))
    review = Review.objects.select_related("evaluation").get(pilot=due)
    assert review.evaluation.measurable and review.evaluation.score == len(ticked_before) + 1
