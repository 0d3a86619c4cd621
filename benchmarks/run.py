#!/usr/bin/env python
"""`make bench`: how fast the live checklist is next to the cheapest signed-in Django view,
whether the dashboard, the candidate list and the reminder job cost with the work rather than
the data, and what each optimisation buys. Prints the tables and writes benchmarks/results.json.
Not a test: timings vary by machine; the targets are ratios measured in the same run.

Steps: a throwaway database (common.py) → migrate, collectstatic in the background (paused
while anything is timed) → the reminder job at 10,000 then 100,000 pilots, 1,000 due both
times (seed.py) → the web data set → in-process query counts and timings (django.test.Client)
→ each optimisation undone, then as shipped → gunicorn on loopback (2 workers, DEBUG=false):
the first page load as served, and wrk (wrk.lua) on the tick and the minimal view in turns.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
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
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks import common  # noqa: E402 (after the path)

# What each optimisation buys: key → (the optimisation, what it is measured on, unit).
OPTIMISATIONS = {
    "evaluation_indexes_dashboard_ms": (
        "current evaluations indexed by workspace and colour / score",
        "dashboard at 10,000 candidates",
        "ms",
    ),
    "activity_indexes_dashboard_ms": (
        "recent activity indexed by workspace, newest first",
        "dashboard at 10,000 candidates",
        "ms",
    ),
    "list_index_list_ms": (
        "candidate list index in the list's order (partial: active candidates), or none",
        "candidate list at 10,000 candidates",
        "ms",
    ),
    "pilot_indexes_reminders_s": (
        "partial indexes on active pilots by review date",
        "send_review_reminders at 100,000 pilots",
        "s",
    ),
    "toggle_one_control_tick_ms": (
        "toggle: the one control that changed, one UPDATE with the score (was: whole form)",
        "one tick, in-process",
        "ms",
    ),
    "gzip_dashboard_html_bytes": ("HTML gzipped (GZipMiddleware)", "dashboard HTML", "bytes"),
}
TIMED_RUNS = 40
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@contextmanager
def step(name: str):
    start = time.perf_counter()
    log(f"{name}…")
    yield
    log(f"{name}: {time.perf_counter() - start:.1f}s")


@contextmanager
def paused(process: subprocess.Popen):
    """A background process stopped while something is timed."""
    running = process.poll() is None
    if running:
        process.send_signal(signal.SIGSTOP)
    try:
        yield
    finally:
        if running:
            process.send_signal(signal.SIGCONT)


def machine() -> str:
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [x for x in cpuinfo.read_text().splitlines() if x.startswith("model name")]
        model = names[0].split(":", 1)[1].strip() if names else model
    return f"{model}, {os.cpu_count()} cores"


# --- in-process measurements ---------------------------------------------------------------


def signed_in_client(user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def timed_pages(clients: dict, url: str) -> dict:
    """For each client: the page's median milliseconds over TIMED_RUNS, and its query count.
    The clients take turns, request by request, so that all meet the same background load."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    found = {}
    for key, client in clients.items():
        for _ in range(3):  # warm up: templates, translations, the session's workspace
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        found[key] = {"queries": len(queries), "ms": []}
    for _ in range(TIMED_RUNS):
        for key, client in clients.items():
            start = time.perf_counter()
            client.get(url)
            found[key]["ms"].append((time.perf_counter() - start) * 1000)
    return {key: {**page, "ms": statistics.median(page["ms"])} for key, page in found.items()}


def post_tick(client, code: str, data: dict, headers: dict):
    response = client.post(
        f"/candidates/{code}/checklist/",
        urlencode(data),
        content_type="application/x-www-form-urlencoded",
        headers={"HX-Request": "true", "X-CSRFToken": client.cookies["csrftoken"].value, **headers},
    )
    assert response.status_code == 200, response.status_code
    return response


