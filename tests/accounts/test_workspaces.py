from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertRedirects

from accounts.models import Membership, Role, Workspace
from tests.conftest import client_for, make_candidate, make_user

pytestmark = pytest.mark.django_db

SWITCH = reverse("accounts:switch")
CREATE = reverse("accounts:workspace_create")
SETTINGS = reverse("accounts:workspace_settings")
CANDIDATES = reverse("candidates:list")


def _login_url(next_path: str) -> str:
    return f"{reverse('login')}?next={next_path}"


@pytest.fixture
def consultant_candidates(workspace, second_workspace):
    """One candidate in each of the owner's two workspaces."""
    make_candidate(workspace, "Spa Serena")
    make_candidate(second_workspace, "Librería Norte")


# Switching workspace


def test_a_consultant_starts_in_their_first_workspace(owner_client, consultant_candidates):
    body = owner_client.get(CANDIDATES).content.decode()
    assert "Spa Serena" in body
    assert "Librería Norte" not in body


def test_the_menu_offers_every_workspace_of_the_user(owner_client, second_workspace, outsider):
    body = owner_client.get(CANDIDATES).content.decode()
    assert f'value="{second_workspace.code}"' in body
    assert "Café Sol" in body
    assert outsider.workspaces().get().code not in body


def test_switching_shows_only_that_workspaces_candidates(
    owner_client, second_workspace, consultant_candidates
):
    response = owner_client.post(
        SWITCH, {"workspace": second_workspace.code, "next": CANDIDATES}, follow=True
    )
    assert response.redirect_chain[-1][0] == CANDIDATES
    body = response.content.decode()
    assert "Now working in “Café Sol”." in body
    assert "Librería Norte" in body
    assert "Spa Serena" not in body


def test_the_switch_lasts_for_the_following_pages(
    owner_client, workspace, second_workspace, consultant_candidates
):
    owner_client.post(SWITCH, {"workspace": second_workspace.code})
    assert "Team of Café Sol" in owner_client.get(reverse("accounts:members")).content.decode()
    body = owner_client.get(CANDIDATES).content.decode()
    assert "Librería Norte" in body and "Spa Serena" not in body

    owner_client.post(SWITCH, {"workspace": workspace.code})
    body = owner_client.get(CANDIDATES).content.decode()
    assert "Spa Serena" in body and "Librería Norte" not in body


def test_switching_to_a_workspace_you_do_not_belong_to_is_not_found(
    owner_client, outsider, consultant_candidates
):
    foreign = outsider.workspaces().get()
    assert owner_client.post(SWITCH, {"workspace": foreign.code}).status_code == 404
    assert "Spa Serena" in owner_client.get(CANDIDATES).content.decode()


def test_switching_to_an_unknown_code_is_not_found(owner_client):
    assert owner_client.post(SWITCH, {"workspace": "NOPE"}).status_code == 404
    assert owner_client.post(SWITCH, {}).status_code == 404


def test_switching_follows_a_local_next(owner_client, second_workspace):
    members = reverse("accounts:members")
    response = owner_client.post(SWITCH, {"workspace": second_workspace.code, "next": members})
    assertRedirects(response, members, fetch_redirect_response=False)


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example", "https://evil.example/candidates/", "//evil.example/", ""],
)
def test_switching_does_not_follow_an_off_site_next(owner_client, second_workspace, next_url):
    response = owner_client.post(SWITCH, {"workspace": second_workspace.code, "next": next_url})
    assertRedirects(response, reverse("home"), fetch_redirect_response=False)


@pytest.mark.parametrize("next_url", ["candidates", "candidates:detail", "javascript:alert(1)"])
def test_switching_with_a_next_that_is_not_a_path_goes_home(
    owner_client, second_workspace, next_url
):
    response = owner_client.post(SWITCH, {"workspace": second_workspace.code, "next": next_url})
    assertRedirects(response, reverse("home"), fetch_redirect_response=False)
    assert "Team of Café Sol" in owner_client.get(reverse("accounts:members")).content.decode()


def test_switching_needs_login(client, second_workspace):
    response = client.post(SWITCH, {"workspace": second_workspace.code})
    assertRedirects(response, _login_url(SWITCH), fetch_redirect_response=False)


def test_switching_is_post_only(owner_client):
    assert owner_client.get(SWITCH).status_code == 405


def test_switching_without_a_csrf_token_is_forbidden(owner, second_workspace, workspace):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(SWITCH, {"workspace": second_workspace.code})
    assert response.status_code == 403
    assert "Team of Tienda Luna" in client.get(reverse("accounts:members")).content.decode()


# Creating a workspace


def test_the_new_workspace_page_shows_the_form(owner_client):
    response = owner_client.get(CREATE)
    assert response.status_code == 200
    assert 'name="name"' in response.content.decode()


