from __future__ import annotations

from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from accounts.workspaces import get_membership
from pilots.models import Pilot


def reviews_due(request) -> dict:
    """The navigation badge: reviews due or overdue in the current workspace (lazy)."""

    def count() -> int:
        membership = get_membership(request) if hasattr(request, "user") else None
        if membership is None:
            return 0
        return Pilot.objects.for_workspace(membership.workspace).due(timezone.localdate()).count()

    return {"reviews_due_count": SimpleLazyObject(count)}
