"""Links point at the address the app is served on: SITE_URL when it is set; otherwise the
address of the request (`PORT=8801 make run` → :8801), and for the reminder worker and
commands, which have no request, http://HOST:PORT (which `make run` passes as SITE_URL)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from icalendar import Calendar

from accounts.models import ReminderPreference, Role
from pilots.reminders import run_once
from semaforo.lib.links import site_url
from tests.conftest import make_candidate
from tests.pilots.conftest import TODAY, make_pilot

ROOT = Path(__file__).resolve().parent.parent
SERVED = "127.0.0.1:8801"  # where `PORT=8801 make run` serves
SERVED_URL = f"http://{SERVED}"


@pytest.fixture
def no_site_url(settings):
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    return settings


# --- where a link starts -----------------------------------------------------------------------


def test_site_url_wins_when_it_is_set(settings):
    settings.SITE_URL = "https://semaforo.example"
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8801")
    assert site_url(request) == "https://semaforo.example"
    assert site_url() == "https://semaforo.example"


def test_without_site_url_a_link_starts_with_the_address_of_the_request(no_site_url):
    assert site_url(RequestFactory().get("/", HTTP_HOST=SERVED)) == SERVED_URL
    secure = RequestFactory().get("/", HTTP_HOST="semaforo.lan", secure=True)
    no_site_url.ALLOWED_HOSTS = [*no_site_url.ALLOWED_HOSTS, "semaforo.lan"]
    assert site_url(secure) == "https://semaforo.lan"


def test_without_site_url_nor_request_a_link_starts_where_make_run_serves(no_site_url):
    no_site_url.LOCAL_SITE_URL = SERVED_URL
    assert site_url() == SERVED_URL


@pytest.mark.parametrize(
    ("environment", "local"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"PORT": "8801"}, "http://127.0.0.1:8801"),
        ({"HOST": "0.0.0.0", "PORT": "8080"}, "http://127.0.0.1:8080"),  # noqa: S104
        ({"HOST": "192.168.1.20"}, "http://192.168.1.20:8000"),
    ],
)
def test_the_local_address_comes_from_host_and_port(environment, local):
    clean = {k: v for k, v in os.environ.items() if k not in {"HOST", "PORT", "SITE_URL"}}
    code = "from django.conf import settings; print(settings.LOCAL_SITE_URL, settings.SITE_URL)"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**clean, **environment, "DJANGO_SETTINGS_MODULE": "semaforo.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == [local]  # and SITE_URL is unset


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_gives_the_worker_the_address_it_serves_on():
    env = {k: v for k, v in os.environ.items() if k not in {"HOST", "PORT", "SITE_URL"}}
    dry_run = subprocess.run(
        ["make", "-n", "run"],  # noqa: S607
        env={**env, "PORT": "8801"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    worker = next(line for line in dry_run.splitlines() if "send_review_reminders" in line)
    assert worker.startswith('SITE_URL="http://127.0.0.1:8801" ')
    assert "runserver 127.0.0.1:8801" in dry_run


# --- every link the app sends --------------------------------------------------------------


def test_an_invitation_sent_from_port_8801_links_to_port_8801(
    owner_client, no_site_url, mailoutbox
):
    owner_client.post(
        reverse("accounts:members"),
        {"email": "newcomer@example.com", "role": Role.MEMBER},
        HTTP_HOST=SERVED,
    )
    (message,) = mailoutbox
    assert f"{SERVED_URL}/accounts/invitations/" in message.body
    assert f'href="{SERVED_URL}/accounts/invitations/' in message.alternatives[0].content


def test_a_password_reset_asked_on_port_8801_links_to_port_8801(
    client, owner, no_site_url, mailoutbox
):
    client.post(reverse("password_reset"), {"email": owner.email}, HTTP_HOST=SERVED)
    (message,) = mailoutbox
    link = re.search(r"http://\S+", message.body)[0]
    assert link.startswith(f"{SERVED_URL}/accounts/reset/")
    assert f'href="{link}"' in message.alternatives[0].content
    assert link in message.message().as_string()  # 8bit: not cut by quoted-printable
    assert client.get(link.removeprefix(SERVED_URL), follow=True).status_code == 200


def test_a_password_reset_links_to_site_url_when_it_is_set(client, owner, settings, mailoutbox):
    settings.SITE_URL = "https://semaforo.example"
    client.post(reverse("password_reset"), {"email": owner.email})
    assert "https://semaforo.example/accounts/reset/" in mailoutbox[0].body


def test_calendar_links_point_where_the_feed_was_fetched(
    owner_client, owner, workspace, no_site_url
):
    pilot = make_pilot(make_candidate(workspace, ticks=4), owner)
    token = ReminderPreference.for_user(owner).calendar_token
    for url in (
        reverse("dashboard:calendar_feed", args=[token]),
        reverse("pilots:ics", args=[pilot.code]),
    ):
        calendar = Calendar.from_ical(owner_client.get(url, HTTP_HOST=SERVED).content)
        (event,) = calendar.walk("VEVENT")
        assert str(event["URL"]) == f"{SERVED_URL}/pilots/{pilot.code}/review/"


def test_the_reminder_worker_links_to_where_make_run_serves(
    owner, workspace, no_site_url, mailoutbox
):
    no_site_url.LOCAL_SITE_URL = SERVED_URL  # no SITE_URL, no request
    pilot = make_pilot(
        make_candidate(workspace, ticks=4), owner, start_date=TODAY - timedelta(days=14)
    )
    run_once(TODAY)
    (message,) = mailoutbox
    assert f"{SERVED_URL}/pilots/{pilot.code}/review/" in message.body


def test_the_reminder_worker_links_to_site_url(owner, workspace, settings, mailoutbox):
    settings.SITE_URL = SERVED_URL  # what `PORT=8801 make run` gives the worker
    pilot = make_pilot(
        make_candidate(workspace, ticks=4), owner, start_date=TODAY - timedelta(days=14)
    )
    run_once(TODAY)
    assert f"{SERVED_URL}/pilots/{pilot.code}/review/" in mailoutbox[0].body


def test_load_demo_says_where_to_log_in(db, no_site_url):
    no_site_url.LOCAL_SITE_URL = SERVED_URL  # `PORT=8801 manage.py load_demo`
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert f"Log in at {SERVED_URL}/accounts/login/ with demo@example.com" in out.getvalue()