def test_creating_a_workspace_makes_you_its_owner_and_switches_to_it(
    owner_client, owner, candidate
):
    response = owner_client.post(CREATE, {"name": "Hotel Brisa"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard:home")
    body = response.content.decode()
    assert "Workspace “Hotel Brisa” created." in body
    assert "Spa Serena" not in body
    membership = Membership.objects.get(user=owner, workspace__name="Hotel Brisa")
    assert membership.role == Role.OWNER
    assert "Team of Hotel Brisa" in owner_client.get(reverse("accounts:members")).content.decode()


def test_a_new_workspace_needs_a_name(owner_client, owner):
    response = owner_client.post(CREATE, {"name": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["This field is required."]
    assert owner.workspaces().count() == 1


def test_a_new_workspace_name_of_121_characters_is_refused(owner_client, owner):
    response = owner_client.post(CREATE, {"name": "x" * 121})
    assert response.status_code == 200
    assert "Ensure this value has at most 120 characters (it has 121)." in response.content.decode()
    assert owner.workspaces().count() == 1


def test_a_user_without_workspaces_is_sent_to_create_one(db):
    client = client_for(make_user("lonely@example.com"))
    assertRedirects(client.get(CANDIDATES), CREATE, fetch_redirect_response=False)
    assertRedirects(client.get(reverse("accounts:members")), CREATE, fetch_redirect_response=False)

    response = client.post(CREATE, {"name": "Mi Negocio"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard:home")
    assert "Mi Negocio" in response.content.decode()


def test_a_user_removed_from_their_only_workspace_is_sent_to_create_one(member_client, member):
    Membership.objects.filter(user=member).delete()
    assertRedirects(member_client.get(CANDIDATES), CREATE, fetch_redirect_response=False)


def test_creating_a_workspace_needs_login(client):
    assertRedirects(client.get(CREATE), _login_url(CREATE), fetch_redirect_response=False)
    response = client.post(CREATE, {"name": "Hotel Brisa"})
    assertRedirects(response, _login_url(CREATE), fetch_redirect_response=False)
    assert not Workspace.objects.exists()


def test_creating_a_workspace_rejects_other_http_methods(owner_client):
    assert owner_client.put(CREATE).status_code == 405
    assert owner_client.delete(CREATE).status_code == 405


# Workspace settings: name and time zone


def test_an_owner_renames_the_workspace_and_sets_its_time_zone(owner_client, workspace):
    response = owner_client.post(
        SETTINGS, {"name": "Tienda Luna Llena", "time_zone": "America/Mexico_City"}, follow=True
    )
    assert response.redirect_chain[-1][0] == SETTINGS
    assert "Workspace settings saved." in response.content.decode()
    workspace.refresh_from_db()
    assert (workspace.name, workspace.time_zone) == ("Tienda Luna Llena", "America/Mexico_City")
    assert (
        "Team of Tienda Luna Llena"
        in owner_client.get(reverse("accounts:members")).content.decode()
    )


def test_settings_change_only_the_current_workspace(owner_client, workspace, second_workspace):
    owner_client.post(SWITCH, {"workspace": second_workspace.code})
    owner_client.post(SETTINGS, {"name": "Café Sol y Luna", "time_zone": "UTC"})
    workspace.refresh_from_db()
    second_workspace.refresh_from_db()
    assert (workspace.name, second_workspace.name) == ("Tienda Luna", "Café Sol y Luna")


def test_an_outsider_changes_only_their_own_workspace(outsider_client, outsider, workspace):
    outsider_client.post(SETTINGS, {"name": "Renamed", "time_zone": "UTC"})
    workspace.refresh_from_db()
    assert workspace.name == "Tienda Luna"
    assert outsider.workspaces().get().name == "Renamed"


@pytest.mark.parametrize(
    ("name", "time_zone", "field"),
    [("", "UTC", "name"), ("x" * 121, "UTC", "name"), ("Ok", "Mars/Olympus_Mons", "time_zone")],
)
def test_bad_settings_are_refused_next_to_the_field(
    owner_client, workspace, name, time_zone, field
):
    response = owner_client.post(SETTINGS, {"name": name, "time_zone": time_zone})
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert f'id="id_{field}"' in response.content.decode()
    workspace.refresh_from_db()
    assert workspace.name == "Tienda Luna"


def test_a_member_who_is_not_owner_cannot_change_settings(member_client, workspace):
    assert member_client.post(SETTINGS, {"name": "Hijacked", "time_zone": "UTC"}).status_code == 403
    assert member_client.get(SETTINGS).status_code == 403
    workspace.refresh_from_db()
    assert workspace.name == "Tienda Luna"


def test_settings_need_login(client, workspace):
    response = client.post(SETTINGS, {"name": "Hijacked", "time_zone": "UTC"})
    assertRedirects(response, _login_url(SETTINGS), fetch_redirect_response=False)
    workspace.refresh_from_db()
    assert workspace.name == "Tienda Luna"


def test_settings_accept_only_get_and_post(owner_client):
    assert owner_client.put(SETTINGS).status_code == 405
