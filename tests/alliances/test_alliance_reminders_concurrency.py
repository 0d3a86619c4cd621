"""Two reminder runners started at the same moment send each alliance reminder (review due,
review overdue, check-in) exactly once.

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
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from accounts.models import Membership, Role
from alliances import reminders
from alliances.models import Alliance, FollowUp, Reminder, ReminderState, State
from candidates.models import Candidate, Kind, Status
from semaforo.lib.search import fold
from tests.conftest import make_user
from tests.pilots.conftest import TODAY
from tests.pilots.test_reminders_concurrency import LAUNCHER, SEPARATOR, _test_database_url

pytestmark = [
    pytest.mark.slow,  # threads or processes at once: -m "not slow" leaves them out
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL for real concurrent "
        "runners (set DATABASE_URL; CI's PostgreSQL leg)",
    ),
]

ALLIANCES = 45  # a third due today, a third overdue, a third sales channels checking in
MEMBERS = 3
LINK = re.compile(r"/alliances/([^/\s]+)/(review|check-in)/")


def bulk_alliances(workspace, count: int) -> list[Alliance]:
    """Many running alliances at once (bulk_create): their dates are all that matters here."""
    candidates = Candidate.objects.bulk_create(
        Candidate(
            workspace=workspace,
            name=f"Socio {i:04d}",
            search_name=fold(f"Socio {i:04d}"),
            status=Status.ALLIANCE,
        )
        for i in range(count)
    )
    activated = datetime(2026, 11, 1, 12, tzinfo=UTC)
    alliances = []
    for i, candidate in enumerate(candidates):
        channel = i % 3 == 2
        review = [TODAY, TODAY - timedelta(days=4), TODAY + timedelta(days=20)][i % 3]
        alliances.append(
            Alliance(
                workspace=workspace,
                candidate=candidate,
                kind=Kind.CHANNEL if channel else Kind.ALLIANCE,
                state=State.ACTIVE,
                activated_at=activated,
                next_review_date=review,
                follow_up=FollowUp.WEEKLY if channel else "",
                next_check_in_date=TODAY if channel else None,
            )
        )
    return Alliance.objects.bulk_create(alliances)


@pytest.fixture
def crowded_workspace(transactional_db, owner, workspace):
    """45 running alliances, each with one reminder due today for each of 3 members."""
    for i in range(1, MEMBERS):
        user = make_user(f"member{i}@example.com")
        Membership.objects.create(user=user, workspace=workspace, role=Role.MEMBER)
    members = set(workspace.memberships.values_list("user__email", flat=True))
    expected = set()
    for alliance in bulk_alliances(workspace, ALLIANCES):
        page = "check-in" if alliance.kind == Kind.CHANNEL else "review"
        expected |= {(alliance.code, page, address) for address in members}
    return expected


def _read_emails(directory: Path) -> list[tuple[str, str, str]]:
    """(alliance code, page linked, recipient) of every message the file backend wrote."""
    sent = []
    for path in directory.glob("*.log"):
        for chunk in path.read_bytes().split(SEPARATOR):
            if not chunk.strip():
                continue
            message = email.message_from_bytes(chunk, policy=email.policy.default)
            text = message.get_body(preferencelist=("plain",)).get_content()
            ((code, page),) = set(LINK.findall(text))
            sent.append((code, page, str(message["To"])))
    return sent


def _start_runner(name: str, tmp_path: Path, go: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / f"mail-{name}"),
        "CONN_MAX_AGE": "0",
    }
    command = [sys.executable, "-c", LAUNCHER, str(tmp_path / f"ready-{name}"), str(go)]
    command += ["send_review_reminders", f"--today={TODAY}"]
    return subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        command,
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_runners_started_together_send_each_reminder_exactly_once(crowded_workspace, tmp_path):
    expected = crowded_workspace
    assert len(expected) == ALLIANCES * MEMBERS
    go = tmp_path / "go"
    runners = [_start_runner(name, tmp_path, go) for name in ("a", "b")]
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready-{name}").exists() for name in ("a", "b")):
        assert time.monotonic() < deadline, "the runners did not start"
        assert all(r.poll() is None for r in runners), [r.communicate() for r in runners]
        time.sleep(0.01)
    go.touch()
    results = [runner.communicate(timeout=120) for runner in runners]

    for runner, (_out, err) in zip(runners, results, strict=True):
        assert runner.returncode == 0, err
    sent = [item for name in ("a", "b") for item in _read_emails(tmp_path / f"mail-{name}")]
    assert len(sent) == len(expected)
    assert Counter(sent) == Counter(expected)  # every (alliance, member) exactly once
    assert set(Reminder.objects.values_list("state", flat=True)) == {ReminderState.SENT}
    assert Reminder.objects.count() == len(expected)


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
    assert set(sent.values()) == {ALLIANCES}
    assert not Reminder.objects.exclude(state=ReminderState.SENT).exists()
