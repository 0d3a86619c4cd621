"""Owners can tell when review reminders stopped going out."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from pilots.models import JobHeartbeat
from pilots.reminders import JOB_NAME
from tests.pilots.conftest import TODAY, body

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard:home")
PREFERENCES = reverse("accounts:preferences")
NEVER = "Review reminders have never run"
STALE = "no reminder emails are going out"
LAST_RAN = "Review reminders last ran"


def run_reminders(*args: str) -> None:
    call_command(
        "send_review_reminders",
        f"--today={TODAY}",
        *args,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )


def test_an_owner_is_warned_when_reminders_have_never_run(owner_client):
    page = body(owner_client.get(DASHBOARD))
    assert NEVER in page
    assert "send_review_reminders" in page


def test_after_a_run_the_owner_sees_when_it_last_ran(owner_client):
    run_reminders()

    page = body(owner_client.get(DASHBOARD))

    assert NEVER not in page
    assert STALE not in page
    assert f"{LAST_RAN} 0\xa0minutes ago." in page
    # The job's own one-line summary (English, for logs) is not shown in the app.
    assert "reminders: 0 sent" not in page


def test_the_job_records_each_run(owner):
    run_reminders()
    first = JobHeartbeat.objects.get(name=JOB_NAME)

    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        run_reminders()

    latest = JobHeartbeat.objects.get(name=JOB_NAME)
    assert latest.last_run_at - first.last_run_at >= timedelta(hours=1)
    assert latest.last_ok_at == latest.last_run_at


def test_a_dry_run_does_not_count_as_a_run(owner_client):
    run_reminders("--dry-run")
    assert NEVER in body(owner_client.get(DASHBOARD))


def test_an_owner_is_warned_when_reminders_last_ran_more_than_a_day_ago(owner_client):
    run_reminders()

    with time_machine.travel(timezone.now() + timedelta(days=1, hours=1)):
        page = body(owner_client.get(DASHBOARD))

    assert STALE in page
    assert f"{LAST_RAN} 1\xa0day, 1\xa0hour ago" in page


def test_a_run_just_under_a_day_ago_is_not_a_warning(owner_client):
    run_reminders()

    with time_machine.travel(timezone.now() + timedelta(hours=23)):
        page = body(owner_client.get(DASHBOARD))

    assert STALE not in page
    assert LAST_RAN in page


def test_a_plain_member_does_not_see_it_on_the_dashboard(member_client):
    assert NEVER not in body(member_client.get(DASHBOARD))

    run_reminders()

    page = body(member_client.get(DASHBOARD))
    assert LAST_RAN not in page
    assert STALE not in page


def test_the_preferences_page_shows_it_to_everyone(member_client):
    assert NEVER in body(member_client.get(PREFERENCES))

    run_reminders()
    assert LAST_RAN in body(member_client.get(PREFERENCES))

    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert STALE in body(member_client.get(PREFERENCES))
