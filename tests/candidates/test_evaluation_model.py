from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction

from candidates.criteria import CRITERION_FIELDS
from candidates.models import Evaluation, ScoringSettings
from candidates.scoring import Rule
from tests.conftest import make_candidate

pytestmark = pytest.mark.django_db

FROZEN_AT = datetime(2026, 3, 14, 10, 30, tzinfo=UTC)


def _tick(evaluation: Evaluation, n: int) -> Evaluation:
    for field in CRITERION_FIELDS[:n]:
        setattr(evaluation, field, True)
    evaluation.rescore()
    evaluation.save()
    return evaluation


def _use_rule(workspace, rule: str, green_min: int = 6, yellow_min: int = 3) -> None:
    scoring = ScoringSettings.for_workspace(workspace)
    scoring.rule = rule
    scoring.custom_green_min, scoring.custom_yellow_min = green_min, yellow_min
    scoring.save()


@pytest.mark.parametrize(("ticks", "colour"), [(0, "red"), (2, "red"), (3, "yellow"), (6, "green")])
def test_the_score_is_the_number_of_ticked_points(workspace, ticks, colour):
    evaluation = make_candidate(workspace, ticks=ticks).current_evaluation()
    assert (evaluation.score, evaluation.colour) == (ticks, colour)


def test_a_new_evaluation_is_scored_under_the_quick_score_table_by_default(candidate):
    evaluation = candidate.current_evaluation()
    assert (evaluation.rule, evaluation.green_min, evaluation.yellow_min) == ("quick", 6, 3)


def test_a_new_evaluation_takes_the_workspaces_custom_thresholds(workspace):
    _use_rule(workspace, Rule.CUSTOM, green_min=7, yellow_min=5)
    evaluation = make_candidate(workspace, ticks=6).current_evaluation()
    assert (evaluation.rule, evaluation.green_min, evaluation.yellow_min) == ("custom", 7, 5)
    assert evaluation.colour == "yellow"


def test_re_evaluating_freezes_the_current_evaluation_with_its_date_score_colour_and_rule(
    workspace,
):
    evaluation = make_candidate(workspace, ticks=4).current_evaluation()
    with time_machine.travel(FROZEN_AT, tick=False):
        evaluation.reevaluate()
    evaluation.refresh_from_db()
    assert evaluation.frozen_at == FROZEN_AT
    assert evaluation.is_frozen()
    assert (evaluation.score, evaluation.colour, evaluation.rule) == (4, "yellow", "quick")


def test_re_evaluating_starts_a_new_current_evaluation_prefilled_from_the_old_one(workspace):
    candidate = make_candidate(workspace)
    old = candidate.current_evaluation()
    old.ideal_customer = old.measurable = True
    old.ideal_customer_note = "Same clients as ours"
    _tick(old, 0)
    new = old.reevaluate()
    assert new.pk != old.pk and new.code != old.code
    assert not new.is_frozen()
    assert candidate.current_evaluation() == new
    assert (new.ideal_customer, new.measurable, new.transferable_trust) == (True, True, False)
    assert new.ideal_customer_note == "Same clients as ours"
    assert (new.score, new.colour) == (2, "red")


def test_the_frozen_evaluation_stays_as_it_was_when_the_new_one_changes(workspace):
    old = make_candidate(workspace, ticks=2).current_evaluation()
    new = old.reevaluate()
    _tick(new, 8)
    old.refresh_from_db()
    assert (old.score, old.colour, old.measurable) == (2, "red", False)
    assert (new.score, new.colour) == (8, "green")


def test_each_re_evaluation_adds_one_dated_entry_to_the_history(candidate):
    for _ in range(3):
        candidate.current_evaluation().reevaluate()
    assert candidate.evaluations.filter(frozen_at__isnull=False).count() == 3
    assert candidate.evaluations.filter(frozen_at__isnull=True).count() == 1


def test_changing_the_scoring_rule_never_recolours_existing_evaluations(workspace):
    candidate = make_candidate(workspace, ticks=4)
    current = candidate.current_evaluation().reevaluate()  # frozen 4/8 yellow; current too
    frozen = candidate.evaluations.get(frozen_at__isnull=False)

    _use_rule(workspace, Rule.HEADINGS)  # under which 4/8 would be green

    frozen.refresh_from_db()
    current.refresh_from_db()
    assert (frozen.colour, frozen.rule) == ("yellow", "quick")
    assert (current.colour, current.rule) == ("yellow", "quick")
    # Unticking a point on the current one rescores it under the rule it keeps.
    current.transferable_trust = False
    current.rescore()
    assert (current.score, current.colour, current.rule) == (3, "yellow", "quick")


def test_a_re_evaluation_uses_the_rule_in_force_now(workspace):
    current = make_candidate(workspace, ticks=4).current_evaluation()
    _use_rule(workspace, Rule.HEADINGS)
    new = current.reevaluate()
    assert (new.score, new.colour, new.rule) == (4, "green", "headings")
    assert (new.green_min, new.yellow_min) == (4, 2)
    current.refresh_from_db()
    assert (current.colour, current.rule) == ("yellow", "quick")


def test_a_candidate_cannot_have_two_current_evaluations(candidate):
    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.create(candidate=candidate)
    assert candidate.evaluations.count() == 1


def test_a_frozen_evaluation_and_a_current_one_can_coexist(candidate):
    candidate.current_evaluation().reevaluate()
    assert candidate.evaluations.count() == 2


@pytest.mark.parametrize(
    "values",
    [
        {"score": 9},
        {"colour": "blue"},
        {"rule": "vibes"},
        {"green_min": 3, "yellow_min": 3},  # equal: no yellow band
        {"green_min": 2, "yellow_min": 5},  # out of order
        {"green_min": 6, "yellow_min": 0},  # no red band
        {"green_min": 9, "yellow_min": 3},  # green unreachable
    ],
    ids=["score-9", "colour", "rule", "equal", "out-of-order", "yellow-0", "green-9"],
)
def test_the_database_refuses_an_impossible_evaluation(candidate, values):
    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.filter(candidate=candidate).update(**values)


@pytest.mark.parametrize(
    "values",
    [
        {"rule": "vibes"},
        {"custom_green_min": 4, "custom_yellow_min": 4},
        {"custom_green_min": 3, "custom_yellow_min": 5},
        {"custom_green_min": 5, "custom_yellow_min": 0},
        {"custom_green_min": 9, "custom_yellow_min": 3},
    ],
    ids=["rule", "equal", "out-of-order", "yellow-0", "green-9"],
)
def test_the_database_refuses_impossible_scoring_settings(workspace, values):
    ScoringSettings.for_workspace(workspace)
    with pytest.raises(IntegrityError), transaction.atomic():
        ScoringSettings.objects.filter(workspace=workspace).update(**values)
