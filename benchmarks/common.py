"""What `make bench` (run.py) and `make loadtest` (loadtest.py) share: the environment that
runs the app as production does, on plain HTTP on loopback, and a free port for it."""

from __future__ import annotations

import secrets
import socket


def production_env(database_url: str, static_root: str) -> dict[str, str]:
    """DEBUG off, a fresh secret key, and, because it is plain HTTP on loopback, no redirect
    to HTTPS and cookies not limited to HTTPS."""
    return {
        "DJANGO_SETTINGS_MODULE": "semaforo.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
