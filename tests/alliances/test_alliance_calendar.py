"""A person's private calendar feed lists their alliances' review dates and a sales
channel's check-ins beside the pilots' reviews (tests/pilots/test_calendar.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from accounts.models import ReminderPreference
from alliances.models import Alliance, Decision, FollowUp, Review
from candidates.models import Kind
from tests.alliances.reviewing import review_data, running_since
from tests.conftest import make_candidate
from tests.pilots.conftest import TODAY, make_pilot

pytestmark = pytest.mark.django_db

SITE = "https://semaforo.example.com"


def feed(user) -> dict[str, object]:
    """The feed as a calendar app fetches it (no session), its events by summary."""
    token = ReminderPreference.for_user(user).calendar_token
    response = Client().get(reverse("dashboard:calendar_feed", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    return {str(event["SUMMARY"]): event for event in events}


@pytest.fixture
def alliance_running(alliance, owner) -> Alliance:
    return running_since(alliance, owner, date(2026, 11, 9))


def test_the_feed_lists_an_alliances_review_with_a_link_to_it(owner, alliance_running, settings):
    settings.SITE_URL = SITE

    event = feed(owner)["Review the alliance with Café Aurora"]

    start = event["DTSTART"].dt
    assert start == TODAY
    assert isinstance(start, date) and not isinstance(start, datetime)
    review_url = f"{SITE}/alliances/{alliance_running.code}/review/"
    assert str(event["URL"]) == review_url
    assert event.walk("VALARM")


def test_the_feed_keeps_the_pilots_reviews_beside_the_alliances(owner, workspace, alliance_running):
    make_pilot(make_candidate(workspace, "Spa Serena", ticks=4), owner)

    assert sorted(feed(owner)) == [
        "Review the alliance with Café Aurora",
        "Review the pilot with Spa Serena",
    ]


def test_after_a_review_the_event_moves_instead_of_appearing_twice(owner, alliance_running):
    before = feed(owner)["Review the alliance with Café Aurora"]
    Review.objects.record(alliance_running, owner, review_data(decision=Decision.KEEP), TODAY)

    after = feed(owner)["Review the alliance with Café Aurora"]

    assert str(after["UID"]) == str(before["UID"])
    assert after["DTSTART"].dt == date(2027, 1, 9)


def test_a_sales_channel_shows_its_next_check_in(owner, alliance, settings):
    settings.SITE_URL = SITE
    channel = running_since(alliance, owner, TODAY - timedelta(days=3), kind=Kind.CHANNEL)
    Alliance.objects.filter(pk=channel.pk).update(
        follow_up=FollowUp.WEEKLY, next_check_in_date=TODAY + timedelta(days=4)
    )

    event = feed(owner)["Check in with Café Aurora (sales channel)"]

    assert event["DTSTART"].dt == TODAY + timedelta(days=4)
    assert str(event["URL"]) == f"{SITE}/alliances/{channel.code}/check-in/"


def test_alliances_in_design_ended_or_elsewhere_are_not_in_the_feed(
    owner, member, outsider, workspace, alliance_running
):
    make_candidate(workspace, "En Diseño", ticks=6)
    Alliance.objects.design_for(make_candidate(workspace, "Borrador", ticks=6), owner)
    theirs = make_candidate(outsider.workspaces().get(), "Café Ajeno", ticks=6)
    running_since(Alliance.objects.design_for(theirs, outsider), outsider, date(2026, 11, 9))

    assert list(feed(member)) == ["Review the alliance with Café Aurora"]
    assert list(feed(outsider)) == ["Review the alliance with Café Ajeno"]
    Review.objects.record(alliance_running, owner, review_data(decision="discard"), TODAY)
    assert feed(owner) == {}
