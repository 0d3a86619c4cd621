"""Two people tick different boxes of one checklist at the same moment: no tick is lost.

The owner and a teammate have the same candidate open; each ticks four boxes as fast as
htmx sends them (one request per box, with the `HX-Trigger-Name` of the box), both starting
at the same instant. Real HTTP, each person with their own session, CSRF token and
connections, ten rounds: every round, all eight boxes are ticked and the score is eight.

On PostgreSQL the server is pytest-django's live server (a connection per request thread).
On SQLite it is the app in a process of its own, on a database file as in production (WAL,
IMMEDIATE transactions): the live server would share the test's in-memory connection among
its threads, which SQLite cannot use from two requests at once.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from candidates.criteria import CRITERION_FIELDS
from candidates.models import Evaluation
from tests.conftest import make_candidate

pytestmark = [
    pytest.mark.slow,  # threads or processes at once: -m "not slow" leaves them out
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 10
CSRF_HEADER = re.compile(r"hx-headers='(\{[^']*\})'")
WORKSPACE_FIELD = re.compile(r'name="workspace" value="([^"]+)"')


@dataclass
class Site:
    """The app on a server, with one candidate and two people signed in."""

    url: str
    sessions: dict[str, str]  # person -> session cookie
    candidate: str  # the candidate's code
    untick_everything: Callable[[], None]
    stored: Callable[[], tuple[list[str], int]]  # the boxes ticked, and the score


def _session_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _live_server_site(request) -> Site:
    live_server = request.getfixturevalue("live_server")
    workspace = request.getfixturevalue("workspace")
    people = {name: request.getfixturevalue(name) for name in ("owner", "member")}
    candidate = make_candidate(workspace, "Spa Serena")

    def untick_everything() -> None:
        evaluation = candidate.current_evaluation()
        for field in CRITERION_FIELDS:
            setattr(evaluation, field, False)
        evaluation.rescore()
        evaluation.save()

    def stored() -> tuple[list[str], int]:
        evaluation = Evaluation.objects.get(pk=candidate.current_evaluation().pk)
        return [f for f in CRITERION_FIELDS if getattr(evaluation, f)], evaluation.score

    sessions = {name: _session_of(user) for name, user in people.items()}
    return Site(live_server.url, sessions, candidate.code, untick_everything, stored)


# Run in the app's own environment: two people of one workspace, signed in, and a candidate.
SEED = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client
from accounts.models import Membership, Role, User
from candidates.models import Candidate, Evaluation

owner = User.objects.create_user(email="owner@example.com")
workspace = owner.create_workspace("Tienda Luna")
member = User.objects.create_user(email="member@example.com")
Membership.objects.create(user=member, workspace=workspace, role=Role.MEMBER)
candidate = Candidate.objects.create(workspace=workspace, name="Spa Serena")
Evaluation.start(candidate)
sessions = {}
for name, user in (("owner", owner), ("member", member)):
    client = Client()
    client.force_login(user)
    sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
print(json.dumps({"candidate": candidate.code, "sessions": sessions}))
"""
# The candidate's open evaluation, by the candidate's code.
OPEN_EVALUATION = (
    "(SELECT e.id FROM candidates_evaluation e JOIN candidates_candidate c "
    "ON c.id = e.candidate_id WHERE c.code = ? AND e.frozen_at IS NULL)"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, log: Path) -> None:
    address = urlsplit(url)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()
        try:
            probe = http.client.HTTPConnection(address.hostname, address.port, timeout=2)
            probe.request("GET", "/healthz")
            if probe.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("the server did not start: " + log.read_text())


