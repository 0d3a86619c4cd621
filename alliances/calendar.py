"""Alliances' dates as calendar events for the private feed (dashboard/feeds.py): each
running alliance's next review, and a sales channel's next check-in."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Event

from alliances.models import Alliance
from pilots.calendar import all_day_event


def alliance_events(alliance: Alliance, site_url: str) -> list[Event]:
    name = {"name": alliance.candidate.name}
    events = []
    if alliance.next_review_date is not None:
        review_url = site_url + reverse("alliances:review", args=[alliance.code])
        events.append(
            all_day_event(
                f"alliance-review-{alliance.code}@semaforo",
                alliance.next_review_date,
                _("Review the alliance with %(name)s") % name,
                f"{alliance.get_kind_display()}\n{review_url}",
                review_url,
            )
        )
    if alliance.next_check_in_date is not None:
        check_in_url = site_url + reverse("alliances:check_in", args=[alliance.code])
        events.append(
            all_day_event(
                f"alliance-check-in-{alliance.code}@semaforo",
                alliance.next_check_in_date,
                _("Check in with %(name)s (sales channel)") % name,
                check_in_url,
                check_in_url,
            )
        )
    return events


def calendar_events(alliances: Iterable[Alliance], site_url: str) -> list[Event]:
    """Every date of these alliances, each linking to its page under `site_url`."""
    return [event for alliance in alliances for event in alliance_events(alliance, site_url)]
