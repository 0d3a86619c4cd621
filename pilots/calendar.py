"""Review dates as iCalendar: a private feed per user, and a one-off file per pilot.

The feed itself (dashboard/feeds.py) also lists alliances' dates; `all_day_event` and
`build_calendar(..., events=...)` let it add them without pilots knowing of alliances."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from pilots.models import Pilot

# All-day events start at midnight local time: the alarm rings at 9 in the morning.
ALARM_AFTER_MIDNIGHT = timedelta(hours=9)


def all_day_event(uid: str, day: date, summary: str, description: str, url: str) -> Event:
    """An all-day event with a morning alarm. `uid` stays the same across feed refreshes
    and edits, so calendar apps move the event instead of duplicating it."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", ALARM_AFTER_MIDNIGHT)
    event.add_component(alarm)
    return event


def _event(pilot: Pilot, site_url: str) -> Event:
    review_url = site_url + reverse("pilots:review", args=[pilot.code])
    summary = _("Review the pilot with %(name)s") % {"name": pilot.candidate.name}
    return all_day_event(
        f"pilot-{pilot.code}@semaforo",
        pilot.review_date,
        summary,
        f"{pilot.offer}\n{review_url}",
        review_url,
    )


def build_calendar(
    pilots: Iterable[Pilot], name: str, site_url: str, events: Iterable[Event] = ()
) -> bytes:
    """The pilots' review dates, and any other `events`; each pilot's event links to its
    review page under `site_url` (semaforo.lib.links.site_url: the address the feed was
    fetched from)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Semáforo//Review dates//ES")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for pilot in pilots:
        calendar.add_component(_event(pilot, site_url))
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()


def calendar_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
