from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from candidates.criteria import FILTER_FIELDS
from candidates.models import Candidate, Evaluation
from tests.conftest import make_candidate

pytestmark = pytest.mark.django_db

ANSWERS = {
    "filter_customer": "Women 30–55 who book massages",
    "filter_channel": "Their front desk and a WhatsApp list",
    "filter_asset": "Trust: clients ask the therapists for advice",
    "filter_execution": "Therapist hands a card; we serve with a code",
    "filter_measure": "The SPA10 coupon code",
}


def test_the_smoke_filter_passes_when_all_five_questions_have_an_answer(workspace):
    assert make_candidate(workspace, **ANSWERS).filter_passed() is True


def test_the_smoke_filter_does_not_pass_with_no_answers(candidate):
    assert candidate.filter_passed() is False


@pytest.mark.parametrize("missing", FILTER_FIELDS)
def test_the_smoke_filter_does_not_pass_with_one_answer_missing(workspace, missing):
    candidate = make_candidate(workspace, **{**ANSWERS, missing: ""})
    assert candidate.filter_passed() is False


@pytest.mark.parametrize("blank", [" ", "   ", "\n", "\t \r\n"])
@pytest.mark.parametrize("missing", FILTER_FIELDS)
def test_whitespace_is_not_an_answer(workspace, missing, blank):
    candidate = make_candidate(workspace, **{**ANSWERS, missing: blank})
    assert candidate.filter_passed() is False


def test_a_new_candidate_starts_with_one_empty_red_evaluation(candidate):
    evaluation = candidate.current_evaluation()
    assert (evaluation.score, evaluation.colour, evaluation.is_frozen()) == (0, "red", False)
    assert candidate.evaluations.count() == 1


def test_the_current_evaluation_is_created_on_first_use(workspace):
    candidate = Candidate.objects.create(workspace=workspace, name="Yoga Sol")
    evaluation = candidate.current_evaluation()
    assert candidate.current_evaluation() == evaluation
    assert candidate.evaluations.count() == 1


def test_the_list_query_carries_the_current_score_and_colour(workspace):
    candidate = make_candidate(workspace, ticks=4)
    candidate.current_evaluation().reevaluate()  # the frozen one must not be picked up twice
    rows = Candidate.objects.for_workspace(workspace).with_current()
    assert [(c.pk, c.current_score, c.current_colour) for c in rows] == [
        (candidate.pk, 4, "yellow")
    ]


def test_asset_labels_are_the_readable_names(workspace):
    candidate = make_candidate(workspace, assets=["trust", "know_how"])
    assert candidate.asset_labels() == ["Transferable trust", "Know-how"]


def test_an_unknown_asset_does_not_validate(workspace):
    candidate = Candidate(workspace=workspace, name="Spa", assets=["trust", "rocket"])
    with pytest.raises(ValidationError) as excinfo:
        candidate.full_clean()
    assert "assets" in excinfo.value.message_dict


def test_a_candidate_with_evaluations_cannot_be_deleted(candidate):
    with pytest.raises(ProtectedError):
        candidate.delete()
    assert Candidate.objects.filter(pk=candidate.pk).exists()
    assert Evaluation.objects.filter(candidate=candidate).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("status", "bogus"), ("status", ""), ("kind", "friendship"), ("kind", "")],
)
def test_the_database_refuses_an_unknown_status_or_kind(candidate, field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        Candidate.objects.filter(pk=candidate.pk).update(**{field: value})


def test_candidate_codes_are_random_and_unique(workspace):
    codes = {make_candidate(workspace, name=f"C{i}").code for i in range(20)}
    assert len(codes) == 20
    assert all(len(code) == 10 and not code.isdigit() for code in codes)
