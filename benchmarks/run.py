#!/usr/bin/env python
"""`make bench`: how fast the live checklist is next to the cheapest signed-in Django view,
and whether the dashboard, the candidate list and the reminder job cost with the work rather
than the data. Prints a table and writes benchmarks/results.json. Not a test: timings vary
by machine; the targets are ratios measured on the same machine in the same run.

Steps: a throwaway database (a temporary SQLite file, or a new PostgreSQL database on the
server of BENCH_DATABASE_URL, dropped at the end) → migrate, collectstatic into a temporary
STATIC_ROOT → the reminder job at 10,000 then 100,000 pilots (1,000 due both times) → the web
data set → in-process query counts and timings (django.test.Client) → gunicorn on loopback
(2 workers, DEBUG=false) driven by wrk → first page load as served.

Options: --duration SECONDS per view and round (3), --rounds N (12), --connections N (8).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from benchmarks import common  # noqa: E402 (after the path)

# Targets: ratios against this machine's own ceiling or small case, so they hold anywhere.
TARGETS = {
    "toggle_vs_minimal_ratio": (">=", 0.6),
    "toggle_p95_vs_minimal": ("<=", 3.0),
    "toggle_bytes": ("<=", 3 * 1024),
    "toggle_queries": ("<=", 6),
    "dashboard_ratio": ("<=", 1.5),
    "list_ratio": ("<=", 1.5),
    "reminders_ratio": ("<=", 1.5),
    "first_load_bytes": ("<=", 80 * 1024),
}
TIMED_RUNS = 40


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@contextmanager
def step(name: str):
    start = time.perf_counter()
    log(f"{name}…")
    yield
    log(f"{name}: {time.perf_counter() - start:.1f}s")


# --- the throwaway database and the production-like environment -------------------------


@contextmanager
def throwaway_database(tmp: Path):
    """A temporary SQLite file, or a fresh PostgreSQL database if BENCH_DATABASE_URL is set."""
    server = os.environ.get("BENCH_DATABASE_URL")
    if not server:
        yield f"sqlite:///{tmp / 'bench.sqlite3'}"
        return
    name = f"semaforo_bench_{secrets.token_hex(4)}"
    common.admin_sql(server, f'CREATE DATABASE "{name}"')
    try:
        yield common.database_url(server, name)
    finally:
        from django.db import connections

        connections.close_all()
        common.admin_sql(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def production_env(tmp: Path, database_url: str) -> dict[str, str]:
    return {
        **common.production_env(database_url, str(tmp / "static")),
        "BENCHMARK_VIEWS": "true",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores"


# --- in-process measurements --------------------------------------------------------------


def signed_in_client(user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def timed_pages(clients: dict, url: str) -> dict:
    """For each client (a workspace's owner): the page's median milliseconds over
    TIMED_RUNS, its query count and its size. The clients take turns, request by request,
    so that all of them meet the same background load."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    found = {}
    for key, client in clients.items():
        for _ in range(3):  # warm up: templates, translations, the session's workspace
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        # Counted now: each request's start clears the connection's log.
        found[key] = {"queries": len(queries), "bytes": len(response.content), "ms": []}
    for _ in range(TIMED_RUNS):
        for key, client in clients.items():
            start = time.perf_counter()
            client.get(url)
            found[key]["ms"].append((time.perf_counter() - start) * 1000)
    for page in found.values():
        page["ms"] = statistics.median(page["ms"])
    return found


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def toggle_in_process(client, codes: list[str]) -> dict:
    """Queries and bytes of the htmx POST of a tick, as htmx sends it (the box alone); the first
    tick on a new candidate is reported apart (it also moves the candidate to "evaluated")."""
    from urllib.parse import urlencode

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from candidates.criteria import CRITERION_FIELDS
    from candidates.models import Candidate, Status

    rng = random.Random(7)
    client.get(f"/candidates/{codes[0]}/")
    token = client.cookies["csrftoken"].value
    new = set(
        Candidate.objects.filter(code__in=codes[:40], status=Status.NEW).values_list(
            "code", flat=True
        )
    )
    counts, first_ticks, sizes = [], [], []
    for code in codes[:40]:
        # The box that changed, alone, named in HX-Trigger-Name (as the page sends it).
        field = rng.choice(CRITERION_FIELDS)
        data = {field: "on"} if rng.random() < 0.5 else {}
        headers = {"HX-Request": "true", "HX-Trigger-Name": field, "X-CSRFToken": token}
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                f"/candidates/{code}/checklist/",
                urlencode(data),
                content_type="application/x-www-form-urlencoded",
                headers=headers,
            )
        assert response.status_code == 200, response.status_code
        # Queries, not transaction control: the tick's BEGIN IMMEDIATE / COMMIT (SQLite
        # logs them, PostgreSQL does not) frame its two statements.
        statements = [q["sql"] for q in queries.captured_queries]
        counted = [sql for sql in statements if not sql.startswith(TRANSACTION_CONTROL)]
        (first_ticks if code in new else counts).append(len(counted))
        sizes.append(len(response.content))
    return {
        "toggle_queries": max(counts),
        "toggle_queries_first_tick": max(first_ticks, default=None),
        "toggle_bytes": max(sizes),
    }


