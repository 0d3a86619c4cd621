"""Pilot-making helpers on top of the shared personas.

Every pilots test runs on a known day (TODAY, a Wednesday) with the clock ticking from
10:00, so "today", "day 14" and "overdue" mean the same thing on every run. Pilots that
need to be in the past are *started* in the past (start_date=...), rather than moving the
clock forward, so the signed-in sessions never expire mid-test.
"""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from accounts.models import User
from candidates.criteria import CRITERION_FIELDS
from candidates.models import Candidate, Evaluation, Status
from candidates.scoring import PRESETS, Rule, colour_for
from pilots.models import (
    CoordinationEntry,
    CoordinationKind,
    Measurement,
    Pilot,
    PilotSettings,
    ResultEntry,
)
from semaforo.lib.search import fold
from tests.conftest import make_candidate

TODAY = date(2026, 12, 9)
LANDING = "https://spa-serena.example/oferta"
SCRIPT = (
    "Te recomiendo la tienda de al lado: cuidan cada detalle.\n"
    "Con el código tienes un 10% en tu primera compra.\n"
    "Diles que vienes de parte del spa."
)


@pytest.fixture(autouse=True)
def clock():
    """Freeze the calendar on TODAY; the clock still ticks (created_at stays ordered)."""
    with time_machine.travel(datetime(2026, 12, 9, 10, 0, tzinfo=UTC), tick=True) as traveller:
        yield traveller


def make_pilot(
    candidate: Candidate,
    user: User | None = None,
    *,
    start_date: date | None = None,
    length_days: int = 14,
    review_date: date | None = None,
    **fields,
) -> Pilot:
    """A pilot started the way the app starts one (checklist frozen, candidate in_pilot)."""
    start = start_date or TODAY
    fields.setdefault("offer", "10% off the first purchase")
    fields.setdefault("script", SCRIPT)
    fields.setdefault("measurement", Measurement.TRACKED_LINK)
    fields.setdefault("landing_url", LANDING)
    pilot = Pilot(
        start_date=start,
        length_days=length_days,
        review_date=review_date or start + timedelta(days=14),
        **fields,
    )
    return pilot.start(candidate, user)


def bulk_pilots(workspace, count: int, *, prefix: str = "Socio") -> list[Pilot]:
    """Many active pilots at once (bulk_create), for query-count tests.

    A third are overdue, a third due today, a third running; each has a result and some
    coordination time, and every candidate has a scored current evaluation.
    """
    candidates = Candidate.objects.bulk_create(
        Candidate(
            workspace=workspace,
            name=f"{prefix} {i:04d}",
            search_name=fold(f"{prefix} {i:04d}"),  # bulk_create skips Candidate.save()
            status=Status.IN_PILOT,
        )
        for i in range(count)
    )
    thresholds = PRESETS[Rule.QUICK_SCORE]
    evaluations = []
    for i, candidate in enumerate(candidates):
        score = 3 + i % 6
        evaluations.append(
            Evaluation(
                candidate=candidate,
                **dict.fromkeys(CRITERION_FIELDS[:score], True),
                score=score,
                colour=colour_for(score, thresholds),
                scored_at=candidate.created_at,
            )
        )
    Evaluation.objects.bulk_create(evaluations)
    review_dates = [TODAY - timedelta(days=5), TODAY, TODAY + timedelta(days=7)]
    hourly = PilotSettings.for_workspace(workspace).hourly_value  # as start_pilot copies it
    pilots = Pilot.objects.bulk_create(
        Pilot(
            workspace=workspace,
            candidate=candidate,
            offer=f"Offer {i}",
            script="One line.",
            measurement=Measurement.DISCOUNT_CODE,
            start_date=review_dates[i % 3] - timedelta(days=14),
            length_days=21,
            review_date=review_dates[i % 3],
            target=10,
            margin_per_sale=Decimal("20"),
            hourly_value=hourly,
        )
        for i, candidate in enumerate(candidates)
    )
    ResultEntry.objects.bulk_create(
        ResultEntry(pilot=pilot, date=TODAY, referrals=2, sales=1) for pilot in pilots
    )
    CoordinationEntry.objects.bulk_create(
        CoordinationEntry(pilot=pilot, date=TODAY, minutes=15 + i % 60, kind="meeting")
        for i, pilot in enumerate(pilots)
    )
    return pilots


def pilot_data(**overrides) -> dict:
    """What the start-a-pilot form posts when filled in sensibly."""
    data = {
        "offer": "10% off the first purchase",
        "script": SCRIPT,
        "measurement": Measurement.TRACKED_LINK,
        "landing_url": LANDING,
        "start_date": TODAY.isoformat(),
        "length_days": "14",
        "review_date": "",
        "target": "10",
        "margin_per_sale": "25.00",
    }
    data.update(overrides)
    return data


def log_result(pilot: Pilot, *, on: date = TODAY, **fields) -> ResultEntry:
    return ResultEntry.objects.create(pilot=pilot, date=on, **fields)


def log_time(pilot: Pilot, minutes: int, *, on: date = TODAY) -> CoordinationEntry:
    return CoordinationEntry.objects.create(
        pilot=pilot, date=on, minutes=minutes, kind=CoordinationKind.MEETING
    )


def set_hourly_value(workspace, value: str) -> None:
    settings = PilotSettings.for_workspace(workspace)
    settings.hourly_value = Decimal(value)
    settings.save()


def with_totals(pilot: Pilot) -> Pilot:
    return Pilot.objects.with_totals().get(pk=pilot.pk)


def body(response) -> str:
    """The page as the user reads it (entities such as &#x27; turned back into text)."""
    return html.unescape(response.content.decode())


def assert_login_required(url: str, method: str = "get") -> None:
    response = getattr(Client(), method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.fixture
def yellow(workspace) -> Candidate:
    """Four ticks under the quick-score table: a pilot, not an alliance."""
    return make_candidate(workspace, "Spa Serena", ticks=4)


@pytest.fixture
def pilot(yellow, owner) -> Pilot:
    return make_pilot(yellow, owner)
