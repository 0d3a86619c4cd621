from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from accounts.workspaces import get_membership


def workspace(request) -> dict:
    """The current workspace for the navigation (only queried when a template uses it)."""
    if not hasattr(request, "user"):
        return {}
    return {"current_membership": SimpleLazyObject(lambda: get_membership(request) or False)}
