"""`manage.py load_demo` after green: the pilot promoted to an alliance has run for four months
(results, coordination, benefits owed and paid, monthly reviews), and it shows."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from alliances.models import (
    Alliance,
    Benefit,
    Entry,
    Review,
    TimeEntry,
    activation_day,
    add_months,
)
from pilots.models import Pilot

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> Alliance:
    call_command("load_demo", stdout=StringIO())
    return Alliance.objects.select_related("workspace", "candidate", "pilot").get()


def _client() -> Client:
    """Signed in as the demo user (who reads Spanish)."""
    client = Client()
    assert client.login(email="demo@example.com", password="semaforo-demo")
    return client


def test_the_promoted_pilot_became_an_active_referral_programme(demo):
    today = demo.workspace.today()
    assert demo.candidate.name == "Centro de Estética Luna"
    assert demo.pilot.outcome == "promoted"
    assert demo.tracking_code == demo.pilot.tracking_code  # its code carried over
    assert demo.is_active() and demo.kind == "referral"
    assert demo.benefit_rule == "percent" and demo.benefit_value == 10
    assert [m.monthly_target for m in demo.metrics.all()] == [6, 3, 90000]
    # Active for about four months; three monthly reviews held, the next within days.
    started = activation_day(demo)
    assert started == add_months(today, -4) + timedelta(days=3)
    assert Review.objects.filter(alliance=demo).count() == 3
    assert today < demo.next_review_date <= today + timedelta(days=7)
    assert demo.pilot.finished_at < demo.activated_at


def test_it_has_four_months_of_results_time_and_benefits(demo):
    entries = Entry.objects.filter(alliance=demo)
    months = {entry.date.replace(day=1) for entry in entries}
    assert len(months) >= 4
    assert all(entry.date >= activation_day(demo) for entry in entries)
    assert TimeEntry.objects.filter(alliance=demo).count() == 5
    benefits = Benefit.objects.filter(alliance=demo)
    assert benefits.count() == 8  # one per line with a sale: 10 % of its revenue
    assert benefits.filter(paid_on__isnull=False).count() == 2
    assert {b.amount for b in benefits} >= {3000, 2800}


def test_it_stays_idempotent(demo):
    counts = (Alliance.objects.count(), Entry.objects.count(), Review.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (Alliance.objects.count(), Entry.objects.count(), Review.objects.count()) == counts
    assert Pilot.objects.count() == 4


def test_the_dashboard_shows_the_alliance_and_what_is_owed(demo):
    page = _client().get(reverse("dashboard:home")).content.decode()
    section = page[page.index('id="alliances-title"') :]
    section = section[: section.index("</section>")]
    assert "Centro de Estética Luna" in section
    assert 'data-part="benefits-owed"' in section
    assert section.count('data-part="metric"') == 3  # referrals, sales, revenue this month
    assert "<progress" in section


def test_the_agreement_is_ready_to_send(demo):
    url = reverse("partners:one_pager", args=[demo.one_pager_token])
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Language"] == "es-ar"
    page = _client().get(reverse("alliances:detail", args=[demo.code])).content.decode()
    assert url in page


def test_insights_count_it_as_a_lasting_alliance(demo):
    page = _client().get(reverse("dashboard:insights")).content.decode()
    row = re.search(r'<tr data-lasting="yellow">(.*?)</tr>', page, re.S)[1]
    cells = [
        " ".join(re.sub(r"<[^>]+>", " ", c).split())
        for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]
    assert cells[:2] == ["1", "1"]  # promoted, became active
    assert re.match(r"1 \w+ 1 ", cells[2])  # still active after 3 months (the user's Spanish)