def analyze() -> None:
    """What autovacuum does on a PostgreSQL server in production, and a database filled a
    moment ago lacks: statistics for the planner, and the visibility map that lets a count
    read an index alone. (SQLite keeps no statistics unless asked, and Django never asks.)"""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


@contextmanager
def paused(process: subprocess.Popen):
    """Stop a background process while something is timed, then let it go on."""
    running = process.poll() is None
    if running:
        process.send_signal(signal.SIGSTOP)
    try:
        yield
    finally:
        if running:
            process.send_signal(signal.SIGCONT)


def time_reminders(today, runs: int = 2) -> tuple[float, str]:
    """The job's best wall time over `runs` runs, each sending the same reminders again."""
    from io import StringIO

    from django.core.management import call_command

    times = []
    for _ in range(runs):
        out = StringIO()
        start = time.perf_counter()
        call_command("send_review_reminders", stdout=out)
        times.append(time.perf_counter() - start)
        reset_todays_reminders(today)
    return min(times), out.getvalue().strip()


def reset_todays_reminders(today) -> None:
    """Forget the reminders just sent so the next run has the same work to do."""
    from pilots.models import JobHeartbeat, Reminder

    Reminder.objects.filter(review_date=today).delete()
    JobHeartbeat.objects.all().delete()


# --- HTTP: wrk and the first page load -----------------------------------------------------


def wrk(port: int, mode: str, seconds: int, connections: int, env: dict[str, str]) -> dict:
    command = [
        "wrk",
        "--threads",
        "1",
        "--connections",
        str(connections),
        "--duration",
        f"{seconds}s",
        "--timeout",
        "10s",
        "--script",
        str(HERE / "wrk.lua"),
        f"http://127.0.0.1:{port}",
    ]
    result = subprocess.run(
        command,
        env={**os.environ, **env, "BENCH_MODE": mode},
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("BENCH_JSON "))
    data = json.loads(line.removeprefix("BENCH_JSON "))
    if data["status_errors"] or data["socket_errors"]:
        raise RuntimeError(f"wrk {mode}: errors {data}\n{result.stdout}")
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    return data


def first_load(port: int, cookie: str) -> tuple[int, dict[str, int]]:
    """HTML + CSS + JS of the dashboard with a cold cache, as served (whitenoise's gzip/br):
    the bytes received for each, headers included."""
    accept = {"Accept-Encoding": "gzip, deflate, br"}
    status, _, html, size = common.http_get(port, "/dashboard/", {"Cookie": cookie, **accept})
    assert status == 200, status
    files = {"/dashboard/": size}
    text = html.decode()
    assets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', text)
    assets += re.findall(r'<script[^>]* src="([^"]+)"', text)
    for url in assets:
        status, _, _, size = common.http_get(port, url, accept)
        assert status == 200, (url, status)
        files[url] = size
    return sum(files.values()), files


