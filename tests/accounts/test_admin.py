"""The admin for a person's reminder preferences and for the throttle's counters."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import ReminderPreference, User
from semaforo.lib import throttle
from semaforo.models import Throttle
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(db):
    return client_for(User.objects.create_superuser(email="ops@example.com", password=PASSWORD))


def test_reminder_preferences_are_listed_without_the_calendar_token(operator_client, owner):
    preference = ReminderPreference.for_user(owner)
    listing = operator_client.get(reverse("admin:accounts_reminderpreference_changelist"))
    page = operator_client.get(
        reverse("admin:accounts_reminderpreference_change", args=[preference.pk])
    )
    assert listing.status_code == page.status_code == 200
    assert owner.email in listing.content.decode()
    assert preference.calendar_token not in listing.content.decode() + page.content.decode()


def test_throttle_counters_are_listed_and_read_only(operator_client):
    assert throttle.allow("signup", "203.0.113.7", limit=3, window=60)
    counter = Throttle.objects.get()
    listing = operator_client.get(reverse("admin:semaforo_throttle_changelist"))
    assert listing.status_code == 200
    assert counter.key in listing.content.decode()
    assert operator_client.get(reverse("admin:semaforo_throttle_add")).status_code == 403
    change = reverse("admin:semaforo_throttle_change", args=[counter.pk])
    operator_client.post(change, {"key": "x", "count": "0", "expires_at": "2030-01-01"})
    assert Throttle.objects.get().count == 1
