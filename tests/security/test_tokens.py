"""Links that grant access on their own: each one dies when it expires or is revoked (404).

Already covered next to their features, and not repeated here:
- invitations: expired, revoked, used twice, a garbage token, revoked by the owner
  (tests/accounts/test_invitations.py, "Links that no longer work");
- the partner page: revoked, replaced by a new link, the pilot finished, an unknown token
  (tests/pilots/test_partner_page.py);
- the calendar feed: a new address kills the old one, a deactivated account, an unknown
  token (tests/pilots/test_calendar.py);
- a password-reset link used once, or tampered with (tests/accounts/test_password.py, which
  checks the message; the status is checked below).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import Invitation, ReminderPreference
from pilots.models import Pilot
from semaforo.lib.codes import random_token

pytestmark = pytest.mark.django_db

RESET = reverse("password_reset")
NEW_PASSWORD = "lunar-teapot-orchard-91"
DEAD_LINK = "This link is invalid or has already been used."
START = datetime(2026, 12, 9, 10, 0, tzinfo=UTC)


@pytest.fixture
def reset_link(owner, mailoutbox) -> str:
    with time_machine.travel(START, tick=False):
        Client().post(RESET, {"email": "owner@example.com"})
    match = re.search(r"http://testserver(/accounts/reset/\S+/)", mailoutbox[-1].body)
    return match.group(1)


def _open(link: str, client: Client | None = None):
    """Follow the emailed link to the form page (Django swaps the token for a session)."""
    return (client or Client()).get(link, follow=True)


def test_a_reset_link_lasts_one_day():
    assert settings.PASSWORD_RESET_TIMEOUT == 24 * 60 * 60


def test_a_reset_link_works_until_its_day_is_over_then_answers_404(reset_link):
    with time_machine.travel(START + timedelta(hours=23, minutes=59), tick=False):
        response = _open(reset_link)
        assert response.status_code == 200
        assert 'name="new_password1"' in response.content.decode()
    with time_machine.travel(START + timedelta(days=1, seconds=1), tick=False):
        response = _open(reset_link)
        assert response.status_code == 404
        assert DEAD_LINK in response.content.decode()
        assert 'name="new_password1"' not in response.content.decode()


def test_an_expired_link_cannot_set_a_password_even_from_an_open_form(owner, reset_link):
    with time_machine.travel(START + timedelta(hours=23), tick=False):
        client = Client()
        form_url = _open(reset_link, client).redirect_chain[-1][0]
    with time_machine.travel(START + timedelta(days=1, minutes=1), tick=False):
        response = client.post(
            form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )
        assert response.status_code == 404
    owner.refresh_from_db()
    assert not owner.check_password(NEW_PASSWORD)


def test_a_used_reset_link_answers_404(owner, reset_link):
    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        client = Client()
        form_url = _open(reset_link, client).redirect_chain[-1][0]
        client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        assert _open(reset_link).status_code == 404


def test_changing_the_password_revokes_a_pending_reset_link(owner, reset_link):
    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        owner.set_password("another-long-passphrase-7")
        owner.save()
        assert _open(reset_link).status_code == 404


def test_a_tampered_reset_link_answers_404(owner):
    url = reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "abc-123"})
    response = Client().get(url)
    assert response.status_code == 404
    assert DEAD_LINK in response.content.decode()


def test_every_link_token_is_a_256_bit_secret_from_random_token():
    """Invitation, partner and calendar links all draw from semaforo.lib.codes.random_token."""
    for model, field in (
        (Invitation, "token"),
        (Pilot, "partner_token"),
        (ReminderPreference, "calendar_token"),
    ):
        assert model._meta.get_field(field).default is random_token, (model, field)
    tokens = {random_token() for _ in range(100)}
    assert len(tokens) == 100
    assert all(len(token) >= 43 for token in tokens)  # 32 bytes, URL-safe base64
