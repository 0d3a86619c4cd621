from __future__ import annotations

import pytest
from django.urls import reverse
from pytest_django.asserts import assertRedirects

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
LOGOUT = reverse("logout")


def test_the_login_page_shows_the_form_and_the_way_to_reset(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Log in" in body
    assert reverse("password_reset") in body
    assert reverse("accounts:signup") in body


def test_login_with_email_and_password_goes_to_the_candidates(client, owner):
    response = client.post(LOGIN, {"username": "owner@example.com", "password": PASSWORD})
    assertRedirects(response, reverse("home"), fetch_redirect_response=False)
    response = client.get(reverse("candidates:list"))
    assert response.status_code == 200
    assert "Tienda Luna" in response.content.decode()


@pytest.mark.parametrize("typed", ["Owner@Example.com", "OWNER@EXAMPLE.COM", " owner@example.com"])
def test_login_works_with_the_email_in_whatever_case_it_is_typed(client, owner, typed):
    response = client.post(LOGIN, {"username": typed, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("candidates:list")).status_code == 200


def test_a_wrong_password_shows_an_error_and_does_not_log_in(client, owner):
    response = client.post(LOGIN, {"username": "owner@example.com", "password": "wrong-one"})
    assert response.status_code == 200
    assert "Please enter a correct email address and password." in response.content.decode()
    assert client.get(reverse("candidates:list")).status_code == 302


def test_an_unknown_email_shows_the_same_error(client, owner):
    response = client.post(LOGIN, {"username": "nobody@example.com", "password": PASSWORD})
    assert response.status_code == 200
    assert "Please enter a correct email address and password." in response.content.decode()


def test_login_follows_a_local_next(client, owner):
    members = reverse("accounts:members")
    response = client.post(
        f"{LOGIN}?next={members}", {"username": "owner@example.com", "password": PASSWORD}
    )
    assertRedirects(response, members, fetch_redirect_response=False)


def test_login_does_not_follow_an_off_site_next(client, owner):
    response = client.post(
        f"{LOGIN}?next=https://evil.example/",
        {"username": "owner@example.com", "password": PASSWORD},
    )
    assertRedirects(response, reverse("home"), fetch_redirect_response=False)


def test_login_rejects_other_http_methods(client):
    # Django's form views treat PUT like POST; DELETE and PATCH are refused.
    assert client.delete(LOGIN).status_code == 405
    assert client.patch(LOGIN).status_code == 405


def test_logout_by_post_signs_out_and_goes_to_login(owner_client):
    response = owner_client.post(LOGOUT)
    assertRedirects(response, LOGIN, fetch_redirect_response=False)
    candidates = reverse("candidates:list")
    assertRedirects(
        owner_client.get(candidates), f"{LOGIN}?next={candidates}", fetch_redirect_response=False
    )


def test_logout_by_get_is_not_allowed_and_keeps_the_session(owner_client):
    assert owner_client.get(LOGOUT).status_code == 405
    assert owner_client.get(reverse("candidates:list")).status_code == 200


def test_the_menu_offers_logout_as_a_form_post(owner_client):
    body = owner_client.get(reverse("candidates:list")).content.decode()
    assert f'<form method="post" action="{LOGOUT}">' in body