# --- the run --------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=3, help="seconds per view and round")
    parser.add_argument("--rounds", type=int, default=12, help="wrk rounds (turns per view)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent clients")
    parser.add_argument("--output", type=Path, default=HERE / "results.json")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        log("wrk is needed: apt-get install wrk (Debian/Ubuntu) or brew install wrk")
        return 2

    # Ctrl-C or a kill still stops gunicorn and drops the throwaway database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="semaforo-bench-"))
    try:
        with throwaway_database(tmp) as database_url:
            env = production_env(tmp, database_url)
            os.environ.update(env)
            results = run(args, tmp, env)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    results["bench_seconds"] = round(time.perf_counter() - started, 1)
    # results.json stays flat (numbers and strings); lists and maps go beside it.
    details = {k: v for k, v in results.items() if isinstance(v, list | dict)}
    flat = {k: v for k, v in results.items() if k not in details}
    for row in results.get("optimisations", []):
        flat[f"{row['key']}_before"], flat[f"{row['key']}_after"] = row["before"], row["after"]
    args.output.write_text(json.dumps(flat, indent=2) + "\n")
    details_path = args.output.with_name(args.output.stem + "-details.json")
    details_path.write_text(json.dumps(details, indent=2) + "\n")
    missed = print_table(results)
    log(f"wrote {args.output} in {results['bench_seconds']}s")
    return 1 if missed and os.environ.get("BENCH_STRICT") else 0


