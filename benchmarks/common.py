"""The stack `make bench` (run.py) measures: a throwaway database, the environment that runs
the app as production does (on plain HTTP on loopback), gunicorn started and stopped, and one
GET counted in the bytes that cross the wire."""

from __future__ import annotations

import gzip
import http.client
import io
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def production_env(database_url: str, static_root: Path) -> dict[str, str]:
    """DEBUG off and a fresh secret key; on plain HTTP, so no redirect to HTTPS and cookies
    not limited to it. Plus the minimal view (/bench/ping/) and no emails sent."""
    return {
        "DJANGO_SETTINGS_MODULE": "semaforo.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "WARNING",
        "BENCHMARK_VIEWS": "true",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }


@contextmanager
def throwaway_database(tmp: Path):
    """A temporary SQLite file, or a new PostgreSQL database on the server of
    BENCH_DATABASE_URL, dropped at the end. Yields its DATABASE_URL."""
    server = os.environ.get("BENCH_DATABASE_URL")
    if not server:
        yield f"sqlite:///{tmp / 'bench.sqlite3'}"
        return
    import psycopg

    def admin(statement: str) -> None:
        with psycopg.connect(_with_name(server, "postgres"), autocommit=True) as conn:
            conn.execute(statement)

    name = f"semaforo_bench_{secrets.token_hex(4)}"
    admin(f'CREATE DATABASE "{name}"')
    try:
        yield _with_name(server, name)
    finally:
        from django.db import connections

        connections.close_all()
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _with_name(server_url: str, name: str) -> str:
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))


def analyze() -> None:
    """What autovacuum does on a PostgreSQL server in production, and a database filled a
    moment ago lacks: planner statistics, and the visibility map that lets a count read an
    index alone. (SQLite keeps no statistics unless asked, and Django never asks.)"""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Received:
    """A response already read off the socket, for http.client.HTTPResponse to parse."""

    def __init__(self, data: bytes):
        self.data = data

    def makefile(self, mode: str) -> io.BytesIO:
        return io.BytesIO(self.data)


def http_get(
    port: int, path: str, headers: dict[str, str] | None = None
) -> tuple[int, http.client.HTTPMessage, bytes, int]:
    """One GET on loopback: (status, headers, decoded body, bytes received). Over a raw
    socket so that the bytes received are those on the wire: headers, chunks, gzip or br."""
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        with sock.makefile("rb") as stream:
            raw = stream.read()
    response = http.client.HTTPResponse(_Received(raw))
    response.begin()
    body = response.read()  # without the chunked transfer encoding
    encoding = response.getheader("Content-Encoding", "")
    if encoding == "gzip":
        body = gzip.decompress(body)
    elif encoding == "br":
        import brotli

        body = brotli.decompress(body)
    return response.status, response.msg, body, len(raw)


@contextmanager
def gunicorn(args: list[str], env: dict[str, str], port: int, log_path: Path):
    """`gunicorn ARGS` run from the project's root (its gunicorn.conf.py applies; ARGS
    override it) with `env` added to this process's environment, once /healthz answers on
    `port`; stopped when the block ends."""
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *args],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if http_get(port, "/healthz")[0] == 200:
                        break
                except (OSError, http.client.HTTPException):
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start; see {log_path}")
                time.sleep(0.2)
            yield process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
