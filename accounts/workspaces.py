"""The current workspace of a request, and the decorator that requires one."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import redirect

from accounts.models import Membership, Workspace

SESSION_KEY = "workspace_id"
_UNSET = object()


def get_membership(request: HttpRequest) -> Membership | None:
    """The user's membership in the workspace chosen for this session (cached per request)."""
    cached = getattr(request, "_membership", _UNSET)
    if cached is not _UNSET:
        return cached
    membership = None
    if request.user.is_authenticated:
        memberships = Membership.objects.select_related("workspace").filter(user=request.user)
        chosen = request.session.get(SESSION_KEY)
        if chosen is not None:
            membership = memberships.filter(workspace_id=chosen).first()
        if membership is None:
            # First visit, or the chosen workspace is gone: fall back to the oldest one.
            membership = memberships.order_by("created_at", "id").first()
            if membership is not None:
                request.session[SESSION_KEY] = membership.workspace_id
    request._membership = membership
    return membership


def switch_to(request: HttpRequest, workspace: Workspace) -> None:
    request.session[SESSION_KEY] = workspace.pk
    if hasattr(request, "_membership"):
        del request._membership


def workspace_required(view):
    """login_required, plus request.membership / request.workspace for the current workspace.

    A signed-in user with no workspace at all (e.g. removed from the only one) is sent
    to create one.
    """

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        membership = get_membership(request)
        if membership is None:
            return redirect("accounts:workspace_create")
        request.membership = membership
        request.workspace = membership.workspace
        return view(request, *args, **kwargs)

    return wrapper


def owner_required(view):
    """Like workspace_required, and only the workspace's owners get past (others: 403)."""

    @workspace_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.membership.is_owner:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
