"""Where absolute links point: the start of every link in an email or a calendar feed."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site_url(request: HttpRequest | None = None) -> str:
    """SITE_URL when it is set; otherwise the address this request came in on (its host is
    checked against ALLOWED_HOSTS), so `PORT=8801 make run` sends :8801 links; without a
    request (the reminder worker, a command), LOCAL_SITE_URL: http://HOST:PORT."""
    if settings.SITE_URL:
        return settings.SITE_URL
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return settings.LOCAL_SITE_URL
