"""A person's private calendar feed: every review and check-in date in all of *their*
workspaces, pilots and alliances alike. Here because it shows both apps' dates."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import translation
from django.views.decorators.http import require_GET

from accounts.models import ReminderPreference
from alliances.calendar import calendar_events
from alliances.models import Alliance, State
from pilots.calendar import build_calendar, calendar_response
from pilots.models import Pilot
from semaforo.lib.links import site_url


@require_GET
def calendar_feed(request, token: str):
    """No session: calendar apps fetch it with the secret in the address (revocable)."""
    preference = get_object_or_404(
        ReminderPreference.objects.select_related("user"),
        calendar_token=token,
        user__is_active=True,
    )
    pilots = (
        Pilot.objects.active()
        .filter(workspace__memberships__user=preference.user)
        .select_related("candidate")
        .order_by("review_date", "id")
    )
    alliances = (
        Alliance.objects.filter(state=State.ACTIVE, workspace__memberships__user=preference.user)
        .select_related("candidate")
        .order_by("next_review_date", "id")
    )
    site = site_url(request)
    # Calendar apps fetch without the user's browser: their chosen language, if any, wins.
    with translation.override(preference.user.language or translation.get_language()):
        content = build_calendar(pilots, "Semáforo", site, events=calendar_events(alliances, site))
    return calendar_response(content, "semaforo.ics")
