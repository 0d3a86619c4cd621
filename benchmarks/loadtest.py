"""`make loadtest`: 50 simulated team members against gunicorn on PostgreSQL, on loopback.

Bounded, and it stops by itself: creates the database `semaforo_load` on the local
PostgreSQL (dropped first and at the end), migrates, seeds 10 workspaces of 5 members (each
member with a candidate of their own among 20 per workspace, and 3 running pilots), collects
the static files, starts 4 gunicorn workers with production settings (DEBUG off, manifest
static files; plain HTTP, so no SSL redirect and no secure-only cookies) and runs locust
headless with benchmarks/locustfile.py: every user logs in, then for 60 s they tick their
checklists and open dashboards. Then it checks:

- no request failed (locust's failures, and no traceback in gunicorn's log);
- every tick acknowledged with a 200 is in the database: each member's candidate holds
  exactly the ticks of the last acknowledged state and that state's sequence number (each
  POST carries the whole checklist, so the last acknowledged one decides).

Prints requests, errors, p95 and ticks acknowledged vs written; exits 1 if a check fails.

    .venv/bin/python benchmarks/loadtest.py [--users 50] [--duration 60] [--workers 4]

LOADTEST_PG points to another server (default postgres://postgres@127.0.0.1:5432).
Files of the last run (locust's CSV, gunicorn's log) stay in benchmarks/out/loadtest/.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out" / "loadtest"
VENV_BIN = Path(sys.executable).parent
DB_NAME = "semaforo_load"
PASSWORD = "load-test-secret-42"
WORKSPACES, MEMBERS, CANDIDATES, PILOTS = 10, 5, 20, 3
LOGIN_ALLOWANCE = 300  # seconds for everyone to log in before the measured phase
sys.path.insert(0, str(ROOT))  # the project's apps, when run as benchmarks/loadtest.py

from benchmarks import common  # noqa: E402 (after the path)


def production_env(database_url: str, port: int, workers: int) -> dict[str, str]:
    return {
        **os.environ,
        **common.production_env(database_url, str(OUT / "static")),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
    }


def prepare_database(users: int) -> list[dict]:
    """Migrate, collect static files, seed; the accounts the simulated users log in with."""
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connections, transaction

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    collect_static_if_changed()
    with transaction.atomic():
        accounts = seed(users, make_password(PASSWORD))
    connections.close_all()
    return accounts


def collect_static_if_changed() -> None:
    """collectstatic takes minutes when brotli is installed (locust brings it): only rerun
    it when a static file or the installed packages are newer than the last manifest."""
    from django.core.management import call_command

    manifest = OUT / "static" / "staticfiles.json"
    sources = [
        *(ROOT / "static").rglob("*"),
        ROOT / ".venv" / ".installed",
        ROOT / "pyproject.toml",
    ]
    if manifest.exists() and all(
        path.stat().st_mtime < manifest.stat().st_mtime for path in sources if path.exists()
    ):
        return
    print("collecting static files (compressing them takes a while)…")
    call_command("collectstatic", interactive=False, verbosity=0)


def seed(users: int, password_hash: str) -> list[dict]:
    from datetime import timedelta

    from accounts.models import Membership, Role, User
    from accounts.services import create_workspace
    from candidates.criteria import CRITERION_FIELDS
    from candidates.models import Candidate, Evaluation
    from pilots.models import Measurement, Pilot
    from pilots.services import start_pilot

    workspaces = max(WORKSPACES, -(-users // MEMBERS))
    accounts = []
    for w in range(workspaces):
        members = [
            User.objects.create(email=f"load-{w:02d}-{m}@example.com", password=password_hash)
            for m in range(MEMBERS)
        ]
        workspace = create_workspace(members[0], f"Empresa de carga {w:02d}")
        Membership.objects.bulk_create(
            Membership(user=user, workspace=workspace, role=Role.MEMBER) for user in members[1:]
        )
        candidates = []
        for c in range(CANDIDATES):
            candidate = Candidate.objects.create(workspace=workspace, name=f"Socio {w:02d}-{c:02d}")
            evaluation = Evaluation.start(candidate)
            for field in CRITERION_FIELDS[: (c * 3) % 9]:
                setattr(evaluation, field, True)
            evaluation.rescore()
            evaluation.save()
            candidates.append(candidate)
        # The members' own candidates start unticked; a few others run pilots.
        for user, candidate in zip(members, candidates, strict=False):
            Evaluation.objects.filter(candidate=candidate).update(
                **dict.fromkeys(CRITERION_FIELDS, False), score=0, colour="red", scored_at=None
            )
            index = len(accounts)
            if index < users:
                accounts.append(
                    {
                        "index": index,
                        "email": user.email,
                        "password": PASSWORD,
                        "candidate": candidate.code,
                    }
                )
        for candidate in candidates[-PILOTS:]:
            today = workspace.today()
            start = today - timedelta(days=12)
            pilot = Pilot(
                offer="10% en la primera compra",
                script="Te recomiendo a nuestros socios.",
                measurement=Measurement.COUPON,
                start_date=start,
                length_days=14,
                review_date=start + timedelta(days=14),
            )
            start_pilot(pilot, candidate, members[0])
    return accounts


def read_stats(prefix: Path) -> tuple[dict, list[dict]]:
    with open(f"{prefix}_stats.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    return total, [row for row in rows if row["Name"] != "Aggregated"]


def server_times(log: str, since: str) -> list[int]:
    """Milliseconds gunicorn spent on each request logged after `since` (the first
    request of the measured phase): the time on the server, without the queue."""
    import re

    times, started = [], False
    for line in log.splitlines():
        started = started or since in line
        found = re.search(r'" \d{3} \S+ (\d+)ms "', line) if started else None
        if found:
            times.append(int(found.group(1)))
    return sorted(times) or [0]


def percentile(values: list[int], fraction: float) -> int:
    return values[min(len(values) - 1, int(fraction * len(values)))]


def compare_with_database(acknowledged: dict[str, dict]) -> tuple[int, int, list[str]]:
    """(ticks acknowledged, ticks written, mismatches) for the members' candidates."""
    from candidates.criteria import CRITERION_FIELDS
    from candidates.models import Evaluation

    current = {
        e.candidate.code: e
        for e in Evaluation.objects.filter(
            candidate__code__in=acknowledged, frozen_at__isnull=True
        ).select_related("candidate")
    }
    acked = written = 0
    mismatches = []
    for code, state in sorted(acknowledged.items()):
        evaluation = current[code]
        stored = sorted(f for f in CRITERION_FIELDS if getattr(evaluation, f))
        stored_seq = int(evaluation.ideal_customer_note.removeprefix("tick ") or 0)
        acked += state["seq"]
        written += stored_seq
        if stored != state["ticks"] or stored_seq != state["seq"]:
            mismatches.append(
                f"{code}: acknowledged tick {state['seq']} {state['ticks']}, "
                f"database has tick {stored_seq} {stored}"
            )
    return acked, written, mismatches


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    args = parser.parse_args()

    server_url = os.environ.get("LOADTEST_PG", "postgres://postgres@127.0.0.1:5432")
    port = common.free_port()
    env = production_env(common.database_url(server_url, DB_NAME), port, args.workers)
    os.environ.update(env)  # this process seeds and checks through the same settings
    OUT.mkdir(parents=True, exist_ok=True)
    accounts_file, results_file = OUT / "accounts.json", OUT / "acknowledged.json"
    results_file.unlink(missing_ok=True)

    common.admin_sql(server_url, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    common.admin_sql(server_url, f"CREATE DATABASE {DB_NAME}")
    try:
        started = time.monotonic()
        accounts = prepare_database(args.users)
        accounts_file.write_text(json.dumps(accounts))
        print(f"seeded {len(accounts)} accounts in {time.monotonic() - started:.0f}s")

        host = f"http://127.0.0.1:{port}"
        with common.gunicorn(["--config", "gunicorn.conf.py"], env, port, OUT / "gunicorn.log"):
            print(
                f"gunicorn: {args.workers} workers on {host}; locust: {args.users} users log "
                f"in, then {args.duration}s of ticks and dashboards"
            )
            locust = subprocess.run(
                [
                    str(VENV_BIN / "locust"),
                    "--locustfile",
                    str(ROOT / "benchmarks" / "locustfile.py"),
                    "--headless",
                    "--host",
                    host,
                    "--users",
                    str(args.users),
                    "--spawn-rate",
                    str(max(1, args.users // 10)),
                    # The locustfile stops DURATION s after the last login; this is a safety bound.
                    "--run-time",
                    f"{args.duration + LOGIN_ALLOWANCE}s",
                    "--stop-timeout",
                    "10",
                    "--csv",
                    str(OUT / "locust"),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=ROOT,
                env={
                    **env,
                    "LOADTEST_ACCOUNTS": str(accounts_file),
                    "LOADTEST_RESULTS": str(results_file),
                    "LOADTEST_USERS": str(args.users),
                    "LOADTEST_DURATION": str(args.duration),
                },
                timeout=args.duration + LOGIN_ALLOWANCE + 60,
                check=False,
            )

        total, rows = read_stats(OUT / "locust")
        results = json.loads(results_file.read_text())
        acknowledged, login = results["acknowledged"], results["login"]
        acked, written, mismatches = compare_with_database(acknowledged)
        log_text = (OUT / "gunicorn.log").read_text()
        tracebacks = log_text.count("Traceback")
        on_server = server_times(log_text, since="POST /candidates/")
        requests, failures = int(total["Request Count"]), int(total["Failure Count"])
        login_failures = login.get("failures_logged", 0) + login["failed"]
        login_times = sorted(login["times_ms"]) or [0]
        login_p95 = percentile(login_times, 0.95)

        print()
        print(
            f"login phase: {login['ok']}/{args.users} logged in within {login['seconds']}s, "
            f"{login_failures} errors, p95 {login_p95} ms (PBKDF2 is slow on purpose)"
        )
        print(f"measured phase ({args.duration}s after the last login):")
        print(f"{'endpoint':<24}{'requests':>9}{'errors':>8}{'median':>8}{'p95':>8}{'max':>8}")
        for row in rows:
            if row["Request Count"] == "0":  # the login phase's, after the reset
                continue
            print(
                f"{row['Name']:<24}{row['Request Count']:>9}{row['Failure Count']:>8}"
                f"{row['50%']:>6}ms{row['95%']:>6}ms{float(row['Max Response Time']):>6.0f}ms"
            )
        print()
        print(f"requests: {requests} ({float(total['Requests/s']):.1f}/s)")
        print(f"errors: {failures} (server tracebacks: {tracebacks})")
        print(f"p95: {total['95%']} ms (median {total['50%']} ms)")
        print(
            f"time on the server (gunicorn): p95 {percentile(on_server, 0.95)} ms, "
            f"median {percentile(on_server, 0.5)} ms; the rest is waiting for a free worker"
        )
        print(
            f"ticks sent: {results['ticks_sent']}, acknowledged: {acked}, written: {written} "
            f"({len(acknowledged) - len(mismatches)}/{len(acknowledged)} checklists match)"
        )
        for line in mismatches:
            print(f"  MISMATCH {line}")
        ok = (
            failures == 0
            and login_failures == 0
            and login["ok"] == args.users
            and tracebacks == 0
            and not mismatches
            and acked == written == results["ticks_sent"]
            and acked > 0
            and locust.returncode == 0
        )
        print("PASS" if ok else "FAIL", f"(details in {OUT.relative_to(ROOT)}/)")
        return 0 if ok else 1
    finally:
        from django.db import connections

        connections.close_all()
        common.admin_sql(server_url, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


if __name__ == "__main__":
    sys.exit(main())
