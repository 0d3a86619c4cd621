from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertRedirects

from accounts.models import Invitation, Membership, Role, User
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

MEMBERS = reverse("accounts:members")
NEW_PASSWORD = "lunar-teapot-orchard-91"


def _accept_url(invitation: Invitation) -> str:
    return reverse("accounts:invitation", kwargs={"token": invitation.token})


def _revoke_url(invitation: Invitation) -> str:
    return reverse("accounts:invitation_revoke", kwargs={"token": invitation.token})


# The members page


def test_the_members_page_lists_the_team_with_their_roles(owner_client, member):
    response = owner_client.get(MEMBERS)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Team of Tienda Luna" in body
    assert "owner@example.com" in body and "Owner" in body
    assert "member@example.com" in body and "Member" in body


def test_the_members_page_shows_only_the_current_workspace(outsider_client, member):
    body = outsider_client.get(MEMBERS).content.decode()
    assert "Team of Otra Empresa" in body
    assert "owner@example.com" not in body
    assert "member@example.com" not in body


def test_a_member_sees_the_team_but_not_the_invite_form(member_client, invitation):
    body = member_client.get(MEMBERS).content.decode()
    assert "owner@example.com" in body
    assert "newcomer@example.com" in body
    assert "Send invitation" not in body
    assert "Revoke" not in body


def test_the_members_page_needs_login(client):
    assertRedirects(
        client.get(MEMBERS), f"{reverse('login')}?next={MEMBERS}", fetch_redirect_response=False
    )


def test_the_members_page_rejects_other_http_methods(owner_client):
    assert owner_client.put(MEMBERS).status_code == 405
    assert owner_client.delete(MEMBERS).status_code == 405


# Inviting


def test_an_owner_invites_by_email(owner_client, owner, workspace, mailoutbox):
    response = owner_client.post(
        MEMBERS, {"email": "Newcomer@Example.com", "role": Role.MEMBER}, follow=True
    )
    assert response.redirect_chain[-1][0] == MEMBERS
    body = response.content.decode()
    assert "Invitation sent to newcomer@example.com." in body
    assert "Pending invitations" in body
    invitation = Invitation.objects.get()
    assert invitation.workspace == workspace
    assert invitation.email == "newcomer@example.com"
    assert invitation.invited_by == owner
    assert invitation.is_usable()


def test_the_invitation_email_has_an_absolute_link_on_the_site(owner_client, settings, mailoutbox):
    settings.SITE_URL = "https://semaforo.example"
    owner_client.post(MEMBERS, {"email": "newcomer@example.com", "role": Role.MEMBER})
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["newcomer@example.com"]
    assert message.subject == "You are invited to “Tienda Luna” on Semáforo"
    link = f"{settings.SITE_URL}{_accept_url(Invitation.objects.get())}"
    assert link.startswith("https://semaforo.example/accounts/invitations/")
    assert link in message.body
    assert "owner@example.com invites you" in message.body
    assert f'href="{link}"' in message.alternatives[0].content


def test_the_invitation_email_shows_the_business_name_as_typed(
    owner_client, owner, workspace, mailoutbox
):
    # The subject and the text body are plain text: no HTML entities in them.
    workspace.name = "Pan & Vino <Centro>"
    workspace.save()
    owner_client.post(MEMBERS, {"email": "newcomer@example.com", "role": Role.MEMBER})
    message = mailoutbox[0]
    assert message.subject == "You are invited to “Pan & Vino <Centro>” on Semáforo"
    assert "“Pan & Vino <Centro>”" in message.body
    assert "Pan &amp; Vino &lt;Centro&gt;" in message.alternatives[0].content


def test_the_link_in_the_email_opens_the_invitation(owner_client, client, mailoutbox):
    owner_client.post(MEMBERS, {"email": "newcomer@example.com", "role": Role.MEMBER})
    path = _accept_url(Invitation.objects.get())
    assert path in mailoutbox[0].body
    response = client.get(path)
    assert response.status_code == 200
    assert "Join “Tienda Luna”" in response.content.decode()


