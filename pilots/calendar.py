"""Review dates as iCalendar: a private feed per user, and a one-off file per pilot."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from pilots.models import Pilot

# All-day events start at midnight local time: the alarm rings at 9 in the morning.
ALARM_AFTER_MIDNIGHT = timedelta(hours=9)


def _event(pilot: Pilot, site_url: str) -> Event:
    review_url = site_url + reverse("pilots:review", args=[pilot.code])
    summary = _("Review the pilot with %(name)s") % {"name": pilot.candidate.name}
    event = Event()
    # Stable across feed refreshes and edits, so calendar apps update instead of duplicating.
    event.add("uid", f"pilot-{pilot.code}@semaforo")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", pilot.review_date)
    event.add("dtend", pilot.review_date + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", f"{pilot.offer}\n{review_url}")
    event.add("url", review_url)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", ALARM_AFTER_MIDNIGHT)
    event.add_component(alarm)
    return event


def build_calendar(pilots: Iterable[Pilot], name: str, site_url: str) -> bytes:
    """The pilots' review dates; each event links to its review page under `site_url`
    (semaforo.lib.links.site_url: the address the feed was fetched from)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Semáforo//Review dates//ES")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for pilot in pilots:
        calendar.add_component(_event(pilot, site_url))
    return calendar.to_ical()
