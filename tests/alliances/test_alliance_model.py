"""The alliance's verbs: design_for, missing, activate, the design history, and the
database's rules behind them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from alliances.models import (
    Alliance,
    BenefitRule,
    Cadence,
    DesignVersion,
    Measure,
    Metric,
    NotEligible,
    NotReady,
    PilotStillRunning,
    State,
    add_months,
)
from candidates.models import Status
from tests.alliances.conftest import TODAY, complete, promoted_pilot
from tests.conftest import make_candidate
from tests.pilots.conftest import make_pilot

pytestmark = pytest.mark.django_db


# --- design_for ------------------------------------------------------------------------------


def test_a_green_candidate_gets_an_alliance_in_design(green, owner):
    alliance = Alliance.objects.design_for(green, owner)
    assert alliance.state == State.DESIGN
    assert alliance.workspace == green.workspace
    assert alliance.created_by == owner
    assert alliance.pilot is None
    green.refresh_from_db()
    assert green.status == Status.ALLIANCE


def test_it_starts_from_what_the_candidate_said_it_would_bring(workspace, owner):
    candidate = make_candidate(
        workspace, "Gimnasio Norte", ticks=7, kind="channel", assets=["trust", "audience"]
    )
    alliance = Alliance.objects.design_for(candidate, owner)
    assert alliance.kind == "channel"
    assert alliance.they_bring == ["audience", "trust"]  # in the method's order


def test_a_double_tap_designs_one_alliance(green, owner, member):
    first = Alliance.objects.design_for(green, owner)
    second = Alliance.objects.design_for(green, member)
    assert second == first
    assert Alliance.objects.filter(candidate=green).count() == 1


def test_a_promoted_pilot_carries_over(workspace, owner):
    pilot = promoted_pilot(workspace, owner)
    alliance = Alliance.objects.design_for(pilot.candidate, owner)
    assert alliance.pilot == pilot
    assert alliance.pilot.tracking_code == pilot.tracking_code


def test_a_yellow_candidate_without_a_promoted_pilot_is_not_an_alliance(workspace, owner):
    yellow = make_candidate(workspace, "Spa Serena", ticks=4)
    with pytest.raises(NotEligible):
        Alliance.objects.design_for(yellow, owner)
    assert not Alliance.objects.exists()
    yellow.refresh_from_db()
    assert yellow.status != Status.ALLIANCE


def test_no_alliance_while_a_pilot_runs(green, owner):
    pilot = make_pilot(green, owner)
    with pytest.raises(PilotStillRunning) as refused:
        Alliance.objects.design_for(green, owner)
    assert refused.value.pilot == pilot
    assert not Alliance.objects.exists()


def test_the_database_keeps_one_open_alliance_per_candidate(alliance, owner):
    with pytest.raises(IntegrityError), transaction.atomic():
        Alliance.objects.create(workspace=alliance.workspace, candidate=alliance.candidate)


def test_an_ended_alliance_makes_room_for_a_new_one(alliance, owner):
    Alliance.objects.filter(pk=alliance.pk).update(state=State.ENDED, ended_at=alliance.created_at)
    again = Alliance.objects.design_for(alliance.candidate, owner)
    assert again != alliance
    assert again.state == State.DESIGN


# --- missing and activate --------------------------------------------------------------------


def test_a_new_design_misses_the_three_answers_and_a_target(alliance):
    assert alliance.missing() == [
        "how a customer is passed to you (1–2 steps)",
        "how they are served",
        "how it is charged, and what each side gets",
        "a metric with a monthly target",
    ]
    assert not alliance.can_activate()


def test_a_metric_without_a_target_is_not_enough(alliance):
    complete(alliance, metrics=0)
    Metric.objects.create(alliance=alliance, position=1, measure=Measure.SALES)
    assert alliance.missing() == ["a metric with a monthly target"]


def test_blank_answers_count_as_missing(alliance):
    complete(alliance)
    alliance.how_served = "   "
    assert alliance.missing() == ["how they are served"]


def test_it_cannot_be_activated_without_what_the_method_asks(alliance, owner):
    alliance.how_passed = "They hand over our card."
    alliance.save()
    with pytest.raises(NotReady) as refused:
        alliance.activate(owner, TODAY)
    assert refused.value.missing == [
        "how they are served",
        "how it is charged, and what each side gets",
        "a metric with a monthly target",
    ]
    alliance.refresh_from_db()
    assert alliance.state == State.DESIGN
    assert alliance.activated_at is None
    assert alliance.next_review_date is None


def test_activating_sets_the_first_review_a_month_ahead(alliance, owner):
    complete(alliance)
    assert alliance.can_activate()
    assert alliance.activate(owner, date(2026, 12, 9)) is True
    alliance.refresh_from_db()
    assert alliance.state == State.ACTIVE
    assert alliance.activated_by == owner
    assert alliance.activated_at is not None
    assert alliance.next_review_date == date(2027, 1, 9)


def test_a_quarterly_alliance_is_reviewed_three_months_ahead(alliance, owner):
    complete(alliance)
    alliance.review_cadence = Cadence.QUARTERLY
    alliance.save()
    alliance.activate(owner, date(2026, 11, 30))
    assert alliance.next_review_date == date(2027, 2, 28)


def test_a_double_tap_activates_once(alliance, owner, member):
    complete(alliance)
    assert alliance.activate(owner, TODAY) is True
    first = Alliance.objects.get(pk=alliance.pk)
    stale = Alliance.objects.get(pk=alliance.pk)
    stale.state = State.DESIGN  # the second tab still thinks it is in design
    assert stale.activate(member, TODAY + timedelta(days=1)) is False
    again = Alliance.objects.get(pk=alliance.pk)
    assert (again.activated_at, again.activated_by, again.next_review_date) == (
        first.activated_at,
        owner,
        first.next_review_date,
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
        (date(9999, 12, 20), 1, date(9999, 12, 31)),
    ],
)
def test_months_are_added_by_the_calendar(day, months, expected):
    assert add_months(day, months) == expected


# --- the design history ----------------------------------------------------------------------


def test_saving_the_design_keeps_each_version(alliance, owner):
    complete(alliance)
    first = alliance.save_design(owner)
    alliance.how_served = "Served by Marcos now."
    alliance.save()
    second = alliance.save_design(owner)
    assert DesignVersion.objects.filter(alliance=alliance).count() == 2
    assert first.data["how_served"] == "A first visit with a 10% discount, served by Ana."
    assert second.data["how_served"] == "Served by Marcos now."
    assert first.data["metrics"] == [
        {"position": 1, "measure": "referrals", "name": "", "monthly_target": "10.00"}
    ]


def test_the_same_design_saved_twice_is_one_version(alliance, owner):
    complete(alliance)
    assert alliance.save_design(owner) is not None
    assert Alliance.objects.get(pk=alliance.pk).save_design(owner) is None
    assert alliance.versions.count() == 1


def test_write_design_saves_the_metric_rows_by_position(alliance, owner):
    complete(alliance, metrics=3)
    rows = [
        Metric(position=1, measure=Measure.SALES, name="", monthly_target=Decimal(5)),
        None,
        Metric(position=3, measure=Measure.CUSTOM, name="Reviews", monthly_target=None),
    ]
    alliance.write_design(owner, rows, ["how_passed"])
    alliance.write_design(owner, rows, ["how_passed"])  # the same form, twice
    stored = list(alliance.metrics.values_list("position", "measure", "name", "monthly_target"))
    assert stored == [(1, "sales", "", Decimal("5.00")), (3, "custom", "Reviews", None)]
    assert alliance.versions.count() == 1


# --- the database's rules --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "value"),
    [
        (BenefitRule.PERCENT, Decimal("100.01")),
        (BenefitRule.PER_SALE, Decimal(-1)),
        (BenefitRule.PER_SALE, Decimal(10) ** 7 + 1),
    ],
)
def test_the_database_refuses_a_benefit_out_of_bounds(alliance, rule, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        Alliance.objects.filter(pk=alliance.pk).update(benefit_rule=rule, benefit_value=value)


@pytest.mark.parametrize("target", [Decimal(0), Decimal(-5), Decimal(10) ** 12 + 1])
def test_the_database_refuses_a_target_out_of_bounds(alliance, target):
    with pytest.raises(IntegrityError), transaction.atomic():
        Metric.objects.create(
            alliance=alliance, position=1, measure=Measure.SALES, monthly_target=target
        )


@pytest.mark.parametrize(
    "fields",
    [
        {"position": 4, "measure": Measure.SALES},
        {"position": 0, "measure": Measure.SALES},
        {"position": 1, "measure": Measure.CUSTOM, "name": ""},
        {"position": 1, "measure": "likes"},
    ],
)
def test_the_database_refuses_a_metric_out_of_bounds(alliance, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Metric.objects.create(alliance=alliance, **fields)


def test_the_database_keeps_three_metrics_at_most(alliance):
    complete(alliance, metrics=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Metric.objects.create(alliance=alliance, position=3, measure=Measure.SALES)


def test_an_active_alliance_has_its_dates(alliance):
    with pytest.raises(IntegrityError), transaction.atomic():
        Alliance.objects.filter(pk=alliance.pk).update(state=State.ACTIVE)


def test_a_pilot_not_promoted_does_not_make_an_alliance(workspace, owner):
    pilot = make_pilot(make_candidate(workspace, "Spa Serena", ticks=4), owner)
    pilot.record_review(owner, {"decision": "discard"})
    with pytest.raises(ValueError, match="promoted"):
        Alliance.objects.design_for(pilot.candidate, owner, pilot=pilot)
    with pytest.raises(NotEligible):
        Alliance.objects.design_for(pilot.candidate, owner)
