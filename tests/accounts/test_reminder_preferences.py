"""My preferences: review reminders on or off, how early, and the language they come in."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import ReminderPreference
from tests.pilots.conftest import assert_login_required, body

pytestmark = pytest.mark.django_db

URL = reverse("accounts:preferences")


def _field_block(page: str, name: str) -> str:
    """The HTML of one form field, from its wrapper to the end of its fieldset."""
    start = page.index(f'id="div_id_{name}"')
    return page[start : page.index("</fieldset>", start)]


def test_the_page_shows_the_current_choices_and_the_private_calendar_address(owner_client, owner):
    response = owner_client.get(URL)

    assert response.status_code == 200
    page = body(response)
    assert "Email me when a review is due" in page
    assert re.search(r'name="enabled"[^>]*checked', page)
    assert re.search(r'name="days_ahead" value="0"[^>]*checked', page)
    token = ReminderPreference.for_user(owner).calendar_token
    assert f"http://testserver/calendar/{token}.ics" in page


def test_saving_turns_reminders_off_moves_them_earlier_and_switches_language(owner_client, owner):
    response = owner_client.post(URL, {"days_ahead": "2", "language": "es"})

    assert response.status_code == 302
    assert response["Location"] == URL
    preference = ReminderPreference.objects.get(user=owner)
    assert preference.enabled is False
    assert preference.days_ahead == 2
    owner.refresh_from_db()
    assert owner.language == "es"

    page = body(owner_client.get(URL))
    assert '<html lang="es">' in page
    assert "Pilotos" in page
    assert re.search(r'name="days_ahead" value="2"[^>]*checked', page)
    assert not re.search(r'name="enabled"[^>]*checked', page)


def test_turning_reminders_back_on_is_remembered(owner_client, owner):
    ReminderPreference.objects.create(user=owner, enabled=False, days_ahead=1)

    owner_client.post(URL, {"enabled": "on", "days_ahead": "1", "language": ""})

    preference = ReminderPreference.objects.get(user=owner)
    assert (preference.enabled, preference.days_ahead) == (True, 1)


@pytest.mark.parametrize("days_ahead", ["3", "-1", "soon", ""])
def test_an_invalid_how_early_is_rejected_next_to_the_field(owner_client, owner, days_ahead):
    response = owner_client.post(URL, {"enabled": "on", "days_ahead": days_ahead, "language": "es"})

    assert response.status_code == 200
    field = _field_block(body(response), "days_ahead")
    assert "invalid-feedback" in field
    assert "Select a valid choice" in field or "This field is required" in field
    preference = ReminderPreference.objects.get(user=owner)
    assert (preference.enabled, preference.days_ahead) == (True, 0)
    owner.refresh_from_db()
    assert owner.language == ""  # nothing saved: not even the valid half


def test_a_new_calendar_address_replaces_the_old_one(owner_client, owner):
    old = ReminderPreference.for_user(owner).calendar_token

    response = owner_client.post(URL, {"action": "new_calendar_link"}, follow=True)

    new = ReminderPreference.objects.get(user=owner).calendar_token
    assert new != old
    page = body(response)
    assert f"/calendar/{new}.ics" in page
    assert f"/calendar/{old}.ics" not in page
    assert "the old one no longer works" in page


def test_each_person_has_their_own_preferences(owner_client, member_client, owner, member):
    member_client.post(URL, {"days_ahead": "1", "language": "en"})

    assert ReminderPreference.objects.get(user=member).enabled is False
    assert ReminderPreference.for_user(owner).enabled is True


def test_preferences_need_a_signed_in_user():
    assert_login_required(URL)
    assert_login_required(URL, "post")


def test_put_is_not_allowed(owner_client):
    assert owner_client.put(URL).status_code == 405
