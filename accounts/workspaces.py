"""The current workspace of a request, and the decorator that requires one."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from accounts.models import Membership, Workspace

SESSION_KEY = "workspace_id"
# The hidden input of {% workspace_field %}: the workspace a form was shown in.
FIELD_NAME = "workspace"
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


def switch_to_the_workspace_of(request: HttpRequest, **lookup):
    """Emails and calendar events link to records in any of the user's workspaces: switch to
    the workspace holding the one this `lookup` finds (e.g. `workspace__pilots__code=…`) and
    come back to the same address; 404 if the user is not a member there."""
    membership = get_object_or_404(request.user.memberships.select_related("workspace"), **lookup)
    switch_to(request, membership.workspace)
    messages.info(request, _("Now working in “%(name)s”.") % {"name": membership.workspace.name})
    return redirect(request.get_full_path())


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
        if request.method == "POST":
            membership = _form_membership(request, membership)
            if membership is None:
                messages.error(
                    request,
                    _(
                        "That form belongs to a workspace you are no longer a member of: "
                        "nothing was saved."
                    ),
                )
                return redirect("home")
        request.membership = membership
        request.workspace = membership.workspace
        return view(request, *args, **kwargs)

    return wrapper


def _form_membership(request: HttpRequest, current: Membership) -> Membership | None:
    """The membership a POST acts in: the workspace its form was shown in.

    A consultant may open a form in client A, switch to client B in another tab, then submit
    the first form: it must land in A, never in B. The form says its workspace
    ({% workspace_field %}); the session switches to it, and the person is told. A form that
    does not say (an older page, the test client) acts in the current workspace. None when
    the person is no longer a member of the form's workspace.
    """
    code = request.POST.get(FIELD_NAME, "")
    if not code or code == current.workspace.code:
        return current
    membership = (
        Membership.objects.select_related("workspace")
        .filter(user=request.user, workspace__code=code)
        .first()
    )
    if membership is not None:
        switch_to(request, membership.workspace)
        messages.info(
            request,
            _(
                "That form was opened in “%(name)s”, so it was sent there: "
                "you are now working in “%(name)s”."
            )
            % {"name": membership.workspace.name},
        )
    return membership


def owner_required(view):
    """Like workspace_required, and only the workspace's owners get past (others: 403)."""

    @workspace_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.membership.is_owner:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
