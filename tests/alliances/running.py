"""Helpers for a running alliance: made active the app's way, with its logs filled directly
(the pages that fill them have their own tests)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.urls import reverse

from alliances.models import Alliance, BenefitRule, Entry, Measure, Metric, TimeEntry
from candidates.models import Kind
from pilots.models import CoordinationKind
from tests.alliances.conftest import complete
from tests.pilots.conftest import TODAY


def running(alliance: Alliance, owner, *, metrics: int = 1, **fields) -> Alliance:
    """The alliance made complete and active on TODAY; `fields` set on it first (kind,
    benefit rule, margin per sale…)."""
    for field, value in fields.items():
        setattr(alliance, field, value)
    if fields:
        alliance.save(update_fields=list(fields))
    complete(alliance, metrics=metrics)
    assert alliance.activate(owner, TODAY)
    return Alliance.objects.prefetch_related("metrics").get(pk=alliance.pk)


def referral_programme(alliance: Alliance, owner, rule: str, value: str) -> Alliance:
    """A running referral programme whose metrics count referrals, sales and revenue."""
    return running(
        alliance,
        owner,
        metrics=3,
        kind=Kind.REFERRAL,
        benefit_rule=BenefitRule(rule),
        benefit_value=Decimal(value),
    )


def custom_metric(alliance: Alliance, name: str = "Vouchers handed out") -> Metric:
    """The third metric counts something else: the owner's own count."""
    metric, _created = Metric.objects.update_or_create(
        alliance=alliance,
        position=3,
        defaults={"measure": Measure.CUSTOM, "name": name, "monthly_target": 40},
    )
    return metric


def log(alliance: Alliance, *, on: date = TODAY, **counts) -> Entry:
    """A line of results recorded the model's way (benefit included)."""
    entry = Entry(date=on, **counts)
    alliance.record(entry)
    return entry


def log_time(alliance: Alliance, minutes: int, *, on: date = TODAY) -> TimeEntry:
    entry = TimeEntry(date=on, minutes=minutes, kind=CoordinationKind.MEETING)
    alliance.record(entry)
    return entry


def url(name: str, alliance: Alliance) -> str:
    return reverse(f"alliances:{name}", args=[alliance.code])