def toggle_in_process(client, codes: list[str]) -> dict:
    """Queries and bytes of the htmx POST of a tick as the page sends it (the box alone,
    named in HX-Trigger-Name). A new candidate's first tick (which also moves it to
    "evaluated") is reported apart. BEGIN/COMMIT around the tick are not counted."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from candidates.criteria import CRITERION_FIELDS
    from candidates.models import Candidate, Status

    rng = random.Random(7)
    client.get(f"/candidates/{codes[0]}/")  # the CSRF cookie
    new = set(
        Candidate.objects.filter(code__in=codes[:40], status=Status.NEW).values_list(
            "code", flat=True
        )
    )
    counts, first_ticks, sizes = [], [], []
    for code in codes[:40]:
        field = rng.choice(CRITERION_FIELDS)
        data = {field: "on"} if rng.random() < 0.5 else {}
        with CaptureQueriesContext(connection) as queries:
            response = post_tick(client, code, data, {"HX-Trigger-Name": field})
        sql = [q["sql"] for q in queries.captured_queries]
        counted = [s for s in sql if not s.startswith(TRANSACTION_CONTROL)]
        (first_ticks if code in new else counts).append(len(counted))
        sizes.append(len(response.content))
    return {
        "toggle_queries": max(counts),
        "toggle_queries_first_tick": max(first_ticks, default=None),
        "toggle_bytes": max(sizes),
    }


def tick_ms(client, codes: list[str], ticks: int = 400, *, whole_form: bool = False) -> float:
    """Median time of a tick in-process, after a warm-up: the one control that changed, or
    (whole_form) the whole checklist, as the page sent it before. On the last 200 candidates,
    which wrk never ticks."""
    from candidates.criteria import CRITERIA

    client.get(f"/candidates/{codes[-1]}/")  # the CSRF cookie
    times = []
    for n in range(ticks):
        criterion = CRITERIA[n % len(CRITERIA)]
        if whole_form:
            data, headers = {"csrfmiddlewaretoken": client.cookies["csrftoken"].value}, {}
            for i, each in enumerate(CRITERIA):
                if (n + i) % 3 == 0:
                    data[each.field] = "on"
                data[each.note_field] = ""
        else:
            data = {criterion.field: "on"} if n % 3 == 0 else {}
            headers = {"HX-Trigger-Name": criterion.field}
        start = time.perf_counter()
        post_tick(client, codes[-1 - n % 200], data, headers)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[20:])


def time_reminders(today, runs: int = 2) -> tuple[float, str]:
    """The job's best wall time; today's reminders are deleted after each run, so that each
    run has the same work to do."""
    from io import StringIO

    from django.core.management import call_command

    from pilots.models import JobHeartbeat, Reminder

    times = []
    for _ in range(runs):
        out = StringIO()
        start = time.perf_counter()
        call_command("send_review_reminders", stdout=out)
        times.append(time.perf_counter() - start)
        Reminder.objects.filter(review_date=today).delete()
        JobHeartbeat.objects.all().delete()
    return min(times), out.getvalue().strip()


@contextmanager
def without_indexes(names: list[str]):
    """The named indexes dropped while the block runs, then created again, with Django's
    schema editor and the models' own definitions."""
    from django.apps import apps
    from django.db import connection

    found = [(m, i) for m in apps.get_models() for i in m._meta.indexes if i.name in names]
    assert len(found) == len(names), names
    with connection.schema_editor() as editor:
        for model, index in found:
            editor.remove_index(model, index)
    common.analyze()
    try:
        yield
    finally:
        with connection.schema_editor() as editor:
            for model, index in found:
                editor.add_index(model, index)
        common.analyze()


def optimisations(client, today, codes: list[str]) -> dict[str, tuple[float, float]]:
    """key: (without the optimisation, with it), measured back to back on the same data."""

    def page_ms(url: str) -> float:
        return timed_pages({"one": client}, url)["one"]["ms"]

    def dashboard() -> float:
        return page_ms("/dashboard/")

    found = {}
    for key, indexes, measure in (
        (
            "evaluation_indexes_dashboard_ms",
            ["evaluation_current_colour_idx", "evaluation_current_score_idx"],
            dashboard,
        ),
        (
            "activity_indexes_dashboard_ms",
            ["result_recent_idx", "coordination_recent_idx", "review_recent_idx"],
            dashboard,
        ),
        ("list_index_list_ms", ["candidate_list_idx"], lambda: page_ms("/candidates/")),
        (
            "pilot_indexes_reminders_s",
            ["pilot_due_reminder_idx", "pilot_active_review_idx"],
            lambda: time_reminders(today)[0],
        ),
    ):
        with without_indexes(indexes):
            before = measure()
        found[key] = (before, measure())
    tick_ms(client, codes, ticks=220)  # each of these candidates past its first tick
    before = tick_ms(client, codes, whole_form=True)
    found["toggle_one_control_tick_ms"] = (before, tick_ms(client, codes))
    plain = len(client.get("/dashboard/").content)
    gzipped = len(client.get("/dashboard/", headers={"Accept-Encoding": "gzip"}).content)
    found["gzip_dashboard_html_bytes"] = (plain, gzipped)
    return found


