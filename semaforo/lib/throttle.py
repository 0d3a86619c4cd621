"""Request throttling on a shared store (a table, semaforo.models.Throttle), and the
client's address.

Fixed windows: a row per (scope, who, window number) counts hits. Every app process
(gunicorn workers, several hosts) shares the counts because they are in the database; see
ThrottleQuerySet.hit() for how simultaneous hits are all counted. Log-in failures are
django-axes' own (accounts/backends.py), not this.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

from semaforo.models import Throttle


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from (also django-axes' AXES_CLIENT_IP_CALLABLE).

    Behind the reverse proxy (BEHIND_PROXY), the right-most X-Forwarded-For entry is the one
    the proxy appended; entries left of it come from the client and could be forged. None
    when there is no valid address (a request built in code, not from the network).
    """
    candidates = [request.META.get("REMOTE_ADDR", "")]
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        candidates.insert(0, forwarded[-1].strip())
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def allow(scope: str, who: str | None, *, limit: int, window: int) -> bool:
    """Count one hit for `who` (an address, an email) in `scope`; False once over `limit`
    hits within the current `window` seconds."""
    return Throttle.objects.hit(scope, who, limit=limit, window=window)
