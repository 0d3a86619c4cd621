"""Request throttling on a shared store (the database cache), and the client's address.

Fixed windows: a key per (scope, who, window number) counts hits with cache.add + cache.incr.
Every app process (gunicorn workers, several hosts) shares the counts because the cache is
the database. DatabaseCache.incr() is a read then a write: without a lock, simultaneous
requests overwrite each other's count (measured: 4 threads x 50 hits on PostgreSQL counted
52), so the increment holds the counter's row lock. A burst across a window boundary can
still get up to twice the limit: a brake on abuse, not an exact quota.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.http import HttpRequest


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
    # incr() resets the row's expiry to the cache's default timeout: the key must outlive
    # its window, and it does as long as the window is no longer than that timeout.
    if window > cache.default_timeout:
        raise ImproperlyConfigured("A throttle window is longer than the cache's TIMEOUT.")
    # Hashed: a fixed-length key, and no raw addresses or emails in the cache table.
    digest = hashlib.sha256((who or "").encode()).hexdigest()[:32]
    key = f"throttle:{scope}:{digest}:{int(time.time() // window)}"
    try:
        count = _locked_incr(key)  # the usual case: the window's counter exists
    except ValueError:
        # The first hit of the window. add() is atomic (an INSERT on the key): if two
        # requests both get here, one creates the counter and the other counts on it.
        if cache.add(key, 1, timeout=window):
            count = 1
        else:
            try:
                count = _locked_incr(key)
            except ValueError:  # gone again (culled): count this hit alone
                count = 1
    return count <= limit


def _locked_incr(key: str) -> int:
    """cache.incr() with the counter's row locked, so concurrent increments queue up.

    PostgreSQL: SELECT ... FOR UPDATE on the cache table's row. SQLite: the transaction
    starts with BEGIN IMMEDIATE (settings: transaction_mode), which locks the database.
    """
    with transaction.atomic():
        if connection.features.has_select_for_update:
            table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT 1 FROM {table} WHERE cache_key = %s FOR UPDATE",  # noqa: S608
                    [cache.make_key(key)],
                )
                if cursor.fetchone() is None:  # nothing to lock: never increment unlocked
                    raise ValueError(f"Key {key!r} not found")
        return cache.incr(key)
