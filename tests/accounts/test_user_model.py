from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError
from django.utils import timezone

from accounts.models import (
    Invitation,
    InvitationNotForYou,
    InvitationUsed,
    Membership,
    Role,
    User,
    Workspace,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


# User


def test_a_user_signs_in_with_their_email_and_has_no_username():
    user = User.objects.create_user(email="ana@example.com", password=PASSWORD)
    assert User.USERNAME_FIELD == "email"
    assert user.username is None
    assert str(user) == "ana@example.com"
    assert user.check_password(PASSWORD)
    assert not user.is_staff and not user.is_superuser


def test_emails_are_stored_in_lower_case():
    user = User.objects.create_user(email="Ana.Lopez@EXAMPLE.com", password=PASSWORD)
    assert user.email == "ana.lopez@example.com"


def test_two_accounts_cannot_share_an_email_in_different_case():
    User.objects.create(email="ana@example.com")
    with pytest.raises(IntegrityError):
        User.objects.create(email="ANA@example.com")


def test_a_user_is_found_by_email_in_any_case(owner):
    assert User.objects.get_by_natural_key("OWNER@Example.com") == owner


def test_a_superuser_can_reach_the_admin():
    user = User.objects.create_superuser(email="Admin@Example.com", password=PASSWORD)
    assert user.email == "admin@example.com"
    assert user.is_staff and user.is_superuser


def test_a_user_lists_their_workspaces_by_name(owner, outsider):
    owner.create_workspace("Café Sol")
    assert [w.name for w in owner.workspaces()] == ["Café Sol", "Tienda Luna"]
    assert [w.name for w in outsider.workspaces()] == ["Otra Empresa"]


# Workspaces and memberships


def test_sign_up_creates_the_user_and_their_owned_workspace():
    user = User.objects.sign_up("ana@example.com", PASSWORD, "Panadería Ana")
    membership = user.memberships.get()
    assert membership.workspace.name == "Panadería Ana"
    assert membership.is_owner


def test_a_workspace_gets_a_random_public_code(owner, outsider):
    first, second = owner.workspaces().get(), outsider.workspaces().get()
    assert len(first.code) == 10
    assert first.code != second.code
    assert str(first) == "Tienda Luna"


def test_a_member_is_not_an_owner(member, workspace):
    membership = Membership.objects.get(user=member, workspace=workspace)
    assert not membership.is_owner
    assert str(membership) == "member@example.com @ Tienda Luna (member)"


def test_a_user_belongs_to_a_workspace_only_once(owner, workspace):
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=owner, workspace=workspace, role=Role.MEMBER)


def test_the_database_refuses_an_unknown_role(owner):
    workspace = Workspace.objects.create(name="Raro")
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=owner, workspace=workspace, role="boss")


# Invitations


def test_an_invitation_expires_after_the_configured_days(invitation, settings):
    assert settings.INVITATION_MAX_AGE_DAYS == 7
    lifetime = invitation.expires_at - invitation.created_at
    assert timedelta(days=7) - timedelta(seconds=1) < lifetime <= timedelta(days=7)


def test_an_invitation_is_usable_until_it_expires(invitation):
    assert invitation.is_usable()
    assert list(Invitation.objects.pending()) == [invitation]
    with time_machine.travel(invitation.expires_at + timedelta(seconds=1)):
        assert not invitation.is_usable()
        assert not Invitation.objects.pending().exists()


def test_a_revoked_invitation_is_no_longer_usable(invitation):
    invitation.revoked_at = timezone.now()
    invitation.save()
    assert not invitation.is_usable()
    assert not Invitation.objects.pending().exists()


def test_accepting_an_invitation_adds_the_member_and_uses_it_up(workspace, outsider):
    invitation = Invitation.objects.create(workspace=workspace, email="Outsider@Example.com")
    membership = invitation.accept(outsider)  # the email in any case
    assert (membership.workspace, membership.role) == (invitation.workspace, Role.MEMBER)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert not invitation.is_usable()


def test_accepting_when_already_a_member_keeps_the_existing_role(workspace, owner):
    invitation = Invitation.objects.create(workspace=workspace, email=owner.email)
    membership = invitation.accept(owner)
    assert membership.role == Role.OWNER
    assert Membership.objects.filter(user=owner).count() == 1


def test_only_the_invited_email_can_accept(invitation, outsider):
    # An invitation is not a bearer token: anyone else holding the link joins nothing.
    with pytest.raises(InvitationNotForYou):
        invitation.accept(outsider)
    assert not Membership.objects.filter(user=outsider, workspace=invitation.workspace).exists()
    invitation.refresh_from_db()
    assert invitation.is_usable()


def test_accepting_a_used_invitation_again_finds_the_membership_or_refuses(workspace, outsider):
    invitation = Invitation.objects.create(workspace=workspace, email=outsider.email)
    stale = Invitation.objects.get(pk=invitation.pk)  # read by a second, simultaneous click
    first = invitation.accept(outsider)
    assert stale.accept(outsider) == first  # the double click joins once
    assert Membership.objects.filter(user=outsider, workspace=workspace).count() == 1
    revoked = Invitation.objects.create(
        workspace=workspace, email=outsider.email, revoked_at=timezone.now()
    )
    Membership.objects.filter(user=outsider, workspace=workspace).delete()
    with pytest.raises(InvitationUsed):
        revoked.accept(outsider)


def test_the_database_refuses_an_invitation_that_expires_before_it_is_created(workspace):
    with pytest.raises(IntegrityError):
        Invitation.objects.create(
            workspace=workspace, email="x@example.com", expires_at=timezone.now()
        )


def test_invitation_tokens_are_long_and_unique(workspace, owner):
    first = Invitation.objects.create(workspace=workspace, email="a@example.com")
    second = Invitation.objects.create(workspace=workspace, email="b@example.com")
    assert len(first.token) >= 40
    assert first.token != second.token
    assert str(first) == "a@example.com → Tienda Luna"
