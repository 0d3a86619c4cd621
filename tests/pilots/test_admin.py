"""The pilots' admin: the operator's first tool when something goes wrong."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from pilots.models import (
    ClickDay,
    Decision,
    JobHeartbeat,
    Pilot,
    PilotSettings,
    Reminder,
    ReminderKind,
    ReminderState,
)
from semaforo.lib.codes import random_token
from tests.conftest import PASSWORD, client_for, make_candidate
from tests.pilots.conftest import TODAY, body, bulk_pilots, log_result, log_time, make_pilot

MODELS = [
    "pilotsettings",
    "pilot",
    "resultentry",
    "clickday",
    "coordinationentry",
    "review",
    "reminder",
    "jobheartbeat",
]


@pytest.fixture
def operator(db) -> User:
    return User.objects.create_superuser(email="admin@example.com", password=PASSWORD)


@pytest.fixture
def operator_client(operator):
    return client_for(operator)


def remind(pilot: Pilot, user: User, state: str, **fields) -> Reminder:
    now = timezone.now()
    return Reminder.objects.create(
        pilot=pilot,
        kind=ReminderKind.DUE,
        recipient=user,
        review_date=pilot.review_date,
        state=state,
        claimed_at=now,
        sent_at=now if state == ReminderState.SENT else None,
        **fields,
    )


@pytest.fixture
def one_of_each(workspace, owner, pilot):
    """A row of every model the admin shows, keyed by model name."""
    pilot.one_pager_token = random_token()
    pilot.save(update_fields=["one_pager_token"])
    finished = make_pilot(make_candidate(workspace, "Café Sol", ticks=4), owner)
    return {
        "pilotsettings": PilotSettings.for_workspace(workspace),
        "pilot": pilot,
        "resultentry": log_result(pilot, referrals=2, sales=1),
        "clickday": ClickDay.objects.create(pilot=pilot, date=TODAY, count=7),
        "coordinationentry": log_time(pilot, 30),
        "review": finished.record_review(owner, {"decision": Decision.PROMOTE}),
        "reminder": remind(pilot, owner, ReminderState.FAILED, last_error="SMTP 421"),
        "jobheartbeat": JobHeartbeat.objects.create(
            name="send_review_reminders", last_run_at=timezone.now(), last_summary="2 sent"
        ),
    }


def changelist(model: str) -> str:
    return reverse(f"admin:pilots_{model}_changelist")


@pytest.mark.parametrize("model", MODELS)
def test_the_operator_opens_every_list_and_a_row_of_it(operator_client, one_of_each, model):
    row = one_of_each[model]

    assert operator_client.get(changelist(model)).status_code == 200
    response = operator_client.get(reverse(f"admin:pilots_{model}_change", args=[row.pk]))
    assert response.status_code == 200


def test_the_pilot_pages_never_show_its_share_tokens(operator_client, one_of_each):
    pilot = Pilot.objects.get(pk=one_of_each["pilot"].pk)
    assert pilot.partner_token and pilot.one_pager_token

    pages = [
        body(operator_client.get(changelist("pilot"))),
        body(operator_client.get(reverse("admin:pilots_pilot_change", args=[pilot.pk]))),
    ]

    for page in pages:
        assert pilot.partner_token not in page
        assert pilot.one_pager_token not in page


def test_the_reminders_list_filters_by_state(operator_client, workspace, owner, pilot):
    other = make_pilot(make_candidate(workspace, "Café Sol", ticks=4), owner)
    remind(pilot, owner, ReminderState.SENT)
    remind(other, owner, ReminderState.FAILED, last_error="SMTP 421")

    failed = body(operator_client.get(changelist("reminder"), {"state": ReminderState.FAILED}))
    sent = body(operator_client.get(changelist("reminder"), {"state": ReminderState.SENT}))

    assert "Café Sol" in failed and "SMTP 421" in failed
    assert "Spa Serena" not in failed
    assert "Spa Serena" in sent
    assert "Café Sol" not in sent


def _add_rows(workspace, owner, count: int, prefix: str) -> None:
    """`count` pilots, each with a result, coordination time, click day and reminder."""
    pilots = bulk_pilots(workspace, count, prefix=prefix)
    ClickDay.objects.bulk_create(ClickDay(pilot=p, date=TODAY, count=3) for p in pilots)
    Reminder.objects.bulk_create(
        Reminder(
            pilot=p,
            kind=ReminderKind.DUE,
            recipient=owner,
            review_date=p.review_date,
            state=ReminderState.SENT,
            claimed_at=timezone.now() - timedelta(hours=1),
            sent_at=timezone.now(),
        )
        for p in pilots
    )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "model", ["pilot", "resultentry", "coordinationentry", "clickday", "reminder"]
)
def test_a_list_costs_the_same_queries_for_one_row_or_five(
    operator_client, workspace, owner, model
):
    _add_rows(workspace, owner, 1, prefix="Uno")
    one = _queries(operator_client, changelist(model))

    _add_rows(workspace, owner, 4, prefix="Cuatro")
    five = _queries(operator_client, changelist(model))

    assert five == one


def test_a_job_heartbeat_is_read_only(operator_client, one_of_each):
    beat = one_of_each["jobheartbeat"]
    url = reverse("admin:pilots_jobheartbeat_change", args=[beat.pk])

    response = operator_client.post(url, {"name": "renamed", "last_summary": "edited"})

    assert response.status_code == 403
    beat.refresh_from_db()
    assert beat.name == "send_review_reminders"
    assert operator_client.get(reverse("admin:pilots_jobheartbeat_add")).status_code == 403


@pytest.mark.parametrize("model", MODELS)
def test_a_member_who_is_not_staff_is_sent_to_the_admin_login(owner_client, model):
    response = owner_client.get(changelist(model))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login") + "?next=")