# --- over HTTP: the first page load and wrk --------------------------------------------------


def first_load(port: int, cookie: str) -> tuple[int, dict[str, int]]:
    """The dashboard's HTML, CSS and JS with a cold cache, as served (whitenoise's gzip/br):
    the bytes received for each, headers included."""
    accept = {"Accept-Encoding": "gzip, deflate, br"}
    status, _, html, size = common.http_get(port, "/dashboard/", {"Cookie": cookie, **accept})
    assert status == 200, status
    files = {"/dashboard/": size}
    assets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html.decode())
    assets += re.findall(r'<script[^>]* src="([^"]+)"', html.decode())
    for url in assets:
        status, _, _, files[url] = common.http_get(port, url, accept)
        assert status == 200, (url, status)
    return sum(files.values()), files


def wrk(port: int, mode: str, seconds: int, connections: int, env: dict[str, str]) -> dict:
    """One turn of wrk.lua in `mode` (toggle or ping): what its done() reports."""
    command = ["wrk", "--threads", "1", "--connections", str(connections)]
    command += ["--duration", f"{seconds}s", "--timeout", "10s", "--script", str(HERE / "wrk.lua")]
    result = subprocess.run(
        [*command, f"http://127.0.0.1:{port}"],
        env={**os.environ, **env, "BENCH_MODE": mode},
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("BENCH_JSON "))
    data = json.loads(line.removeprefix("BENCH_JSON "))
    if data["status_errors"] or data["socket_errors"]:
        raise RuntimeError(f"wrk {mode}: errors {data}\n{result.stdout}")
    return {**data, "rps": data["requests"] / (data["duration_us"] / 1e6)}


def summarise(turns: list[dict]) -> dict:
    """All turns of one view: requests over time, and each percentile's median across turns."""
    summary = {
        "rps": sum(t["requests"] for t in turns) / (sum(t["duration_us"] for t in turns) / 1e6),
        "requests": sum(t["requests"] for t in turns),
        "bytes": sum(t["bytes"] for t in turns),
    }
    for key in ("p50_us", "p95_us", "p99_us"):
        summary[key] = statistics.median(t[key] for t in turns)
    return summary


def over_http(args, tmp: Path, env: dict[str, str], large) -> dict:
    """gunicorn with the project's gunicorn.conf.py (but 2 workers, its own port and no
    control socket): the first page load, then wrk on each view in alternating short turns,
    so that both meet the same background load (a shared machine's load drifts)."""
    session = signed_in_client(large.owner).cookies["sessionid"].value
    codes_file = tmp / "codes.txt"
    codes_file.write_text("\n".join(large.candidate_codes[:2000]) + "\n")
    port = common.free_port()
    flags = ["--workers", "2", "--bind", f"127.0.0.1:{port}", "--no-control-socket"]
    with common.gunicorn(["semaforo.wsgi", *flags], env, port, tmp / "gunicorn.log"):
        page = f"/candidates/{large.candidate_codes[0]}/"
        status, headers, body, _ = common.http_get(port, page, {"Cookie": f"sessionid={session}"})
        assert status == 200, status
        csrf = next(c.split(";")[0] for c in headers.get_all("Set-Cookie") if "csrftoken=" in c)
        cookie = f"sessionid={session}; {csrf}"
        wrk_env = {
            "BENCH_COOKIE": cookie,
            "BENCH_CSRF": re.search(rb'"X-CSRFToken": "([^"]+)"', body).group(1).decode(),
            "BENCH_CODES": str(codes_file),
            "BENCH_WORKSPACE": large.workspace.code,
            "BENCH_ORIGIN": f"http://127.0.0.1:{port}",
        }
        with step("first page load"):
            first_load_bytes, first_load_files = first_load(port, cookie)
        with step(f"wrk: warm-up, then {args.rounds} rounds of {args.duration}s per view"):
            for mode in ("ping", "toggle"):
                wrk(port, mode, 3, args.connections, wrk_env)
            rounds = []
            for n in range(args.rounds):
                order = ("ping", "toggle") if n % 2 == 0 else ("toggle", "ping")
                rounds.append(
                    {m: wrk(port, m, args.duration, args.connections, wrk_env) for m in order}
                )
    ping, toggle = (summarise([r[mode] for r in rounds]) for mode in ("ping", "toggle"))
    return {
        "first_load_bytes": first_load_bytes,
        "first_load_files": first_load_files,
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
            {"minimal_rps": round(r["ping"]["rps"], 1), "toggle_rps": round(r["toggle"]["rps"], 1)}
            for r in rounds
        ],
    }


