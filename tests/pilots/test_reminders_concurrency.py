"""Two reminder runners started at the same moment send each reminder exactly once.

Needs a real database server with real concurrent connections: runs in CI's PostgreSQL leg
(`DATABASE_URL=postgres://... pytest`), skipped on SQLite.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections

from accounts.models import Membership, Role
from pilots import reminders
from pilots.models import Reminder, ReminderState
from tests.conftest import make_user
from tests.pilots.conftest import TODAY, bulk_pilots

pytestmark = [
    pytest.mark.slow,  # threads or processes at once: -m "not slow" leaves them out
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL for real concurrent "
        "runners (set DATABASE_URL; CI's PostgreSQL leg)",
    ),
]

PILOTS = 60  # bulk_pilots: a third overdue, a third due today, a third not yet
MEMBERS = 3
SEPARATOR = b"\n" + b"-" * 79 + b"\n"
REVIEW_LINK = re.compile(r"/pilots/([^/\s]+)/review/")
# Started by each runner: load Django, say "ready", wait for "go", then run manage.py as usual.
LAUNCHER = """
import os, pathlib, runpy, sys, time
import django
django.setup()
ready, go = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
ready.touch()
while not go.exists():
    time.sleep(0.001)
sys.argv = ["manage.py", *sys.argv[3:]]
runpy.run_path("manage.py", run_name="__main__")
"""


@pytest.fixture
def crowded_workspace(transactional_db, owner, workspace):
    """40 pilots with a review due or overdue today, each for 3 members: 120 reminders."""
    for i in range(1, MEMBERS):
        user = make_user(f"member{i}@example.com")
        Membership.objects.create(user=user, workspace=workspace, role=Role.MEMBER)
    pilots = bulk_pilots(workspace, PILOTS)
    due = {p.code for p in pilots if p.review_date <= TODAY}
    members = set(workspace.memberships.values_list("user__email", flat=True))
    return {(code, address) for code in due for address in members}


def _test_database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def _read_emails(directory: Path) -> list[tuple[str, str]]:
    """(pilot code, recipient) of every message the file backend wrote in `directory`."""
    sent = []
    for path in directory.glob("*.log"):
        for chunk in path.read_bytes().split(SEPARATOR):
            if not chunk.strip():
                continue
            message = email.message_from_bytes(chunk, policy=email.policy.default)
            text = message.get_body(preferencelist=("plain",)).get_content()
            (code,) = set(REVIEW_LINK.findall(text))
            sent.append((code, str(message["To"])))
    return sent


def test_two_runners_started_together_send_each_reminder_exactly_once(crowded_workspace, tmp_path):
    expected = crowded_workspace
    assert len(expected) == 120
    go = tmp_path / "go"
    runners = []
    for name in ("a", "b"):
        env = {
            **os.environ,
            "DATABASE_URL": _test_database_url(),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(tmp_path / f"mail-{name}"),
            "CONN_MAX_AGE": "0",
        }
        command = [sys.executable, "-c", LAUNCHER, str(tmp_path / f"ready-{name}"), str(go)]
        command += ["send_review_reminders", f"--today={TODAY}"]
        runners.append(
            subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
                command,
                cwd=settings.BASE_DIR,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready-{name}").exists() for name in ("a", "b")):
        assert time.monotonic() < deadline, "the runners did not start"
        assert all(r.poll() is None for r in runners), [r.communicate() for r in runners]
        time.sleep(0.01)
    started = time.monotonic()
    go.touch()
    results = [runner.communicate(timeout=120) for runner in runners]
    took = time.monotonic() - started

    for runner, (_out, err) in zip(runners, results, strict=True):
        assert runner.returncode == 0, err
    sent = [item for name in ("a", "b") for item in _read_emails(tmp_path / f"mail-{name}")]
    assert len(sent) == len(expected)
    assert Counter(sent) == Counter(expected)  # every (pilot, member) exactly once
    assert set(Reminder.objects.values_list("state", flat=True)) == {ReminderState.SENT}
    assert Reminder.objects.count() == len(expected)
    summaries = [out.strip().splitlines()[-1] for out, _err in results]
    print(f"\nboth runners done in {took:.2f}s: {summaries}")


def test_two_threads_racing_send_each_reminder_once(crowded_workspace, mailoutbox):
    """The same race inside one process: each thread has its own database connection."""
    barrier = threading.Barrier(2)
    outcomes = []

    def runner():
        try:
            barrier.wait()
            outcome, _planned = reminders.run_once(today=TODAY)
            outcomes.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(outcomes) == 2
    assert sum(o.sent for o in outcomes) == len(crowded_workspace)
    assert sum(o.failed for o in outcomes) == 0
    sent = Counter(address for message in mailoutbox for address in message.to)
    assert sum(sent.values()) == len(crowded_workspace)
    assert set(sent.values()) == {len(crowded_workspace) // MEMBERS}
    assert not Reminder.objects.exclude(state=ReminderState.SENT).exists()