def _own_process_site(tmp_path: Path) -> Iterator[Site]:
    database = tmp_path / "app.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "semaforo.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "true",
    }

    def run(*args: str) -> str:
        return subprocess.run(  # noqa: S603 (our own interpreter and arguments)
            [sys.executable, *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout

    run("manage.py", "migrate", "--noinput")
    seeded = json.loads(run("-c", SEED).strip().splitlines()[-1])
    port = _free_port()
    log = tmp_path / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    code = seeded["candidate"]

    def untick_everything() -> None:
        ticks = ", ".join(f"{field} = 0" for field in CRITERION_FIELDS)
        with closing(sqlite3.connect(database, timeout=20)) as db, db:
            db.execute(
                f"UPDATE candidates_evaluation SET {ticks}, score = 0, colour = 'red' "  # noqa: S608 (our own column names)
                f"WHERE id = {OPEN_EVALUATION}",
                (code,),
            )

    def stored() -> tuple[list[str], int]:
        columns = ", ".join(CRITERION_FIELDS)
        with closing(sqlite3.connect(database, timeout=20)) as db, db:
            *boxes, score = db.execute(
                f"SELECT {columns}, score FROM candidates_evaluation WHERE id = {OPEN_EVALUATION}",  # noqa: S608 (our own column names)
                (code,),
            ).fetchone()
        return [f for f, ticked in zip(CRITERION_FIELDS, boxes, strict=True) if ticked], score

    try:
        _wait_until_up(url, server, log)
        yield Site(url, seeded["sessions"], code, untick_everything, stored)
    finally:
        server.terminate()
        server.wait(timeout=30)
    errors = [line for line in log.read_text().splitlines() if '" 500 ' in line]
    assert not errors, "server errors: " + "\n".join(errors)


@pytest.fixture
def site(request, tmp_path) -> Iterator[Site]:
    if connection.vendor == "sqlite":
        yield from _own_process_site(tmp_path)
    else:
        yield _live_server_site(request)


class Browser:
    """One person's browser: their session cookie, the CSRF token and workspace of the page
    they opened, and the request htmx sends when they tick a box."""

    def __init__(self, site: Site, person: str):
        self.cookies = {settings.SESSION_COOKIE_NAME: site.sessions[person]}
        self.origin = site.url
        address = urlsplit(site.url)
        self.host, self.port = address.hostname, address.port
        self.headers: dict[str, str] = {}
        self.workspace = self.page = ""

    def _send(self, method: str, path: str, body: str | None = None, **headers):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers={"Cookie": cookie, **headers})
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.update({k: m.value for k, m in SimpleCookie(header).items()})
        return response.status, text, response.headers.get("Location")

    def open(self, path: str) -> str:
        status, page, location = self._send("GET", path)
        assert status == 200, (path, status, location)
        self.headers = json.loads(CSRF_HEADER.search(page).group(1))  # as htmx sends them
        self.workspace = WORKSPACE_FIELD.search(page).group(1)
        self.page = path
        return page

    def tick(self, action: str, field: str) -> int:
        """What htmx posts when this box is ticked: the box alone, and the form's workspace."""
        status, _light, _location = self._send(
            "POST",
            action,
            urlencode({field: "on", "workspace": self.workspace}),
            **self.headers,
            **{
                "Content-Type": "application/x-www-form-urlencoded",
                "HX-Request": "true",
                "HX-Trigger": f"id_{field}",
                "HX-Trigger-Name": field,
                "HX-Current-URL": self.origin + self.page,
                "Origin": self.origin,
                "Referer": self.origin + self.page,
            },
        )
        return status


def test_two_people_ticking_different_boxes_at_once_lose_no_tick(site):
    page = reverse("candidates:detail", args=[site.candidate])
    action = reverse("candidates:checklist", args=[site.candidate])
    people = {
        "owner": (Browser(site, "owner"), CRITERION_FIELDS[0::2]),
        "member": (Browser(site, "member"), CRITERION_FIELDS[1::2]),
    }
    statuses: list[int] = []
    lost_per_round = []

    for _round in range(ROUNDS):
        site.untick_everything()
        for browser, _boxes in people.values():
            browser.open(page)
        start = threading.Barrier(len(people))

        def ticks(name: str, start=start) -> None:
            browser, boxes = people[name]
            start.wait(timeout=30)
            statuses.extend(browser.tick(action, field) for field in boxes)

        threads = [threading.Thread(target=ticks, args=(name,)) for name in people]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        ticked, score = site.stored()
        lost_per_round.append(len(CRITERION_FIELDS) - len(ticked))
        assert score == len(ticked), "the score disagrees with the boxes"
        # What either person sees on reloading the page.
        assert f"{len(ticked)}/8" in people["member"][0].open(page)

    assert lost_per_round == [0] * ROUNDS, f"ticks lost per round: {lost_per_round}"
    assert statuses == [200] * ROUNDS * len(CRITERION_FIELDS)