def run(args, tmp: Path, env: dict[str, str]) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from benchmarks import ablations, seed

    # collectstatic (gzip + brotli of ~23 MB) runs while the data goes in, and is paused
    # (SIGSTOP) whenever something is being timed.
    collect = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    try:
        with step("migrate"):
            call_command("migrate", "--noinput", verbosity=0)
            call_command("createcachetable", verbosity=0)
        rng = random.Random(20261125)
        today = timezone.now().date()
        results: dict = {"machine": machine(), "database": connection.vendor}

        workspaces = None
        for pilots, added, due, what in (
            (10_000, 10, 1, "1,000 workspaces × 10 pilots (1,000 due)"),
            (100_000, 90, 0, "+ 90 pilots per workspace (none due)"),
        ):
            with step(f"reminders: {what}"):
                if workspaces is None:
                    workspaces = seed.seed_reminder_workspaces()
                seed.add_reminder_pilots(rng, today, workspaces, per_workspace=added, due=due)
                analyze()
            with step(f"send_review_reminders at {pilots:,} pilots"), paused(collect):
                seconds, summary = time_reminders(today)
                results[f"reminders_s_{pilots}"] = round(seconds, 3)
                results[f"reminders_summary_{pilots}"] = summary

        with step("web data: 10 and 10,000 candidates"):
            web = seed.seed_web(rng, today)
            analyze()
        large = web["large"]
        with step("in-process: queries and median times"), paused(collect):
            results.update(toggle_in_process(signed_in_client(large.owner), large.candidate_codes))
            clients = {
                "10": signed_in_client(web["small"].owner),
                "10000": signed_in_client(large.owner),
            }
            for name, url in (("dashboard", "/dashboard/"), ("list", "/candidates/")):
                for key, page in timed_pages(clients, url).items():
                    results[f"{name}_ms_{key}"] = round(page["ms"], 2)
                    results[f"{name}_queries_{key}"] = page["queries"]
        with step("optimisations: each undone, then as shipped"), paused(collect):
            results["optimisations"] = ablations.measure(
                clients["10000"],
                lambda client, url: timed_pages({"one": client}, url)["one"]["ms"],
                lambda: time_reminders(today)[0],
                large.candidate_codes,
            )

        with step("collectstatic (the rest of it)"):
            if collect.wait() != 0:
                raise RuntimeError("collectstatic failed")
        connection.close()  # gunicorn's workers open their own

        client = signed_in_client(large.owner)
        session = client.cookies["sessionid"].value
        codes_file = tmp / "codes.txt"
        codes_file.write_text("\n".join(large.candidate_codes[:2000]) + "\n")
        port = common.free_port()
        # The project's gunicorn.conf.py applies, but for the workers, bind and control socket.
        flags = ["--workers", "2", "--bind", f"127.0.0.1:{port}", "--no-control-socket"]
        with common.gunicorn(["semaforo.wsgi", *flags], env, port, tmp / "gunicorn.log"):
            status, headers, body, _ = common.http_get(
                port, f"/candidates/{large.candidate_codes[0]}/", {"Cookie": f"sessionid={session}"}
            )
            assert status == 200, status
            csrf_cookie = next(
                c.split(";")[0] for c in headers.get_all("Set-Cookie") if c.startswith("csrftoken=")
            )
            token = re.search(rb'"X-CSRFToken": "([^"]+)"', body).group(1).decode()
            cookie = f"sessionid={session}; {csrf_cookie}"
            wrk_env = {
                "BENCH_COOKIE": cookie,
                "BENCH_CSRF": token,
                "BENCH_CODES": str(codes_file),
                "BENCH_WORKSPACE": large.workspace.code,
                "BENCH_ORIGIN": f"http://127.0.0.1:{port}",
            }
            with step("first page load"):
                results["first_load_bytes"], results["first_load_files"] = first_load(port, cookie)
            with step(f"wrk: warm-up, then {args.rounds} rounds of {args.duration}s per view"):
                for mode in ("ping", "toggle"):
                    wrk(port, mode, 3, args.connections, wrk_env)
                # Short turns, back to back and in alternating order, so that both views
                # meet the same background load (a shared machine's load drifts).
                rounds = [
                    {
                        m: wrk(port, m, args.duration, args.connections, wrk_env)
                        for m in (("ping", "toggle") if n % 2 == 0 else ("toggle", "ping"))
                    }
                    for n in range(args.rounds)
                ]
    finally:
        if collect.poll() is None:  # the run failed early
            collect.send_signal(signal.SIGCONT)
            collect.kill()
    ping, toggle = (summarise([r[mode] for r in rounds]) for mode in ("ping", "toggle"))
    results.update(
        {
            "toggle_rps": round(toggle["rps"], 1),
            "minimal_rps": round(ping["rps"], 1),
            "toggle_vs_minimal_ratio": round(toggle["rps"] / ping["rps"], 3),
            "toggle_p50_ms": round(toggle["p50_us"] / 1000, 2),
            "toggle_p95_ms": round(toggle["p95_us"] / 1000, 2),
            "toggle_p99_ms": round(toggle["p99_us"] / 1000, 2),
            "minimal_p50_ms": round(ping["p50_us"] / 1000, 2),
            "minimal_p95_ms": round(ping["p95_us"] / 1000, 2),
            "toggle_wire_bytes": round(toggle["bytes"] / toggle["requests"]),
            "connections": args.connections,
            "wrk_rounds": [
                {
                    "minimal_rps": round(r["ping"]["rps"], 1),
                    "toggle_rps": round(r["toggle"]["rps"], 1),
                }
                for r in rounds
            ],
            "gunicorn_config": "gunicorn.conf.py"
            if (ROOT / "gunicorn.conf.py").exists()
            else "command line only",
            "when": datetime.now().astimezone().isoformat(timespec="seconds"),
        }
    )
    return results


def summarise(runs: list[dict]) -> dict:
    """All turns of one view together: requests over time, and each latency percentile's
    median across turns."""
    seconds = sum(r["duration_us"] for r in runs) / 1e6
    summary = {
        "rps": sum(r["requests"] for r in runs) / seconds,
        "requests": sum(r["requests"] for r in runs),
        "bytes": sum(r["bytes"] for r in runs),
    }
    for key in ("p50_us", "p95_us", "p99_us"):
        summary[key] = statistics.median(r[key] for r in runs)
    return summary


