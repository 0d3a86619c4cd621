"""Locust scenario for `make loadtest` (benchmarks/loadtest.py starts it; see there).

Two phases. First every simulated team member logs in with an account of its own (a
password check is deliberately slow: PBKDF2 with 1.5 million iterations); once all are in,
the statistics are reset and for LOADTEST_DURATION seconds they tick the checklist of their
own candidate (htmx POSTs carrying the CSRF token taken from the page), open the dashboard
and the candidate list. The ticks follow a deterministic sequence and every acknowledged
state (HTTP 200 showing the new score) is recorded; at the end the states and the login
phase's numbers go to LOADTEST_RESULTS for loadtest.py to compare with the database.

Needs LOADTEST_ACCOUNTS: a JSON list of {"index", "email", "password", "candidate"} written
by loadtest.py. Does not import Django (locust runs under gevent).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import time
from pathlib import Path

import gevent
from gevent.event import Event
from locust import HttpUser, between, events, task

CRITERIA = [
    "ideal_customer",
    "transferable_trust",
    "active_channel",
    "real_complement",
    "purchase_context",
    "easy_execution",
    "two_sided_benefit",
    "measurable",
]
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CHECKED = re.compile(r'<input[^>]*name="(\w+)"[^>]*\bchecked\b')

ACCOUNTS = json.loads(Path(os.environ["LOADTEST_ACCOUNTS"]).read_text())
USERS = int(os.environ.get("LOADTEST_USERS", len(ACCOUNTS)))
DURATION = float(os.environ.get("LOADTEST_DURATION", "60"))
_next_account = itertools.count()
# candidate code -> {"seq": ticks acknowledged, "ticks": [names ticked]}; one user each.
ACKNOWLEDGED: dict[str, dict] = {}
LOGIN = {"ok": 0, "failed": 0, "times_ms": [], "started": None, "seconds": None}
TICKS_SENT = [0]
EVERYONE_IN = Event()
# After DURATION no new request starts; those in flight get GRACE seconds to be answered, so
# every tick sent has its answer (an interrupted one would be neither acknowledged nor not).
STOPPING = Event()
GRACE = 15


def csrf_token(html: str) -> str | None:
    found = CSRF_INPUT.search(html)
    return found.group(1) if found else None


class TeamMember(HttpUser):
    # A person reads, then clicks: a new request every 1–3 s per user.
    wait_time = between(1, 3)

    def on_start(self):
        # Each simulated user gets an account (and so a candidate) nobody else ticks.
        self.account = ACCOUNTS[next(_next_account) % len(ACCOUNTS)]
        self.code = self.account["candidate"]
        self.index = int(self.account["index"])
        self.ticked: set[str] = set()
        self.seq = 0
        self.token = None
        LOGIN["started"] = LOGIN["started"] or time.monotonic()
        started = time.monotonic()
        if self.log_in():
            LOGIN["ok"] += 1
            LOGIN["times_ms"].append(round((time.monotonic() - started) * 1000))
        else:
            LOGIN["failed"] += 1
        if LOGIN["ok"] + LOGIN["failed"] == USERS:
            self.start_steady_phase()
        EVERYONE_IN.wait()
        self.open_candidate()

    def log_in(self) -> bool:
        page = self.client.get("/accounts/login/", name="login page")
        data = {
            "username": self.account["email"],
            "password": self.account["password"],
            "csrfmiddlewaretoken": csrf_token(page.text) or "",
        }
        with self.client.post(
            "/accounts/login/", data, name="log in", catch_response=True
        ) as response:
            # Redirected to the dashboard; a failed login shows the form again.
            if response.status_code != 200 or 'name="password"' in response.text:
                response.failure(f"login failed for {self.account['email']}")
                return False
        return True

    def start_steady_phase(self) -> None:
        """Everyone is in: measure the next DURATION seconds only, then stop."""
        LOGIN["seconds"] = round(time.monotonic() - LOGIN["started"], 1)
        LOGIN["failures_logged"] = self.environment.stats.total.num_failures
        self.environment.stats.reset_all()
        EVERYONE_IN.set()
        gevent.spawn_later(DURATION, STOPPING.set)
        gevent.spawn_later(DURATION + GRACE, self.environment.runner.quit)

    @task(1)
    def open_candidate(self):
        """The candidate page: take a fresh CSRF token; the ticks shown are the ones saved."""
        if STOPPING.is_set():
            return
        with self.client.get(
            f"/candidates/{self.code}/", name="/candidates/[code]/", catch_response=True
        ) as response:
            token = csrf_token(response.text)
            if response.status_code != 200 or token is None:
                response.failure("no checklist on the candidate page")
                return
            self.token = token
            shown = {name for name in CHECKED.findall(response.text) if name in CRITERIA}
            if shown != self.ticked:
                response.failure(f"page shows {sorted(shown)}, acknowledged {sorted(self.ticked)}")

    @task(6)
    def tick(self):
        """Toggle one box, as a click does: htmx posts the whole form with the token."""
        if self.token is None or STOPPING.is_set():
            return
        field = CRITERIA[(self.seq * 3 + self.index) % len(CRITERIA)]
        ticked = self.ticked ^ {field}
        seq = self.seq + 1
        data = {name: "on" for name in ticked}
        data["ideal_customer_note"] = f"tick {seq}"  # which tick the database holds
        data["csrfmiddlewaretoken"] = self.token
        headers = {
            "HX-Request": "true",
            "HX-Current-URL": f"{self.host}/candidates/{self.code}/",
            "X-CSRFToken": self.token,
        }
        TICKS_SENT[0] += 1
        with self.client.post(
            f"/candidates/{self.code}/checklist/",
            data,
            headers=headers,
            name="tick (htmx)",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return
            if f"{len(ticked)}/8" not in response.text:
                response.failure("the light does not show the new score")
                return
        # Acknowledged: the server said it saved this state.
        self.ticked, self.seq = ticked, seq
        ACKNOWLEDGED[self.code] = {"seq": seq, "ticks": sorted(ticked)}

    @task(2)
    def dashboard(self):
        if STOPPING.is_set():
            return
        self.client.get("/dashboard/", name="/dashboard/")

    @task(1)
    def candidate_list(self):
        if STOPPING.is_set():
            return
        self.client.get("/candidates/?sort=score", name="/candidates/")


@events.quitting.add_listener
def _write_acknowledged(environment, **_kwargs):
    results = {"acknowledged": ACKNOWLEDGED, "login": LOGIN, "ticks_sent": TICKS_SENT[0]}
    Path(os.environ["LOADTEST_RESULTS"]).write_text(json.dumps(results, indent=1))
