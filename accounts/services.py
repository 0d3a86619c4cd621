"""Workflows that span several models or send email."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Membership, Role, User, Workspace
from semaforo.lib.email import send_email
from semaforo.lib.money import DEFAULT_CURRENCY


@transaction.atomic
def sign_up(
    email: str,
    password: str,
    business_name: str,
    time_zone: str = "UTC",
    language: str = "",
    currency: str = DEFAULT_CURRENCY,
) -> User:
    """A new account and its first workspace. Raises IntegrityError when the email was taken
    meanwhile (a double click on "Sign up": the first request created it)."""
    user = User.objects.create_user(email=email, password=password, language=language)
    create_workspace(user, business_name, time_zone, currency)
    return user


@transaction.atomic
def create_workspace(
    owner: User, name: str, time_zone: str = "UTC", currency: str = DEFAULT_CURRENCY
) -> Workspace:
    workspace = Workspace.objects.create(name=name, time_zone=time_zone, currency=currency)
    Membership.objects.create(user=owner, workspace=workspace, role=Role.OWNER)
    return workspace


def send_invitation(invitation: Invitation, request: HttpRequest | None = None) -> None:
    """The invitation email; its link starts with the address of `request` (unless
    SITE_URL is set), so it works on whatever address the app is served on."""
    accept_path = reverse("accounts:invitation", kwargs={"token": invitation.token})
    send_email(
        "invitation",
        [invitation.email],
        {"invitation": invitation, "accept_path": accept_path},
        request=request,
    )


class InvitationNotForYou(Exception):
    """The invitation was sent to another email address than this account's."""


class InvitationUsed(Exception):
    """Accepted (by someone else's request), revoked or expired meanwhile."""


@transaction.atomic
def accept_invitation(invitation: Invitation, user: User) -> Membership:
    """Join the workspace with the invited role: only the account of the invited email,
    and once. The invitation row is locked and read again, so two requests at once (a
    double click) join once; the second finds the membership the first made.
    """
    if not invitation.is_for(user):
        raise InvitationNotForYou
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable():
        joined = Membership.objects.filter(user=user, workspace=invitation.workspace).first()
        if invitation.accepted_at is not None and joined is not None:
            return joined
        raise InvitationUsed
    membership, _created = Membership.objects.get_or_create(
        user=user, workspace=invitation.workspace, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


class LastOwnerError(Exception):
    """Removing this membership would leave the workspace without an owner."""


@transaction.atomic
def remove_member(membership: Membership) -> None:
    """Take someone out of a workspace. Their candidates, evaluations and pilots stay.

    The workspace row is locked so two owners removing each other at the same moment
    cannot leave it with none.
    """
    workspace = Workspace.objects.select_for_update().get(pk=membership.workspace_id)
    if (
        membership.is_owner
        and not workspace.memberships.filter(role=Role.OWNER).exclude(pk=membership.pk).exists()
    ):
        raise LastOwnerError
    membership.delete()
