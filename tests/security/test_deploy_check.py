"""Production mode comes from the environment alone: `check --deploy` is clean, and the
responses carry the headers and cookies it promises (run in a fresh process, since settings
are read once at start-up)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
HOST = "semaforo.example"

# A GET of the health check and of the login page, over HTTP and over HTTPS, with
# django.test.Client in the production settings; prints what a browser would get.
PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
from django.core.management import call_command

call_command("migrate", verbosity=0)  # as every production install does first

# The manifest storage needs collectstatic, which this probe does not run.
storages = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=storages):
    client = Client(HTTP_HOST=%(host)r)
    login_http = client.get("/accounts/login/")
    login = client.get("/accounts/login/", secure=True)
    health_http = client.get("/healthz")
cookie = login.cookies["csrftoken"]
print(json.dumps({
    "login_http": [login_http.status_code, login_http.get("Location")],
    "health_http": [health_http.status_code, health_http.content.decode()],
    "login": login.status_code,
    "headers": dict(login.headers),
    "csrf_cookie": {k: cookie[k] for k in ("secure", "httponly", "samesite")},
    "session_cookie": [settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY],
}))
"""


def _production_env(tmp_path, **extra) -> dict[str, str]:
    """A clean environment: only what a production install sets (and PATH to find things)."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "semaforo.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example",
        **extra,
    }


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def _probe(env: dict[str, str]) -> dict:
    result = _run(["-c", PROBE % {"host": HOST}], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _production_env(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key(tmp_path):
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "Set SECRET_KEY when DEBUG is false." in result.stderr


def test_production_responses_are_https_only_with_the_strict_headers(tmp_path):
    seen = _probe(_production_env(tmp_path))
    # Plain HTTP is sent to HTTPS, except the load balancer's health check.
    assert seen["login_http"] == [301, f"https://{HOST}/accounts/login/"]
    assert seen["health_http"] == [200, '{"status": "ok"}']

    assert seen["login"] == 200
    headers = seen["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    csp = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self' 'nonce-" in csp
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert seen["csrf_cookie"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert seen["session_cookie"] == [True, True]


def test_a_plain_http_install_turns_https_off_with_one_variable(tmp_path):
    env = _production_env(tmp_path, SECURE_SSL_REDIRECT="false")
    seen = _probe(env)
    assert seen["login_http"] == [200, None]
    assert "Strict-Transport-Security" not in seen["headers"]
    assert "unsafe-inline" not in seen["headers"]["Content-Security-Policy"]
    assert seen["csrf_cookie"]["secure"] == ""
    assert seen["session_cookie"] == [False, True]
    # check --deploy says what that gives up (and nothing else).
    result = _run(["manage.py", "check", "--deploy"], env)
    warnings = {line.split(")")[0].lstrip("?: (") for line in result.stderr.splitlines()}
    assert {"security.W004", "security.W008", "security.W012", "security.W016"} <= warnings
