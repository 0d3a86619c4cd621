"""Per-user language and per-workspace time zone, for signed-in requests."""

from __future__ import annotations

import zoneinfo

from django.utils import timezone, translation

from accounts.workspaces import get_membership


class PreferencesMiddleware:
    """After LocaleMiddleware and AuthenticationMiddleware: a signed-in user's chosen
    language wins over the browser's, and dates follow the current workspace's time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            membership = get_membership(request)
            if membership is not None:
                timezone.activate(zoneinfo.ZoneInfo(membership.workspace.time_zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
