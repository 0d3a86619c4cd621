"""The Pilot model: its identifiers, the database's invariants, and the dated rules."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from pilots.models import Pilot, ReviewState
from semaforo.lib.codes import ALPHABET
from tests.conftest import make_candidate
from tests.pilots.conftest import (
    TODAY,
    log_result,
    log_time,
    make_pilot,
    set_hourly_value,
    with_totals,
)

pytestmark = pytest.mark.django_db

AMBIGUOUS = set("0O1IL")


def test_the_tracking_code_is_short_and_has_no_ambiguous_characters(yellow, owner):
    codes = {
        make_pilot(make_candidate(yellow.workspace, f"P{i}", ticks=4)).tracking_code
        for i in range(20)
    }
    assert len(codes) == 20
    for code in codes:
        assert len(code) == 6
        assert set(code) <= set(ALPHABET)
        assert not set(code) & AMBIGUOUS


def test_a_duplicate_tracking_code_is_refused_by_the_database(pilot, workspace):
    other = make_candidate(workspace, "Café Sol", ticks=4)
    duplicate = Pilot(
        workspace=workspace,
        candidate=other,
        offer="Coffee and a massage",
        script="One line.",
        measurement="discount_code",
        start_date=TODAY,
        length_days=14,
        review_date=TODAY + timedelta(days=14),
        tracking_code=pilot.tracking_code,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    assert Pilot.objects.filter(tracking_code=pilot.tracking_code).count() == 1


def test_starting_a_pilot_draws_a_new_code_when_the_first_one_is_taken(pilot, workspace):
    other = make_candidate(workspace, "Café Sol", ticks=4)
    second = make_pilot(other, tracking_code=pilot.tracking_code)
    assert second.pk is not None
    assert second.tracking_code != pilot.tracking_code


@pytest.mark.parametrize("length_days", [13, 29])
def test_the_database_refuses_a_pilot_shorter_than_two_or_longer_than_four_weeks(
    yellow, length_days
):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_pilot(yellow, length_days=length_days)


@pytest.mark.parametrize("review_offset", [0, -1])
def test_the_database_refuses_a_review_that_is_not_after_the_start(yellow, review_offset):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_pilot(yellow, review_date=TODAY + timedelta(days=review_offset))


def test_the_pilot_ends_its_length_after_the_start(pilot):
    assert pilot.end_date == TODAY + timedelta(days=14)
    assert pilot.days_left(TODAY) == 14
    assert pilot.days_left(TODAY + timedelta(days=20)) == 0


def test_the_script_is_shown_as_its_non_empty_lines(yellow):
    pilot = make_pilot(yellow, script="First line\n\n  \nSecond line")
    assert pilot.script_lines() == ["First line", "Second line"]


@pytest.mark.parametrize(
    ("days_after_review", "state"),
    [
        (-1, ReviewState.UPCOMING),
        (0, ReviewState.DUE),
        (2, ReviewState.DUE),
        (3, ReviewState.OVERDUE),
        (10, ReviewState.OVERDUE),
    ],
)
def test_the_review_is_due_on_its_date_and_overdue_three_days_later(
    pilot, days_after_review, state
):
    today = pilot.review_date + timedelta(days=days_after_review)
    assert pilot.review_state(today) == state
    assert pilot.is_review_due(today) is (state != ReviewState.UPCOMING)


def test_a_finished_pilot_has_no_review_due(pilot):
    pilot.status, pilot.outcome = "finished", "discarded"
    assert pilot.review_state(pilot.review_date + timedelta(days=10)) == ReviewState.DONE
    assert not pilot.is_review_due(pilot.review_date)


def test_totals_add_up_the_results_and_coordination_logs(pilot):
    log_result(pilot, referrals=3, sales=1, revenue=Decimal("80.00"))
    log_result(pilot, referrals=2, sales=2, revenue=Decimal("120.50"))
    log_time(pilot, 45)
    log_time(pilot, 30)
    totals = with_totals(pilot)
    assert (totals.total_referrals, totals.total_sales) == (5, 3)
    assert totals.total_revenue == Decimal("200.50")
    assert totals.total_minutes == 75


def test_a_pilot_with_nothing_logged_has_zero_totals(pilot):
    totals = with_totals(pilot)
    assert (totals.total_referrals, totals.total_sales, totals.total_minutes) == (0, 0, 0)
    assert totals.total_revenue == 0
    assert totals.progress_percent() is None  # no target was set


@pytest.mark.parametrize(
    ("target", "referrals", "percent"),
    [(None, 5, None), (10, 0, 0), (10, 4, 40), (10, 10, 100), (10, 25, 100)],
)
def test_progress_is_referrals_against_the_target_capped_at_100(yellow, target, referrals, percent):
    pilot = make_pilot(yellow, target=target)
    if referrals:
        log_result(pilot, referrals=referrals)
    assert with_totals(pilot).progress_percent() == percent


@pytest.mark.parametrize(
    ("minutes", "expensive"),
    [(29, False), (30, False), (31, True)],
    ids=["cost-below-margin", "cost-equal-to-margin", "cost-above-margin"],
)
def test_it_is_an_expensive_hobby_only_when_coordination_costs_more_than_the_margin(
    yellow, minutes, expensive
):
    set_hourly_value(yellow.workspace, "60")  # one euro a minute
    pilot = make_pilot(yellow, margin_per_sale=Decimal("30.00"))
    log_result(pilot, sales=1)
    log_time(pilot, minutes)
    totals = with_totals(pilot)
    assert totals.hourly_value == Decimal("60")
    assert totals.coordination_cost() == Decimal(minutes)
    assert totals.margin_earned() == Decimal("30.00")
    assert totals.is_expensive_hobby() is expensive


def test_without_an_hourly_value_no_pilot_is_an_expensive_hobby(pilot):
    log_time(pilot, 600)
    assert not with_totals(pilot).is_expensive_hobby()


def test_an_extension_keeps_the_review_within_four_weeks_of_the_start(pilot):
    assert pilot.latest_extension_date() == TODAY + timedelta(days=28)
