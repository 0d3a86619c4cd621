"""Every `next` a form can carry leads only back into the site.

The audit: login (Django's LoginView), logout (Django's LogoutView), the language switch
(Django's set_language), the workspace switch and the checklist's `next` (ours). The plain
off-site case of login, the language switch and the workspace switch is tested next to them
(tests/accounts/test_login.py, test_preferences.py, test_workspaces.py); here are the tricky
spellings, for all five.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

OFF_SITE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    " //evil.example",
]
# Not off-site, but not a path either: redirect() would look it up as a view name.
NOT_A_PATH = ["candidates", "home"]


def _stays_on_site(response) -> bool:
    location = response["Location"]
    return (
        response.status_code == 302
        and location.startswith("/")
        and not location.startswith(("//", "/\\"))
    )


@pytest.mark.parametrize("next_url", OFF_SITE + NOT_A_PATH)
def test_the_checklist_ignores_a_next_that_leaves_the_site(owner_client, candidate, next_url):
    response = owner_client.post(
        reverse("candidates:checklist", args=[candidate.code]),
        {"ideal_customer": "on", "next": next_url},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("candidates:detail", args=[candidate.code])


def test_the_checklist_follows_a_local_next(owner_client, candidate):
    back = reverse("candidates:list") + "?sort=score"
    response = owner_client.post(
        reverse("candidates:checklist", args=[candidate.code]),
        {"ideal_customer": "on", "next": back},
    )
    assert response["Location"] == back


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_login_ignores_a_next_that_leaves_the_site(client, owner, next_url):
    response = client.post(
        reverse("login"),
        {"username": "owner@example.com", "password": PASSWORD, "next": next_url},
    )
    assert _stays_on_site(response)
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_logout_ignores_a_next_that_leaves_the_site(owner_client, next_url):
    response = owner_client.post(reverse("logout"), {"next": next_url})
    assert _stays_on_site(response)


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_the_language_switch_ignores_a_next_that_leaves_the_site(owner_client, next_url):
    response = owner_client.post(
        reverse("accounts:set_language"), {"language": "es", "next": next_url}
    )
    assert _stays_on_site(response)


@pytest.mark.parametrize("next_url", OFF_SITE + NOT_A_PATH)
def test_the_workspace_switch_ignores_a_next_that_leaves_the_site(owner, owner_client, next_url):
    other = owner.create_workspace("Café Sol")
    response = owner_client.post(
        reverse("accounts:switch"), {"workspace": other.code, "next": next_url}
    )
    assert _stays_on_site(response)
