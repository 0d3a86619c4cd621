"""Two app processes writing to one SQLite file at once never get "database is locked".

settings.py opens SQLite in WAL mode with a busy timeout and BEGIN IMMEDIATE transactions:
a transaction that reads then writes takes the write lock up front, so two processes queue
for it instead of one failing when it tries to upgrade its read lock.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

WRITES = 200  # write transactions per process
# Each process: load Django, say "ready", wait for "go", then do its part.
LAUNCHER = """
import pathlib, runpy, sys, time
import django
django.setup()
ready, go, part = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]
ready.touch()
while not go.exists():
    time.sleep(0.001)
if part == "backup":
    sys.argv = ["manage.py", "backup", sys.argv[4]]
    runpy.run_path("manage.py", run_name="__main__")
    sys.exit()

from django.db import transaction
from accounts.models import Workspace
from candidates.criteria import CRITERION_FIELDS
from candidates.models import Candidate, Evaluation

workspace = Workspace.objects.get(name="Concurrencia")
slowest = 0.0
for i in range(int(sys.argv[4])):
    started = time.monotonic()
    with transaction.atomic():
        # A new candidate with its first evaluation (what "Add candidate" does)...
        candidate = Candidate.objects.create(workspace=workspace, name=f"{part}-{i}")
        evaluation = Evaluation.start(candidate)
        setattr(evaluation, CRITERION_FIELDS[i % 8], True)
        evaluation.rescore()
        evaluation.save()
        # ...and a read-modify-write of one shared checklist (a tick on a busy candidate).
        shared = Evaluation.objects.get(candidate__name="shared")
        shared.measurable = not shared.measurable
        shared.measurable_note = str(int(shared.measurable_note or 0) + 1)
        shared.rescore()
        shared.save()
    slowest = max(slowest, time.monotonic() - started)
    # The rest of a request (rendering the response) happens outside the transaction.
    # Without any gap, SQLite's busy handler (which polls, it does not queue) can let one
    # tight loop starve the other for seconds.
    time.sleep(0.002)
print(f"{part}: {sys.argv[4]} transactions, slowest {slowest:.2f}s")
"""
SEED = """
import django
django.setup()
from accounts.models import User
from candidates.models import Candidate, Evaluation
workspace = User.objects.create_user("owner@example.com").create_workspace("Concurrencia")
Evaluation.start(Candidate.objects.create(workspace=workspace, name="shared"))
"""


def _run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


@pytest.fixture
def sqlite_file(tmp_path) -> tuple[Path, dict]:
    """A migrated SQLite database file of its own, whatever database the suite runs on."""
    path = tmp_path / "app.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "semaforo.settings",
        "DATABASE_URL": f"sqlite:///{path}",
        "DEBUG": "true",
    }
    _run(["manage.py", "migrate", "--noinput"], env)
    _run(["-c", SEED], env)
    return path, env


@pytest.mark.slow  # processes at once: `pytest -m "not slow"` leaves it out
def test_two_processes_write_at_once_without_database_is_locked(sqlite_file, tmp_path):
    path, env = sqlite_file
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)

    go = tmp_path / "go"
    parts = {"a": [str(WRITES)], "b": [str(WRITES)], "backup": [str(tmp_path / "copy.sqlite3")]}
    processes = {
        part: subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            [
                sys.executable,
                "-c",
                LAUNCHER,
                str(tmp_path / f"ready-{part}"),
                str(go),
                part,
                *extra,
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for part, extra in parts.items()
    }
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready-{part}").exists() for part in parts):
        assert time.monotonic() < deadline, "the processes did not start"
        assert all(p.poll() is None for p in processes.values()), [
            p.communicate() for p in processes.values()
        ]
        time.sleep(0.01)
    go.touch()
    started = time.monotonic()
    outputs = {part: p.communicate(timeout=180) for part, p in processes.items()}
    took = time.monotonic() - started

    for part, (_out, err) in outputs.items():
        assert processes[part].returncode == 0, err
        assert "database is locked" not in err
    with sqlite3.connect(path) as db:
        for part in ("a", "b"):
            (count,) = db.execute(
                "SELECT count(*) FROM candidates_candidate c JOIN candidates_evaluation e "
                "ON e.candidate_id = c.id WHERE c.name LIKE ? AND e.score = 1",
                (f"{part}-%",),
            ).fetchone()
            assert count == WRITES
        # No lost update: every read-modify-write of the shared checklist counted.
        (note,) = db.execute(
            "SELECT e.measurable_note FROM candidates_evaluation e "
            "JOIN candidates_candidate c ON e.candidate_id = c.id WHERE c.name = 'shared'"
        ).fetchone()
        assert int(note) == 2 * WRITES
    summary = [outputs[part][0].strip() for part in ("a", "b")]
    print(f"\n{2 * WRITES} write transactions from two processes in {took:.1f}s: {summary}")
    # The backup taken meanwhile is a consistent database.
    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