def test_a_member_who_is_not_owner_cannot_invite(member_client, mailoutbox):
    response = member_client.post(
        MEMBERS, {"email": "newcomer@example.com", "role": Role.MEMBER}, follow=True
    )
    assert "Only an owner can invite people." in response.content.decode()
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_inviting_an_existing_member_gives_a_field_error(owner_client, member, mailoutbox):
    response = owner_client.post(MEMBERS, {"email": "MEMBER@example.com", "role": Role.MEMBER})
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["This person is already a member."]
    assert "This person is already a member." in response.content.decode()
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_inviting_someone_from_another_workspace_is_fine(owner_client, outsider, mailoutbox):
    owner_client.post(MEMBERS, {"email": "outsider@example.com", "role": Role.MEMBER})
    assert Invitation.objects.get().email == "outsider@example.com"
    assert len(mailoutbox) == 1


def test_an_invalid_email_is_refused_when_inviting(owner_client, mailoutbox):
    response = owner_client.post(MEMBERS, {"email": "not-an-email", "role": Role.MEMBER})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert mailoutbox == []


def test_inviting_needs_login(client, workspace, mailoutbox):
    response = client.post(MEMBERS, {"email": "newcomer@example.com", "role": Role.MEMBER})
    assertRedirects(response, f"{reverse('login')}?next={MEMBERS}", fetch_redirect_response=False)
    assert not Invitation.objects.exists()


# Accepting: someone without an account


def test_an_invitee_without_account_is_asked_for_a_password(client, invitation):
    response = client.get(_accept_url(invitation))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Join “Tienda Luna”" in body
    assert "Choose a password for newcomer@example.com." in body
    assert 'name="password1"' in body


