from __future__ import annotations

from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from accounts.workspaces import get_membership
from pilots.models import JobHeartbeat, Pilot
from pilots.reminders import JOB_NAME


def reviews_due(request) -> dict:
    """The navigation badge: reviews due or overdue in the current workspace, and whether
    the reminder job is running (for the dashboard and the preferences). Both lazy: no
    query on a page that does not show them."""

    def count() -> int:
        membership = get_membership(request) if hasattr(request, "user") else None
        if membership is None:
            return 0
        return Pilot.objects.for_workspace(membership.workspace).due(timezone.localdate()).count()

    def heartbeat() -> JobHeartbeat | None:
        return JobHeartbeat.objects.filter(name=JOB_NAME).first()

    return {
        "reviews_due_count": SimpleLazyObject(count),
        "heartbeat": SimpleLazyObject(heartbeat),
    }
