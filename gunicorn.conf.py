"""gunicorn settings for `make serve` and production: `gunicorn -c gunicorn.conf.py`.

Everything can be changed from the environment: PORT and HOST (or BIND for a full address
such as `unix:/run/semaforo.sock`), WEB_CONCURRENCY (worker processes), GUNICORN_TIMEOUT,
FORWARDED_ALLOW_IPS (the reverse proxy's address, when it is not on this machine).
"""

from __future__ import annotations

import os


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (containers)
    except AttributeError:
        return os.cpu_count() or 1


wsgi_app = "semaforo.wsgi:application"
bind = [
    os.environ.get("BIND")
    or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
]

# Sync workers: 2 × cores + 1, capped so a big machine does not open dozens of database
# connections (each worker keeps one for CONN_MAX_AGE seconds).
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * _cores() + 1, 9))
# Recycle workers now and then so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200

# gunicorn 27 opens a control socket in ~/.gunicorn/ by default; nothing here uses it, and the
# service user may have no writable home.
control_socket_disable = True

timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5  # behind a reverse proxy that reuses connections

# Refuse oversized requests before Django sees them (gunicorn's defaults, stated here).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# Trust X-Forwarded-* only from the reverse proxy (on this machine by default).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to stdout/stderr: systemd's journal (or the container runtime) keeps them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Client address as the proxy saw it, request, status, bytes, time taken, user agent.
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