# --- the run -------------------------------------------------------------------------------


def run(args, tmp: Path, env: dict[str, str]) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from benchmarks import seed

    # collectstatic (gzip + brotli of ~23 MB) runs while the data goes in.
    collect = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=common.ROOT,
        env={**os.environ, **env},
    )
    try:
        with step("migrate"):
            call_command("migrate", "--noinput", verbosity=0)
            call_command("createcachetable", verbosity=0)
        rng = random.Random(20261125)
        today = timezone.now().date()
        results: dict = {"machine": machine(), "database": connection.vendor}

        with step("reminders: 1,000 workspaces"):
            workspaces = seed.seed_reminder_workspaces()
        for pilots, added, due, what in (
            (10_000, 10, 1, "10 pilots per workspace (1 due)"),
            (100_000, 90, 0, "+ 90 pilots per workspace (none due)"),
        ):
            with step(f"reminders: {what}"):
                seed.add_reminder_pilots(rng, today, workspaces, per_workspace=added, due=due)
                common.analyze()
            with step(f"send_review_reminders at {pilots:,} pilots"), paused(collect):
                seconds, summary = time_reminders(today)
                results[f"reminders_s_{pilots}"] = round(seconds, 3)
                results[f"reminders_summary_{pilots}"] = summary

        with step("web data: 10 and 10,000 candidates"):
            web = seed.seed_web(rng, today)
            common.analyze()
        large = web["large"]
        with step("in-process: queries and median times"), paused(collect):
            results |= toggle_in_process(signed_in_client(large.owner), large.candidate_codes)
            clients = {
                "10": signed_in_client(web["small"].owner),
                "10000": signed_in_client(large.owner),
            }
            for name, url in (("dashboard", "/dashboard/"), ("list", "/candidates/")):
                for key, page in timed_pages(clients, url).items():
                    results[f"{name}_ms_{key}"] = round(page["ms"], 2)
                    results[f"{name}_queries_{key}"] = page["queries"]
        with step("optimisations: each undone, then as shipped"), paused(collect):
            measured = optimisations(clients["10000"], today, large.candidate_codes)
        results["optimisations"] = []
        for key, (before, after) in measured.items():
            optimisation, measure, unit = OPTIMISATIONS[key]
            results["optimisations"].append(
                {"key": key, "optimisation": optimisation, "measure": measure, "unit": unit}
                | {"before": round(before, 3), "after": round(after, 3)}
            )

        with step("collectstatic (the rest of it)"):
            if collect.wait() != 0:
                raise RuntimeError("collectstatic failed")
    finally:
        if collect.poll() is None:  # the run failed early
            collect.send_signal(signal.SIGCONT)
            collect.kill()
    connection.close()  # gunicorn's workers open their own
    results |= over_http(args, tmp, env, large)
    conf = common.ROOT / "gunicorn.conf.py"
    results["gunicorn_config"] = conf.name if conf.exists() else "command line only"
    results["when"] = datetime.now().astimezone().isoformat(timespec="seconds")
    return results


