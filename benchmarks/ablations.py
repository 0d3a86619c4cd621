"""What each optimisation buys, for `make bench`: undone, measured; put back, measured again,
in the same run on the same data. Printed as a second table, kept in results-details.json under
"optimisations" (before = without it, after = as shipped), and flat in results.json as
`<key>_before` and `<key>_after` (the key names the measure and its unit).

Indexes are dropped and created again with Django's schema editor (the migrations' own
definitions); the toggle is measured with the request it had before (the whole checklist).
"""

from __future__ import annotations

import statistics
import time
from contextlib import contextmanager

CALLS = 400  # ticks per measurement


@contextmanager
def without_indexes(model, *names: str):
    """The model's named indexes dropped while the block runs, then created again (with
    fresh planner statistics both ways, as in the rest of the run)."""
    from django.db import connection

    from benchmarks.run import analyze

    indexes = [index for index in model._meta.indexes if index.name in names]
    assert len(indexes) == len(names), names
    removed = []
    try:
        with connection.schema_editor() as editor:
            for index in indexes:
                editor.remove_index(model, index)
                removed.append(index)
        analyze()
        yield
    finally:
        with connection.schema_editor() as editor:
            for index in removed:
                editor.add_index(model, index)
        analyze()


def _tick_ms(client, codes: list[str], ticks: int = CALLS, *, whole_form: bool = False) -> float:
    """Median time of the htmx POST of a tick, in-process (django.test.Client): the one
    control that changed, as the page sends it, or (`whole_form`) the whole checklist, as
    it was sent before a tick was saved field by field."""
    from urllib.parse import urlencode

    from candidates.criteria import CRITERIA

    client.get(f"/candidates/{codes[-1]}/")
    token = client.cookies["csrftoken"].value
    times = []
    for n in range(ticks):
        criterion = CRITERIA[n % len(CRITERIA)]
        headers = {"HX-Request": "true", "X-CSRFToken": token}
        if whole_form:
            data = {"csrfmiddlewaretoken": token}
            for i, each in enumerate(CRITERIA):
                if (n + i) % 3 == 0:
                    data[each.field] = "on"
                data[each.note_field] = ""
        else:
            data = {criterion.field: "on"} if n % 3 == 0 else {}
            headers["HX-Trigger-Name"] = criterion.field
        start = time.perf_counter()
        response = client.post(
            f"/candidates/{codes[-1 - n % 200]}/checklist/",  # none that wrk ticks
            urlencode(data),
            content_type="application/x-www-form-urlencoded",
            headers=headers,
        )
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(times[20:])  # after a warm-up


def measure(client, page_ms, reminders_s, codes: list[str]) -> list[dict]:
    """client: the large workspace's owner; page_ms(client, url) and reminders_s() time a
    page and the reminder job the way the rest of the benchmark does."""
    from candidates.models import Candidate, Evaluation
    from pilots.models import CoordinationEntry, Pilot, ResultEntry, Review

    rows = []

    def row(key, optimisation: str, measure: str, unit: str, before: float, after: float):
        rows.append(
            {
                "key": key,
                "optimisation": optimisation,
                "measure": measure,
                "unit": unit,
                "before": round(before, 3),
                "after": round(after, 3),
            }
        )

    def dashboard() -> float:
        return page_ms(client, "/dashboard/")

    with without_indexes(
        Evaluation, "evaluation_current_colour_idx", "evaluation_current_score_idx"
    ):
        before = dashboard()
    row(
        "evaluation_indexes_dashboard_ms",
        "current evaluations indexed by workspace and colour / score",
        "dashboard at 10,000 candidates",
        "ms",
        before,
        dashboard(),
    )

    with (
        without_indexes(ResultEntry, "result_recent_idx"),
        without_indexes(CoordinationEntry, "coordination_recent_idx"),
        without_indexes(Review, "review_recent_idx"),
    ):
        before = dashboard()
    row(
        "activity_indexes_dashboard_ms",
        "recent activity indexed by workspace, newest first",
        "dashboard at 10,000 candidates",
        "ms",
        before,
        dashboard(),
    )

    with without_indexes(Candidate, "candidate_list_idx"):
        before = page_ms(client, "/candidates/")
    row(
        "list_index_list_ms",
        "candidate list index in the list's order (partial: active candidates), or none",
        "candidate list at 10,000 candidates",
        "ms",
        before,
        page_ms(client, "/candidates/"),
    )

    with without_indexes(Pilot, "pilot_due_reminder_idx", "pilot_active_review_idx"):
        before = reminders_s()
    row(
        "pilot_indexes_reminders_s",
        "partial indexes on active pilots by review date",
        "send_review_reminders at 100,000 pilots",
        "s",
        before,
        reminders_s(),
    )

    # The toggle: the whole checklist sent and compared with what is stored (as before),
    # then the one control that changed, written by one UPDATE with its score.
    _tick_ms(client, codes, ticks=220)  # each of these candidates past its first tick
    before = _tick_ms(client, codes, whole_form=True)
    row(
        "toggle_one_control_tick_ms",
        "toggle: the one control that changed, one UPDATE with the score (was: whole form)",
        "one tick, in-process",
        "ms",
        before,
        _tick_ms(client, codes),
    )

    # The dashboard's HTML as it leaves the server, without and with GZipMiddleware.
    plain = len(client.get("/dashboard/").content)
    gzipped = len(client.get("/dashboard/", headers={"Accept-Encoding": "gzip"}).content)
    row(
        "gzip_dashboard_html_bytes",
        "HTML gzipped (GZipMiddleware)",
        "dashboard HTML",
        "bytes",
        plain,
        gzipped,
    )
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| optimisation | measured on | before | after |", "|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r['optimisation']} | {r['measure']} | {r['before']:g} {r['unit']} "
            f"| {r['after']:g} {r['unit']} |"
        )
    return "\n".join(lines)
