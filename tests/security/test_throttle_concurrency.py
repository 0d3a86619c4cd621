"""Several app processes counting on one throttle at once: every hit is counted, so the
limit holds exactly (an increment whose count is read apart from its UPDATE loses hits; see
ThrottleQuerySet.hit() in semaforo/models.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

# Processes at once: `pytest -m "not slow"` leaves them out.
pytestmark = pytest.mark.slow

PROCESSES, HITS, LIMIT = 3, 30, 50
# Mid-hour, so that every hit falls in one window: the workers freeze their clocks here.
NOW = "2026-12-09T10:30:00+00:00"
# Each process: load Django, say "ready", wait for "go", hit the same counter, print how
# many of its hits were refused.
WORKER = """
import pathlib, sys, time
import django
import time_machine
django.setup()
from semaforo.lib import throttle
ready, go = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
hits, limit = int(sys.argv[3]), int(sys.argv[4])
ready.touch()
while not go.exists():
    time.sleep(0.001)
refused = 0
with time_machine.travel(sys.argv[5], tick=False):
    for _ in range(hits):
        refused += not throttle.allow("race", "203.0.113.7", limit=limit, window=3600)
        time.sleep(0.001)  # the rest of a request; SQLite's busy handler polls, not queues
print(refused)
"""


def _database_url(tmp_path) -> str:
    """The suite's PostgreSQL test database, or an SQLite file of the test's own."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user, host, port = db["USER"] or "postgres", db["HOST"] or "127.0.0.1", db["PORT"] or 5432
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"
    return f"sqlite:///{tmp_path / 'app.sqlite3'}"


@pytest.mark.django_db(transaction=True)
def test_hits_from_processes_at_once_are_all_counted(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "semaforo.settings",
        "DATABASE_URL": _database_url(tmp_path),
        "CONN_MAX_AGE": "0",
    }
    if connection.vendor != "postgresql":  # a new SQLite file: the throttle's table only
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "semaforo"],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            timeout=60,
        )
    go = tmp_path / "go"
    counts = [str(HITS), str(LIMIT), NOW]
    workers = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", WORKER, str(tmp_path / f"ready-{n}"), str(go), *counts],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]
    try:
        deadline = time.monotonic() + 60
        while not all((tmp_path / f"ready-{n}").exists() for n in range(PROCESSES)):
            assert time.monotonic() < deadline, "workers did not start"
            time.sleep(0.01)
        go.touch()
        refused = [int(worker.communicate(timeout=120)[0]) for worker in workers]
    finally:
        for worker in workers:
            worker.kill()
    assert all(worker.returncode == 0 for worker in workers)
    assert sum(refused) == PROCESSES * HITS - LIMIT
