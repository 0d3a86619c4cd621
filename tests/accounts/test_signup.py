from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, Role, User, Workspace
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SIGNUP = reverse("accounts:signup")


def _signup_data(**overrides) -> dict:
    data = {
        "email": "ana@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "business_name": "Panadería Ana",
    }
    return {**data, **overrides}


def test_the_signup_page_shows_the_form(client):
    response = client.get(SIGNUP)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Create your account" in body
    assert 'name="business_name"' in body


def test_signup_creates_the_user_and_logs_them_in(client):
    response = client.post(SIGNUP, _signup_data())
    assert response.status_code == 302
    assert response.url == reverse("home")
    user = User.objects.get(email="ana@example.com")
    assert user.check_password(PASSWORD)
    assert client.get(reverse("candidates:list")).status_code == 200


def test_signup_creates_the_first_workspace_named_after_the_business(client):
    client.post(SIGNUP, _signup_data())
    membership = Membership.objects.get(user__email="ana@example.com")
    assert membership.workspace.name == "Panadería Ana"
    assert membership.role == Role.OWNER


def test_after_signup_the_new_workspace_and_a_welcome_are_shown(client):
    response = client.post(SIGNUP, _signup_data(), follow=True)
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("dashboard:home")
    assert "Welcome! Add your first candidate partner." in body
    assert "Panadería Ana" in body


def test_signup_stores_the_email_in_lower_case(client):
    client.post(SIGNUP, _signup_data(email="Ana.Lopez@Example.COM"))
    assert User.objects.filter(email="ana.lopez@example.com").exists()


def test_a_signed_in_user_is_sent_home_instead_of_signing_up_again(owner_client):
    response = owner_client.get(SIGNUP)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_signup_rejects_other_http_methods(client):
    assert client.put(SIGNUP).status_code == 405
    assert client.delete(SIGNUP).status_code == 405


def test_a_duplicate_email_in_another_case_gives_a_clear_field_error(client, owner):
    response = client.post(SIGNUP, _signup_data(email="OWNER@Example.com"))
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "An account with this email already exists. Log in, or reset your password."
    ]
    assert "An account with this email already exists." in response.content.decode()
    assert User.objects.count() == 1
    assert Workspace.objects.count() == 1


def test_a_duplicate_email_keeps_the_business_name_and_email_typed(client, owner):
    response = client.post(
        SIGNUP, _signup_data(email="owner@example.com", business_name="Spa Luna Nueva")
    )
    body = response.content.decode()
    assert 'value="Spa Luna Nueva"' in body
    assert 'value="owner@example.com"' in body
    # Passwords are never sent back to the browser.
    assert PASSWORD not in body


def test_an_invalid_email_is_refused(client):
    response = client.post(SIGNUP, _signup_data(email="not-an-email"))
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert not User.objects.exists()


def test_mismatched_passwords_are_refused(client):
    response = client.post(SIGNUP, _signup_data(password2=PASSWORD + "x"))
    assert response.status_code == 200
    assert "The two password fields didn’t match." in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("12345678", "This password is entirely numeric."),
        ("password", "This password is too common."),
        ("x7#q", "This password is too short."),
    ],
)
def test_weak_passwords_are_refused(client, password, message):
    response = client.post(SIGNUP, _signup_data(password1=password, password2=password))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()


def test_a_password_too_similar_to_the_email_is_refused(client):
    response = client.post(
        SIGNUP,
        _signup_data(
            email="margarita.florencia@example.com",
            password1="margarita.florencia",
            password2="margarita.florencia",
        ),
    )
    assert "The password is too similar to the email address." in response.content.decode()
    assert not User.objects.exists()


def test_an_empty_business_name_is_refused(client):
    response = client.post(SIGNUP, _signup_data(business_name=""))
    assert response.status_code == 200
    assert response.context["form"].errors["business_name"] == ["This field is required."]
    assert not User.objects.exists()


def test_a_business_name_of_121_characters_is_refused(client):
    response = client.post(SIGNUP, _signup_data(business_name="x" * 121))
    assert response.status_code == 200
    assert "Ensure this value has at most 120 characters (it has 121)." in response.content.decode()
    assert not Workspace.objects.exists()


def test_a_business_name_of_120_characters_is_accepted(client):
    response = client.post(SIGNUP, _signup_data(business_name="x" * 120))
    assert response.status_code == 302
    assert Workspace.objects.get().name == "x" * 120


def test_a_script_as_business_name_is_shown_escaped(client):
    payload = '<script>alert("hi")</script><b>Bold</b>'
    response = client.post(SIGNUP, _signup_data(business_name=payload), follow=True)
    body = response.content.decode()
    assert "&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;&lt;b&gt;Bold&lt;/b&gt;" in body
    assert "<script>alert" not in body
    members = client.get(reverse("accounts:members")).content.decode()
    assert "&lt;script&gt;" in members
    assert "<script>alert" not in members


def test_signup_without_a_csrf_token_is_forbidden():
    client = Client(enforce_csrf_checks=True)
    response = client.post(SIGNUP, _signup_data())
    assert response.status_code == 403
    assert not User.objects.exists()


def test_the_second_tap_of_a_double_tap_signs_in_to_the_account_the_first_made():
    # Both taps leave the browser before either answer; the first makes the account, the
    # second (same email, same password) now signs in to it instead of saying it is taken.
    first, second = Client(), Client()
    assert first.post(SIGNUP, _signup_data()).status_code == 302
    response = second.post(SIGNUP, _signup_data(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard:home")
    assert User.objects.count() == 1 and Workspace.objects.count() == 1
    assert "already exists" not in response.content.decode()


def test_a_taken_email_with_another_password_is_still_refused(client):
    Client().post(SIGNUP, _signup_data())
    response = client.post(
        SIGNUP, _signup_data(password1="other-pass-9431", password2="other-pass-9431")
    )
    assert response.status_code == 200
    assert "An account with this email already exists" in response.content.decode()
    assert "_auth_user_id" not in client.session
