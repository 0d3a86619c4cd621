"""Review dates in the user's calendar app: a private feed, and a one-off file per pilot."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from accounts.models import Membership, ReminderPreference
from pilots.models import Decision
from tests.conftest import make_candidate
from tests.pilots.conftest import TODAY, assert_login_required, make_pilot

pytestmark = pytest.mark.django_db

SITE = "https://semaforo.example.com"


def feed_url(user) -> str:
    return reverse(
        "dashboard:calendar_feed", args=[ReminderPreference.for_user(user).calendar_token]
    )


def fetch(url: str) -> Calendar:
    """What a calendar app does: an anonymous GET, then parse the iCalendar."""
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> dict[str, object]:
    """The VEVENTs by summary."""
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def pilots(owner, workspace, outsider):
    """Two active pilots in the owner's workspaces (one in each), one finished, and the
    outsider's own pilot in a workspace the owner has nothing to do with."""
    second = owner.create_workspace("Segunda Tienda")
    running = make_pilot(make_candidate(workspace, "Spa Serena", ticks=4), owner)
    elsewhere = make_pilot(
        make_candidate(second, "Yoga Norte", ticks=4), owner, start_date=TODAY - timedelta(days=3)
    )
    finished = make_pilot(
        make_candidate(workspace, "Bar Cerrado", ticks=4),
        owner,
        start_date=TODAY - timedelta(days=14),
    )
    finished.record_review(owner, {"decision": Decision.STOP_DISCARD})
    their_workspace = outsider.workspaces().get()
    theirs = make_pilot(make_candidate(their_workspace, "Café Ajeno", ticks=4), outsider)
    return {"running": running, "elsewhere": elsewhere, "finished": finished, "theirs": theirs}


def test_the_feed_has_every_active_pilot_in_all_my_workspaces(owner, pilots):
    found = events(fetch(feed_url(owner)))

    assert sorted(found) == [
        "Review the pilot with Spa Serena",
        "Review the pilot with Yoga Norte",
    ]
    assert found["Review the pilot with Spa Serena"]["DTSTART"].dt == pilots["running"].review_date
    assert (
        found["Review the pilot with Yoga Norte"]["DTSTART"].dt == pilots["elsewhere"].review_date
    )


def test_each_event_is_all_day_links_to_the_review_and_rings_in_the_morning(
    owner, pilots, settings
):
    settings.SITE_URL = SITE
    pilot = pilots["running"]

    event = events(fetch(feed_url(owner)))["Review the pilot with Spa Serena"]

    start = event["DTSTART"].dt
    assert isinstance(start, date) and not isinstance(start, datetime)
    review_url = f"{SITE}/pilots/{pilot.code}/review/"
    assert str(event["URL"]) == review_url
    assert review_url in str(event["DESCRIPTION"])
    (alarm,) = event.walk("VALARM")
    assert alarm["TRIGGER"].dt == timedelta(hours=9)
    assert "Spa Serena" in str(alarm["DESCRIPTION"])


def test_event_ids_stay_the_same_between_fetches(owner, pilots):
    first = {str(e["UID"]) for e in fetch(feed_url(owner)).walk("VEVENT")}
    second = {str(e["UID"]) for e in fetch(feed_url(owner)).walk("VEVENT")}

    assert first == second
    assert len(first) == 2


def test_an_extended_pilot_moves_in_the_calendar_instead_of_appearing_twice(owner, pilots):
    pilot = pilots["running"]
    before = events(fetch(feed_url(owner)))["Review the pilot with Spa Serena"]
    new_date = pilot.review_date + timedelta(days=7)
    pilot.record_review(owner, {"decision": Decision.EXTEND, "new_review_date": new_date})

    after = events(fetch(feed_url(owner)))["Review the pilot with Spa Serena"]

    assert str(after["UID"]) == str(before["UID"])
    assert after["DTSTART"].dt == new_date


def test_a_member_sees_the_workspaces_pilots_in_their_own_feed(member, pilots):
    assert sorted(events(fetch(feed_url(member)))) == ["Review the pilot with Spa Serena"]


def test_the_feed_never_shows_another_workspaces_pilots(outsider, pilots):
    assert sorted(events(fetch(feed_url(outsider)))) == ["Review the pilot with Café Ajeno"]


def test_leaving_a_workspace_removes_its_pilots_from_the_feed(member, workspace, pilots):
    url = feed_url(member)
    Membership.objects.filter(user=member, workspace=workspace).delete()

    assert events(fetch(url)) == {}


def test_a_new_calendar_address_makes_the_old_one_stop_working(owner, owner_client, pilots):
    old = feed_url(owner)

    owner_client.post(reverse("accounts:preferences"), {"action": "new_calendar_link"})

    assert Client().get(old).status_code == 404
    assert len(events(fetch(feed_url(owner)))) == 2


def test_a_wrong_calendar_address_is_not_found(owner, pilots):
    assert Client().get(reverse("dashboard:calendar_feed", args=["not-a-token"])).status_code == 404


def test_the_feed_is_read_only(owner, pilots):
    assert Client().post(feed_url(owner)).status_code == 405


# --- the one-off file on a pilot's page ----------------------------------------------------


def test_a_pilot_offers_its_review_date_as_a_calendar_file(owner_client, pilots):
    pilot = pilots["running"]

    response = owner_client.get(reverse("pilots:ics", args=[pilot.code]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert f'filename="review-{pilot.code}.ics"' in response["Content-Disposition"]
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    start = event["DTSTART"].dt
    assert start == pilot.review_date
    assert isinstance(start, date) and not isinstance(start, datetime)
    assert "Spa Serena" in str(event["SUMMARY"])
    assert event.walk("VALARM")


def test_the_pilot_page_links_to_its_calendar_file(owner_client, pilots):
    pilot = pilots["running"]
    page = owner_client.get(reverse("pilots:detail", args=[pilot.code])).content.decode()
    assert reverse("pilots:ics", args=[pilot.code]) in page


def test_the_calendar_file_uses_the_same_event_id_as_the_feed(owner, owner_client, pilots):
    pilot = pilots["running"]
    response = owner_client.get(reverse("pilots:ics", args=[pilot.code]))
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")

    feed_event = events(fetch(feed_url(owner)))["Review the pilot with Spa Serena"]

    assert str(event["UID"]) == str(feed_event["UID"])


def test_another_workspaces_pilot_file_is_not_found(outsider_client, pilots):
    url = reverse("pilots:ics", args=[pilots["running"].code])
    assert outsider_client.get(url).status_code == 404


def test_the_pilot_file_needs_a_signed_in_member(pilots):
    assert_login_required(reverse("pilots:ics", args=[pilots["running"].code]))


def test_the_pilot_file_is_read_only(owner_client, pilots):
    url = reverse("pilots:ics", args=[pilots["running"].code])
    assert owner_client.post(url).status_code == 405


def test_a_deactivated_accounts_feed_stops_working(owner, pilots):
    url = feed_url(owner)
    owner.is_active = False
    owner.save(update_fields=["is_active"])

    assert Client().get(url).status_code == 404


def test_the_feed_is_in_the_users_language_whatever_the_calendar_app_sends(owner, pilots):
    owner.language = "es"
    owner.save(update_fields=["language"])

    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(feed_url(owner))

    summaries = [str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).walk("VEVENT")]
    assert len(summaries) == 2
    assert all(" piloto con " in summary for summary in summaries)