def test_an_invitee_without_account_sets_a_password_and_lands_in_the_workspace(
    client, invitation, candidate
):
    response = client.post(
        _accept_url(invitation),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard:home")
    body = response.content.decode()
    assert "Welcome to “Tienda Luna”." in body
    assert "Spa Serena" in client.get(reverse("candidates:list")).content.decode()
    user = User.objects.get(email="newcomer@example.com")
    assert user.check_password(NEW_PASSWORD)
    membership = Membership.objects.get(user=user)
    assert (membership.workspace, membership.role) == (invitation.workspace, Role.MEMBER)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_the_invited_role_is_the_one_given(client, workspace, owner):
    invitation = Invitation.objects.create(
        workspace=workspace, email="partner@example.com", role=Role.OWNER, invited_by=owner
    )
    client.post(_accept_url(invitation), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert Membership.objects.get(user__email="partner@example.com").role == Role.OWNER


def test_an_invitee_choosing_a_weak_password_sees_why(client, invitation):
    response = client.post(_accept_url(invitation), {"password1": "123", "password2": "123"})
    assert response.status_code == 200
    assert "This password is too short." in response.content.decode()
    assert not User.objects.filter(email="newcomer@example.com").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_invitee_typing_two_different_passwords_sees_why(client, invitation):
    response = client.post(
        _accept_url(invitation), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"}
    )
    assert "The two password fields didn’t match." in response.content.decode()
    assert not User.objects.filter(email="newcomer@example.com").exists()


# Accepting: someone who already has an account


@pytest.fixture
def invitation_for_outsider(workspace, owner, outsider) -> Invitation:
    return Invitation.objects.create(
        workspace=workspace, email="outsider@example.com", invited_by=owner
    )


def test_an_invitee_with_an_account_is_asked_to_log_in_first(client, invitation_for_outsider):
    url = _accept_url(invitation_for_outsider)
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Log in as outsider@example.com to accept." in body
    assert f"{reverse('login')}?next={url}" in body
    assert 'name="password1"' not in body


def test_posting_without_logging_in_does_not_join_an_existing_account(
    client, invitation_for_outsider, outsider
):
    response = client.post(
        _accept_url(invitation_for_outsider),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(user=outsider, workspace__name="Tienda Luna").exists()
    outsider.refresh_from_db()
    assert outsider.check_password(PASSWORD)


def test_an_invitee_with_an_account_logs_in_then_joins(
    client, invitation_for_outsider, outsider, candidate
):
    url = _accept_url(invitation_for_outsider)
    response = client.post(
        f"{reverse('login')}?next={url}",
        {"username": "outsider@example.com", "password": PASSWORD},
    )
    assertRedirects(response, url, fetch_redirect_response=False)

    response = client.get(url)
    body = response.content.decode()
    assert "You are logged in as outsider@example.com." in body
    assert "Join this workspace" in body

    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard:home")
    body = response.content.decode()
    assert "You joined “Tienda Luna”." in body
    assert "Spa Serena" in client.get(reverse("candidates:list")).content.decode()
    membership = Membership.objects.get(user=outsider, workspace=invitation_for_outsider.workspace)
    assert membership.role == Role.MEMBER
    # They keep their own workspace too.
    assert [w.name for w in outsider.workspaces()] == ["Otra Empresa", "Tienda Luna"]


# Links that no longer work


def test_an_expired_invitation_is_not_found(client, invitation):
    url = _accept_url(invitation)
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        assert client.get(url).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert client.get(url).status_code == 404
        response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        assert response.status_code == 404
    assert not User.objects.filter(email="newcomer@example.com").exists()


def test_a_revoked_invitation_is_not_found(client, invitation):
    invitation.revoked_at = timezone.now()
    invitation.save()
    assert client.get(_accept_url(invitation)).status_code == 404


def test_an_accepted_invitation_cannot_be_used_twice(client, invitation):
    url = _accept_url(invitation)
    client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert client.get(url).status_code == 404
    assert Client().get(url).status_code == 404


def test_a_garbage_token_is_not_found(client, owner_client, invitation):
    url = reverse("accounts:invitation", kwargs={"token": "not-a-real-token"})
    assert client.get(url).status_code == 404
    assert owner_client.post(url).status_code == 404


def test_an_already_accepted_invitation_does_not_add_a_second_member(
    invitation_for_outsider, outsider
):
    client = Client()
    client.force_login(outsider)
    url = _accept_url(invitation_for_outsider)
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 404
    assert Membership.objects.filter(user=outsider).count() == 2


def test_the_invitation_page_rejects_other_http_methods(client, invitation):
    assert client.put(_accept_url(invitation)).status_code == 405
    assert client.delete(_accept_url(invitation)).status_code == 405


# Revoking


def test_an_owner_revokes_a_pending_invitation(owner_client, invitation):
    response = owner_client.post(_revoke_url(invitation), follow=True)
    assert response.redirect_chain[-1][0] == MEMBERS
    body = response.content.decode()
    assert "Invitation to newcomer@example.com revoked." in body
    assert "Pending invitations" not in body
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert Client().get(_accept_url(invitation)).status_code == 404


def test_revoking_an_invitation_of_another_workspace_is_not_found(outsider_client, invitation):
    assert outsider_client.post(_revoke_url(invitation)).status_code == 404
    invitation.refresh_from_db()
    assert invitation.is_usable()


def test_a_member_who_is_not_owner_cannot_revoke(member_client, invitation):
    assert member_client.post(_revoke_url(invitation)).status_code == 403
    invitation.refresh_from_db()
    assert invitation.is_usable()


def test_revoking_an_accepted_invitation_is_not_found(owner_client, invitation):
    invitation.accepted_at = timezone.now()
    invitation.save()
    assert owner_client.post(_revoke_url(invitation)).status_code == 404


def test_revoking_needs_login(client, invitation):
    url = _revoke_url(invitation)
    assertRedirects(
        client.post(url), f"{reverse('login')}?next={url}", fetch_redirect_response=False
    )
    invitation.refresh_from_db()
    assert invitation.is_usable()


def test_revoking_is_post_only(owner_client, invitation):
    assert owner_client.get(_revoke_url(invitation)).status_code == 405
    invitation.refresh_from_db()
    assert invitation.is_usable()


def test_an_invitee_who_signed_up_meanwhile_is_asked_to_log_in(client, invitation):
    # Someone signs up on their own after being invited: the link now asks them to log in.
    make_user("newcomer@example.com")
    body = client.get(_accept_url(invitation)).content.decode()
    assert "Log in as newcomer@example.com to accept." in body
