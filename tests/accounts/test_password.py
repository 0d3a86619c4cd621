from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertRedirects

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

RESET = reverse("password_reset")
CHANGE = reverse("password_change")
NEW_PASSWORD = "lunar-teapot-orchard-91"


def _can_log_in(email: str, password: str) -> bool:
    return Client().login(username=email, password=password)


def _reset_link(message) -> str:
    """The path of the absolute reset link in the email's text body."""
    match = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


# Password reset


def test_the_reset_page_asks_for_the_email(client):
    response = client.get(RESET)
    assert response.status_code == 200
    assert "Enter your email and we will send you a link" in response.content.decode()


def test_asking_for_a_reset_sends_an_email_with_a_link(client, owner, mailoutbox):
    response = client.post(RESET, {"email": "owner@example.com"})
    assertRedirects(response, reverse("password_reset_done"), fetch_redirect_response=False)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["owner@example.com"]
    assert message.subject == "Reset your Semáforo password"
    link = _reset_link(message)
    html = message.alternatives[0].content
    assert f"http://testserver{link}" in html


def test_the_done_page_says_to_check_the_email(client, owner):
    response = client.post(RESET, {"email": "owner@example.com"}, follow=True)
    assert "Check your email" in response.content.decode()


def test_a_reset_asked_in_another_case_still_reaches_the_user(client, owner, mailoutbox):
    client.post(RESET, {"email": "Owner@EXAMPLE.com"})
    assert [m.to for m in mailoutbox] == [["owner@example.com"]]


def test_an_unknown_email_gets_the_same_answer_but_no_email(client, owner, mailoutbox):
    response = client.post(RESET, {"email": "nobody@example.com"})
    assertRedirects(response, reverse("password_reset_done"), fetch_redirect_response=False)
    assert mailoutbox == []


def test_the_reset_link_lets_you_set_a_new_password_and_log_in_with_it(client, owner, mailoutbox):
    client.post(RESET, {"email": "owner@example.com"})
    response = client.get(_reset_link(mailoutbox[0]), follow=True)
    assert response.status_code == 200
    assert "Choose a new password" in response.content.decode()
    assert 'name="new_password1"' in response.content.decode()
    form_url = response.redirect_chain[-1][0]

    response = client.post(
        form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("password_reset_complete")
    assert "Your new password is set." in response.content.decode()

    assert _can_log_in("owner@example.com", NEW_PASSWORD)
    assert not _can_log_in("owner@example.com", PASSWORD)


def test_the_reset_form_refuses_a_weak_password(client, owner, mailoutbox):
    client.post(RESET, {"email": "owner@example.com"})
    form_url = client.get(_reset_link(mailoutbox[0])).url
    response = client.post(form_url, {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 200
    assert "This password is too short." in response.content.decode()
    assert _can_log_in("owner@example.com", PASSWORD)


def test_the_reset_link_works_only_once(client, owner, mailoutbox):
    client.post(RESET, {"email": "owner@example.com"})
    link = _reset_link(mailoutbox[0])
    form_url = client.get(link).url
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    response = Client().get(link, follow=True)
    assert "This link is invalid or has already been used." in response.content.decode()
    assert 'name="new_password1"' not in response.content.decode()


def test_a_tampered_reset_link_is_refused(client, owner):
    response = client.get(
        reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "abc-123"})
    )
    assert "This link is invalid or has already been used." in response.content.decode()


def test_password_reset_rejects_other_http_methods(client):
    assert client.delete(RESET).status_code == 405
    assert client.patch(RESET).status_code == 405


# Password change


def test_the_change_page_asks_for_the_old_and_new_password(owner_client):
    response = owner_client.get(CHANGE)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="old_password"' in body and 'name="new_password1"' in body


def test_changing_the_password_keeps_you_logged_in(owner_client):
    response = owner_client.post(
        CHANGE,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("password_change_done")
    assert "Your password was changed." in response.content.decode()
    assert owner_client.get(reverse("candidates:list")).status_code == 200
    assert _can_log_in("owner@example.com", NEW_PASSWORD)
    assert not _can_log_in("owner@example.com", PASSWORD)


def test_a_wrong_old_password_is_refused(owner_client):
    response = owner_client.post(
        CHANGE,
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly." in response.content.decode()
    assert _can_log_in("owner@example.com", PASSWORD)


def test_a_mismatched_new_password_is_refused(owner_client):
    response = owner_client.post(
        CHANGE,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": "other"},
    )
    assert response.status_code == 200
    assert "The two password fields didn’t match." in response.content.decode()


def test_changing_the_password_needs_login(client):
    assertRedirects(
        client.get(CHANGE), f"{reverse('login')}?next={CHANGE}", fetch_redirect_response=False
    )


def test_password_change_rejects_other_http_methods(owner_client):
    assert owner_client.delete(CHANGE).status_code == 405
