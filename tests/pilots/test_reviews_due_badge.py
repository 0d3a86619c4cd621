"""The navigation badge: how many reviews are due or overdue in the current workspace."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from pilots.models import Decision
from tests.conftest import client_for, make_candidate
from tests.pilots.conftest import TODAY, body, make_pilot

pytestmark = pytest.mark.django_db

BADGE = re.compile(r'<span class="badge text-bg-warning">(\d+)<span class="visually-hidden">')


def badge(client, url: str = reverse("candidates:list")) -> int | None:
    """The number on the Dashboard link, or None when there is no badge."""
    found = BADGE.search(body(client.get(url)))
    return int(found.group(1)) if found else None


def started(workspace, name: str, owner, days_ago: int):
    return make_pilot(
        make_candidate(workspace, name, ticks=4), owner, start_date=TODAY - timedelta(days=days_ago)
    )


@pytest.fixture
def two_workspaces(owner, workspace):
    """Tienda Luna: one review due today, one overdue, one running, one done.
    Segunda Tienda (also the owner's): one review due today."""
    started(workspace, "Spa Serena", owner, days_ago=14)
    started(workspace, "Yoga Norte", owner, days_ago=20)
    started(workspace, "Bar Nuevo", owner, days_ago=2)
    done = started(workspace, "Bar Cerrado", owner, days_ago=15)
    done.record_review(owner, {"decision": Decision.PROMOTE})
    second = owner.create_workspace("Segunda Tienda")
    started(second, "Café Sur", owner, days_ago=14)
    return workspace, second


def test_the_badge_counts_due_and_overdue_reviews_in_the_current_workspace(
    owner_client, two_workspaces
):
    assert badge(owner_client) == 2
    assert badge(owner_client, reverse("dashboard:home")) == 2


def test_switching_workspace_changes_the_badge(owner_client, two_workspaces):
    _first, second = two_workspaces

    owner_client.post(reverse("accounts:switch"), {"workspace": second.code, "next": "/"})

    assert badge(owner_client) == 1


def test_another_workspaces_reviews_never_show(outsider, two_workspaces):
    assert badge(client_for(outsider)) is None


def test_a_member_sees_the_same_count(member_client, two_workspaces):
    assert badge(member_client) == 2


def test_no_badge_when_nothing_is_due(owner_client, owner, workspace):
    started(workspace, "Bar Nuevo", owner, days_ago=2)
    assert badge(owner_client) is None


def test_the_badge_follows_the_workspaces_time_zone(owner, workspace):
    """At 20:00 UTC on 8 December it is already the 9th in Tokyo."""
    started(workspace, "Spa Serena", owner, days_ago=14)  # review on the 9th
    with time_machine.travel(datetime(2026, 12, 8, 20, 0, tzinfo=UTC), tick=False):
        client = client_for(owner)
        assert badge(client) is None
        workspace.time_zone = "Asia/Tokyo"
        workspace.save(update_fields=["time_zone"])
        assert badge(client) == 1
