"""Helpers for the periodic review and the reminders: an alliance activated some time ago
(so its review is due on a chosen day), and what the review page posts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from alliances.models import Alliance, add_months
from tests.alliances.running import running


def running_since(alliance: Alliance, owner, day: date, **fields) -> Alliance:
    """The alliance made complete and active as if activated on `day` (in the workspace's
    calendar): its first review a cadence after `day`. `fields` as for running()."""
    alliance = running(alliance, owner, **fields)
    Alliance.objects.filter(pk=alliance.pk).update(
        activated_at=datetime.combine(day, time(15), tzinfo=UTC),
        next_review_date=add_months(day, alliance.review_months()),
    )
    return Alliance.objects.prefetch_related("metrics").get(pk=alliance.pk)


def review_data(**overrides) -> dict:
    """What the review page posts: no prompt ticked, keep it."""
    return {"decision": "keep", "new_kind": "", "notes": "", **overrides}
