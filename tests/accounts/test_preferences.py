"""A signed-in user's language, and the workspace's time zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SIGNUP = reverse("accounts:signup")


def _signup(client: Client, **extra):
    data = {
        "email": "nueva@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "business_name": "Panadería Sol",
        **extra,
    }
    return client.post(SIGNUP, data)


def test_signup_keeps_the_browsers_time_zone(client):
    _signup(client, time_zone="America/Argentina/Buenos_Aires")
    user = User.objects.get(email="nueva@example.com")
    assert user.workspaces().get().time_zone == "America/Argentina/Buenos_Aires"


@pytest.mark.parametrize("sent", ["", "Not/AZone", "<script>"])
def test_signup_without_a_valid_time_zone_uses_utc(client, sent):
    _signup(client, time_zone=sent)
    assert User.objects.get(email="nueva@example.com").workspaces().get().time_zone == "UTC"


def test_signup_remembers_the_language_it_was_made_in():
    _signup(Client(HTTP_ACCEPT_LANGUAGE="es"))
    assert User.objects.get(email="nueva@example.com").language == "es"


def test_the_language_switch_is_remembered_on_the_account(owner_client, owner):
    owner_client.post(reverse("accounts:set_language"), {"language": "es", "next": "/"})
    owner.refresh_from_db()
    assert owner.language == "es"
    # Another device, with an English browser, still gets the chosen language.
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    other.force_login(owner)
    body = other.get(reverse("candidates:list")).content.decode()
    assert "Socios candidatos" in body


def test_an_unknown_language_is_not_saved(owner_client, owner):
    owner_client.post(reverse("accounts:set_language"), {"language": "xx", "next": "/"})
    owner.refresh_from_db()
    assert owner.language == ""


def test_the_language_switch_keeps_you_on_the_same_page(owner_client):
    response = owner_client.post(
        reverse("accounts:set_language"), {"language": "en", "next": "/candidates/?colour=red"}
    )
    assert response["Location"] == "/candidates/?colour=red"


def test_the_language_switch_does_not_follow_an_off_site_next(client):
    response = client.post(
        reverse("accounts:set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert "evil.example" not in response.get("Location", "")


def test_today_follows_the_workspace_time_zone(workspace):
    # 02:00 UTC on the 10th is still the 9th in Buenos Aires (UTC-3).
    with time_machine.travel(datetime(2026, 12, 10, 2, 0, tzinfo=UTC), tick=False):
        workspace.time_zone = "America/Argentina/Buenos_Aires"
        assert workspace.today().day == 9
        workspace.time_zone = "Europe/Madrid"
        assert workspace.today().day == 10