def print_table(r: dict) -> list[str]:
    def ratio(a, b):
        return r[a] / r[b] if r[b] else float("inf")

    rows = [
        ("checklist toggle throughput", f"{r['toggle_rps']:.0f} req/s", None, None),
        ("minimal signed-in view", f"{r['minimal_rps']:.0f} req/s", None, None),
        (
            "toggle ÷ minimal throughput",
            f"{r['toggle_vs_minimal_ratio']:.2f}",
            "≥ 0.6",
            "toggle_vs_minimal_ratio",
        ),
        (
            "toggle latency p50 / p95 / p99",
            f"{r['toggle_p50_ms']:.1f} / {r['toggle_p95_ms']:.1f} / {r['toggle_p99_ms']:.1f} ms",
            None,
            None,
        ),
        (
            "toggle p95 ÷ minimal p95",
            f"{r['toggle_p95_ms']:.1f} ÷ {r['minimal_p95_ms']:.1f} ms = "
            f"{ratio('toggle_p95_ms', 'minimal_p95_ms'):.2f}",
            "≤ 3",
            ("toggle_p95_vs_minimal", ratio("toggle_p95_ms", "minimal_p95_ms")),
        ),
        ("toggle response", f"{r['toggle_bytes']} B", "≤ 3 KB", "toggle_bytes"),
        (
            "toggle SQL queries",
            f"{r['toggle_queries']} ({r['toggle_queries_first_tick']} on a new candidate's first)",
            "≤ 6",
            ("toggle_queries", max(r["toggle_queries"], r["toggle_queries_first_tick"] or 0)),
        ),
        (
            "dashboard 10 → 10,000 candidates",
            f"{r['dashboard_ms_10']:.1f} → {r['dashboard_ms_10000']:.1f} ms "
            f"({r['dashboard_queries_10']} → {r['dashboard_queries_10000']} queries)",
            "≤ 1.5×",
            ("dashboard_ratio", ratio("dashboard_ms_10000", "dashboard_ms_10")),
        ),
        (
            "candidate list 10 → 10,000",
            f"{r['list_ms_10']:.1f} → {r['list_ms_10000']:.1f} ms "
            f"({r['list_queries_10']} → {r['list_queries_10000']} queries)",
            "≤ 1.5×",
            ("list_ratio", ratio("list_ms_10000", "list_ms_10")),
        ),
        (
            "reminder job 10,000 → 100,000 pilots",
            f"{r['reminders_s_10000']:.2f} → {r['reminders_s_100000']:.2f} s",
            "≤ 1.5×",
            ("reminders_ratio", ratio("reminders_s_100000", "reminders_s_10000")),
        ),
        (
            "first page load (HTML+CSS+JS)",
            f"{r['first_load_bytes'] / 1024:.1f} KB",
            "≤ 80 KB",
            "first_load_bytes",
        ),
    ]
    missed = []
    lines = [
        f"Semáforo benchmark · {r['machine']} · {r['database']} · {r['when']}",
        "",
        "| measure | result | target | |",
        "|---|---|---|---|",
    ]
    for label, value, target, check in rows:
        mark = ""
        if check is not None:
            key, measured = (check, r[check]) if isinstance(check, str) else check
            op, limit = TARGETS[key]
            ok = measured >= limit if op == ">=" else measured <= limit
            mark = "ok" if ok else "MISSED"
            if not ok:
                missed.append(key)
        lines.append(f"| {label} | {value} | {target or ''} | {mark} |")
    if r.get("optimisations"):
        from benchmarks import ablations

        lines += ["", "What each optimisation buys (undone, then as shipped, same run):", ""]
        lines.append(ablations.table(r["optimisations"]))
    print("\n".join(lines))
    return missed


if __name__ == "__main__":
    sys.exit(main())