def print_table(r: dict) -> list[str]:
    """Prints the results as Markdown tables; returns the targets missed."""

    def ratio(a: str, b: str) -> float:
        return r[a] / r[b] if r[b] else float("inf")

    r = {
        **r,
        "p95_ratio": ratio("toggle_p95_ms", "minimal_p95_ms"),
        "first_load_kb": r["first_load_bytes"] / 1024,
        "first_tick": r["toggle_queries_first_tick"],
    }
    queries = max(r["toggle_queries"], r["first_tick"] or 0)
    rows = [  # measure, result (from r), target, met (None: no target)
        ("checklist toggle throughput", "{toggle_rps:.0f} req/s", "", None),
        ("minimal signed-in view", "{minimal_rps:.0f} req/s", "", None),
        (
            "toggle ÷ minimal throughput",
            "{toggle_vs_minimal_ratio:.2f}",
            "≥ 0.6",
            r["toggle_vs_minimal_ratio"] >= 0.6,
        ),
        (
            "toggle latency p50 / p95 / p99",
            "{toggle_p50_ms:.1f} / {toggle_p95_ms:.1f} / {toggle_p99_ms:.1f} ms",
            "",
            None,
        ),
        (
            "toggle p95 ÷ minimal p95",
            "{toggle_p95_ms:.1f} ÷ {minimal_p95_ms:.1f} ms = {p95_ratio:.2f}",
            "≤ 3",
            r["p95_ratio"] <= 3,
        ),
        ("toggle response", "{toggle_bytes} B", "≤ 3 KB", r["toggle_bytes"] <= 3 * 1024),
        (
            "toggle SQL queries",
            "{toggle_queries} ({first_tick} on a new candidate's first)",
            "≤ 6",
            queries <= 6,
        ),
        (
            "dashboard 10 → 10,000 candidates",
            "{dashboard_ms_10:.1f} → {dashboard_ms_10000:.1f} ms"
            " ({dashboard_queries_10} → {dashboard_queries_10000} queries)",
            "≤ 1.5×",
            ratio("dashboard_ms_10000", "dashboard_ms_10") <= 1.5,
        ),
        (
            "candidate list 10 → 10,000",
            "{list_ms_10:.1f} → {list_ms_10000:.1f} ms"
            " ({list_queries_10} → {list_queries_10000} queries)",
            "≤ 1.5×",
            ratio("list_ms_10000", "list_ms_10") <= 1.5,
        ),
        (
            "reminder job 10,000 → 100,000 pilots",
            "{reminders_s_10000:.2f} → {reminders_s_100000:.2f} s",
            "≤ 1.5×",
            ratio("reminders_s_100000", "reminders_s_10000") <= 1.5,
        ),
        (
            "first page load (HTML+CSS+JS)",
            "{first_load_kb:.1f} KB",
            "≤ 80 KB",
            r["first_load_bytes"] <= 80 * 1024,
        ),
    ]
    lines = [f"Semáforo benchmark · {r['machine']} · {r['database']} · {r['when']}", ""]
    lines += ["| measure | result | target | |", "|---|---|---|---|"]
    for label, result, target, met in rows:
        mark = "" if met is None else "ok" if met else "MISSED"
        lines.append(f"| {label} | {result.format(**r)} | {target} | {mark} |")
    lines += ["", "What each optimisation buys (undone, then as shipped, same run):", ""]
    lines += ["| optimisation | measured on | before | after |", "|---|---|---|---|"]
    for o in r["optimisations"]:
        before, after = f"{o['before']:g} {o['unit']}", f"{o['after']:g} {o['unit']}"
        lines.append(f"| {o['optimisation']} | {o['measure']} | {before} | {after} |")
    print("\n".join(lines))
    return [label for label, _, _, met in rows if met is False]


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
        with common.throwaway_database(tmp) as database_url:
            env = common.production_env(database_url, tmp / "static")
            os.environ.update(env)
            results = run(args, tmp, env)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    results["bench_seconds"] = round(time.perf_counter() - started, 1)
    # results.json stays flat (numbers and strings); lists and maps go beside it.
    details = {k: v for k, v in results.items() if isinstance(v, list | dict)}
    flat = {k: v for k, v in results.items() if k not in details}
    for o in results["optimisations"]:
        flat[f"{o['key']}_before"], flat[f"{o['key']}_after"] = o["before"], o["after"]
    args.output.write_text(json.dumps(flat, indent=2) + "\n")
    details_path = args.output.with_name(args.output.stem + "-details.json")
    details_path.write_text(json.dumps(details, indent=2) + "\n")
    missed = print_table(results)
    log(f"wrote {args.output} in {results['bench_seconds']}s")
    return 1 if missed and os.environ.get("BENCH_STRICT") else 0


if __name__ == "__main__":
    sys.exit(main())
