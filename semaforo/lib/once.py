"""One-time form tokens kept in the shared cache, for forms whose rows have no token column
(a new candidate): the first request with a token claims it, a second one (a double tap)
finds it claimed and shows what the first one made.

The cache is the database (settings.CACHES), shared by every app process; `cache.add` is an
INSERT on the key, so two simultaneous claims cannot both win.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

KEEP_SECONDS = 60 * 60


def _key(scope: str, token: str) -> str:
    return f"once:{scope}:{hashlib.sha256(token.encode()).hexdigest()[:32]}"


def claim(scope: str, token: str) -> bool:
    """True for the first request that sends this token, False for any later one."""
    return cache.add(_key(scope, token), "", timeout=KEEP_SECONDS)


def remember(scope: str, token: str, value: str) -> None:
    """What the first request made (e.g. the new candidate's code), for the later ones."""
    cache.set(_key(scope, token), value, timeout=KEEP_SECONDS)


def result(scope: str, token: str) -> str:
    return cache.get(_key(scope, token)) or ""
