"""An owner takes someone out of the workspace; what they recorded stays."""

from __future__ import annotations

import pytest
from django.urls import reverse
from pytest_django.asserts import assertRedirects

from accounts.models import Membership, Role
from candidates.models import Candidate, Evaluation
from tests.conftest import client_for, make_candidate, make_user

pytestmark = pytest.mark.django_db

MEMBERS = reverse("accounts:members")
REMOVE = reverse("accounts:member_remove")


def _is_member(user, workspace) -> bool:
    return Membership.objects.filter(user=user, workspace=workspace).exists()


def test_an_owner_removes_a_member(owner_client, member, workspace):
    response = owner_client.post(REMOVE, {"email": member.email}, follow=True)
    assertRedirects(response, MEMBERS)
    body = response.content.decode()
    assert "member@example.com no longer has access to this workspace." in body
    assert not _is_member(member, workspace)
    assert member.__class__.objects.filter(pk=member.pk).exists()  # the account stays


def test_the_email_is_matched_whatever_its_case(owner_client, member, workspace):
    owner_client.post(REMOVE, {"email": "Member@Example.COM"})
    assert not _is_member(member, workspace)


def test_the_removed_member_no_longer_sees_the_workspace(
    owner_client, member_client, member, workspace
):
    make_candidate(workspace, "Spa Serena")
    assert "Spa Serena" in member_client.get(reverse("candidates:list")).content.decode()
    owner_client.post(REMOVE, {"email": member.email})
    # With no workspace left, the member is sent to create one.
    response = member_client.get(reverse("candidates:list"))
    assertRedirects(response, reverse("accounts:workspace_create"))


def test_removing_a_member_keeps_the_candidates_and_evaluations(owner_client, member, workspace):
    candidate = make_candidate(workspace, "Spa Serena", ticks=4)
    owner_client.post(REMOVE, {"email": member.email})
    assert Candidate.objects.filter(pk=candidate.pk, workspace=workspace).exists()
    assert Evaluation.objects.get(candidate=candidate).score == 4


def test_the_members_page_offers_an_owner_a_confirmed_remove_button(owner_client, member):
    body = owner_client.get(MEMBERS).content.decode()
    assert f'action="{REMOVE}"' in body
    assert 'value="member@example.com"' in body
    assert (
        'data-confirm="Remove member@example.com from this workspace? '
        'The candidates, evaluations and pilots stay."' in body
    )


def test_an_owner_is_not_offered_to_remove_themselves(owner_client, member):
    body = owner_client.get(MEMBERS).content.decode()
    assert 'value="owner@example.com"' not in body


def test_a_member_is_not_offered_the_remove_button(member_client):
    assert f'action="{REMOVE}"' not in member_client.get(MEMBERS).content.decode()


def test_a_member_who_is_not_owner_cannot_remove_anyone(member_client, owner, workspace):
    assert member_client.post(REMOVE, {"email": owner.email}).status_code == 403
    assert _is_member(owner, workspace)


def test_the_last_owner_cannot_be_removed(owner_client, owner, workspace):
    response = owner_client.post(REMOVE, {"email": owner.email}, follow=True)
    assertRedirects(response, MEMBERS)
    assert "owner@example.com is the only owner, and a workspace needs one." in (
        response.content.decode()
    )
    assert _is_member(owner, workspace)


def test_an_owner_can_remove_another_owner(owner_client, workspace):
    partner = make_user("partner@example.com")
    Membership.objects.create(user=partner, workspace=workspace, role=Role.OWNER)
    owner_client.post(REMOVE, {"email": partner.email})
    assert not _is_member(partner, workspace)


def test_an_owner_can_leave_when_another_owner_remains(owner_client, owner, workspace):
    partner = make_user("partner@example.com")
    Membership.objects.create(user=partner, workspace=workspace, role=Role.OWNER)
    response = owner_client.post(REMOVE, {"email": owner.email}, follow=True)
    assert "You left “Tienda Luna”." in response.content.decode()
    assert not _is_member(owner, workspace)
    assert _is_member(partner, workspace)


def test_someone_from_another_workspace_is_not_found(owner_client, outsider):
    assert owner_client.post(REMOVE, {"email": outsider.email}).status_code == 404
    assert outsider.workspaces().exists()


def test_an_owner_cannot_remove_members_of_another_workspace(outsider_client, member, workspace):
    assert outsider_client.post(REMOVE, {"email": member.email}).status_code == 404
    assert _is_member(member, workspace)


def test_removing_needs_login(client, member, workspace):
    response = client.post(REMOVE, {"email": member.email})
    assertRedirects(response, f"{reverse('login')}?next={REMOVE}", fetch_redirect_response=False)
    assert _is_member(member, workspace)


def test_removing_is_post_only(owner_client, member):
    assert owner_client.get(REMOVE, {"email": member.email}).status_code == 405


def test_removing_needs_the_csrf_token(owner, member, workspace):
    client = client_for(owner, enforce_csrf_checks=True)
    assert client.post(REMOVE, {"email": member.email}).status_code == 403
    assert _is_member(member, workspace)
