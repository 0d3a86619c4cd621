"""Each pilot carries the value of an hour of coordination: the workspace's when it starts
(and while it runs); once finished, a later change of the workspace's value never rewrites
its costs: not on its page, its review, the dashboard or the CSV export."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.urls import reverse

from pilots.models import Decision, Pilot, PilotSettings, Review
from tests.conftest import make_candidate
from tests.pilots.conftest import (
    TODAY,
    body,
    log_result,
    log_time,
    make_pilot,
    pilot_data,
    set_hourly_value,
)

SETTINGS = reverse("pilots:settings")


def _cost_shown(page: str) -> str:
    match = re.search(r"Cost of coordination</dt>\s*<dd[^>]*>(.*?)</dd>", page, re.S)
    return match[1].strip()


def _export_row(client, pilot: Pilot) -> str:
    lines = client.get(reverse("pilots:export")).content.decode("utf-8-sig").splitlines()
    return next(line for line in lines if pilot.tracking_code in line)


def test_a_pilot_starts_with_the_workspaces_hourly_value(owner_client, workspace, yellow):
    set_hourly_value(workspace, "30")
    owner_client.post(reverse("pilots:create", args=[yellow.code]), pilot_data())
    assert Pilot.objects.get().hourly_value == Decimal("30")


def test_a_change_reprices_the_running_pilots_and_never_a_finished_one(
    owner_client, owner, workspace, yellow
):
    set_hourly_value(workspace, "30")
    finished = make_pilot(yellow, owner, start_date=TODAY - timedelta(days=14))
    log_time(finished, 60)
    finished.record_review(owner, {"decision": Decision.PROMOTE})
    running = make_pilot(make_candidate(workspace, "Yoga Norte", ticks=4), owner)
    log_time(running, 60)

    owner_client.post(SETTINGS, {"hourly_value": "90"})

    assert PilotSettings.for_workspace(workspace).hourly_value == Decimal("90")
    finished.refresh_from_db()
    running.refresh_from_db()
    assert (finished.hourly_value, running.hourly_value) == (Decimal("30"), Decimal("90"))
    finished_page = body(owner_client.get(reverse("pilots:detail", args=[finished.code])))
    running_page = body(owner_client.get(reverse("pilots:detail", args=[running.code])))
    assert _cost_shown(finished_page) == "$30"  # an hour at 30, as when it was finished
    assert _cost_shown(running_page) == "$90"
    assert Review.objects.get(pilot=finished).coordination_cost == Decimal("30.00")
    assert ",60,30.00," in _export_row(owner_client, finished)
    assert ",60,90.00," in _export_row(owner_client, running)


def test_a_finished_pilot_stays_an_expensive_hobby_or_not_as_it_was(
    owner_client, owner, workspace, yellow
):
    set_hourly_value(workspace, "10")
    pilot = make_pilot(yellow, owner, start_date=TODAY - timedelta(days=14), margin_per_sale=20)
    log_result(pilot, sales=1)
    log_time(pilot, 60)  # $10 of time against $20 of margin: it paid
    pilot.record_review(owner, {"decision": Decision.STOP_OPEN_REFERRAL})
    set_hourly_value(workspace, "500")
    page = body(owner_client.get(reverse("pilots:detail", args=[pilot.code])))
    assert "Expensive hobby." not in page
    assert _export_row(owner_client, pilot).endswith(",no")


def test_the_review_keeps_the_cost_at_the_pilots_own_value(owner, workspace, yellow):
    set_hourly_value(workspace, "90")
    pilot = make_pilot(yellow, owner, start_date=TODAY - timedelta(days=14))
    Pilot.objects.filter(pk=pilot.pk).update(hourly_value=Decimal("45"))
    log_time(pilot, 60)
    review = pilot.record_review(owner, {"decision": Decision.PROMOTE})
    assert review.coordination_cost == Decimal("45.00")


def test_the_dashboard_prices_each_pilot_at_its_own_value(owner_client, owner, workspace, yellow):
    cheap = make_pilot(yellow, owner, margin_per_sale=Decimal("20"))
    dear = make_pilot(make_candidate(workspace, "Yoga Norte", ticks=4), owner)
    for pilot, value in ((cheap, "10"), (dear, "100")):
        Pilot.objects.filter(pk=pilot.pk).update(
            hourly_value=Decimal(value), margin_per_sale=Decimal("20")
        )
        log_result(pilot, sales=1)
        log_time(pilot, 60)
    page = body(owner_client.get(reverse("dashboard:home")))
    hobbies = page.split("Expensive hobbies", 1)[1].split("</section>", 1)[0]
    assert "Yoga Norte" in hobbies and "Spa Serena" not in hobbies
    assert "cost $100 vs margin $20" in hobbies


@pytest.mark.django_db
def test_the_database_refuses_a_negative_hourly_value(pilot):
    with pytest.raises(IntegrityError):
        Pilot.objects.filter(pk=pilot.pk).update(hourly_value=Decimal("-1"))
