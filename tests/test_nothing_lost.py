"""Deleting a workspace or a member never silently removes evaluations or pilots."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import ProtectedError

from accounts.models import Membership, Workspace
from candidates.models import Candidate, Evaluation
from pilots.models import CoordinationEntry, CoordinationKind, Pilot, ResultEntry, Review
from tests.conftest import make_candidate
from tests.pilots.conftest import make_pilot

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(workspace, member):
    """What the member recorded: a scored candidate, a pilot with results, time and a review."""
    candidate = make_candidate(workspace, "Spa Serena", ticks=5)
    pilot = make_pilot(candidate, member, start_date=date(2026, 1, 5))
    ResultEntry.objects.create(pilot=pilot, date=date(2026, 1, 9), referrals=2, created_by=member)
    CoordinationEntry.objects.create(
        pilot=pilot,
        date=date(2026, 1, 9),
        minutes=30,
        kind=CoordinationKind.MEETING,
        created_by=member,
    )
    pilot.record_review(member, {"decision": "extend", "new_review_date": date(2026, 1, 25)})
    return candidate, pilot


def _counts(workspace: Workspace) -> dict[str, int]:
    return {
        "candidates": Candidate.objects.filter(workspace=workspace).count(),
        "evaluations": Evaluation.objects.filter(candidate__workspace=workspace).count(),
        "pilots": Pilot.objects.filter(workspace=workspace).count(),
        "results": ResultEntry.objects.filter(pilot__workspace=workspace).count(),
        "coordination": CoordinationEntry.objects.filter(pilot__workspace=workspace).count(),
        "reviews": Review.objects.filter(pilot__workspace=workspace).count(),
    }


def test_a_workspace_with_candidates_cannot_be_deleted(workspace, owner):
    make_candidate(workspace, "Spa Serena", ticks=3)
    with pytest.raises(ProtectedError):
        workspace.delete()
    # The deletion is all or nothing: the team and the checklist are still there.
    assert Workspace.objects.filter(pk=workspace.pk).exists()
    assert Membership.objects.filter(workspace=workspace, user=owner).exists()
    assert Evaluation.objects.get(candidate__workspace=workspace).score == 3


def test_a_workspace_with_pilots_cannot_be_deleted(workspace, recorded):
    before = _counts(workspace)
    with pytest.raises(ProtectedError):
        workspace.delete()
    assert _counts(workspace) == before


def test_a_candidate_with_evaluations_cannot_be_deleted(workspace):
    candidate = make_candidate(workspace, "Spa Serena", ticks=2)
    with pytest.raises(ProtectedError):
        candidate.delete()
    assert Evaluation.objects.filter(candidate=candidate).exists()


def test_an_empty_workspace_can_still_be_deleted(owner):
    # Nothing of value in it: the memberships and settings go with it.
    empty = owner.create_workspace("Sin nada")
    empty.delete()
    assert not Workspace.objects.filter(pk=empty.pk).exists()


def test_removing_a_member_keeps_everything_they_recorded(workspace, member, recorded):
    before = _counts(workspace)
    assert all(before.values())
    Membership.objects.get(user=member, workspace=workspace).remove()
    assert _counts(workspace) == before
    _candidate, pilot = recorded
    pilot.refresh_from_db()
    assert pilot.created_by == member  # still credited: the account exists


def test_deleting_a_users_account_keeps_the_workspaces_records(workspace, member, recorded):
    before = _counts(workspace)
    member.delete()
    assert _counts(workspace) == before
    _candidate, pilot = recorded
    pilot.refresh_from_db()
    assert pilot.created_by is None  # the record stays, only the author is forgotten
    assert Review.objects.get(pilot=pilot).reviewed_by is None
    assert ResultEntry.objects.get(pilot=pilot).referrals == 2
    assert ResultEntry.objects.get(pilot=pilot).created_by is None
