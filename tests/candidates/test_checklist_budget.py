"""The live checklist's budget per tick, as `make bench` measures it (benchmarks/run.py):
at most 6 SQL queries (BEGIN/COMMIT/SAVEPOINT are not queries) and 3 KB of response. Query
counts and sizes, never timings."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates.criteria import CRITERIA
from tests.conftest import make_candidate

pytestmark = pytest.mark.django_db

MAX_QUERIES = 6
MAX_BYTES = 3 * 1024


@pytest.fixture
def browser(owner) -> Client:
    """A signed-in browser with CSRF checks on, as htmx posts from the candidate page."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _tick(browser: Client, candidate, ticked: int):
    """The request htmx sends when a box changes: that box alone (hx-params), named in
    HX-Trigger-Name. `ticked` is the box's number (1–8), ticked."""
    token = browser.cookies["csrftoken"].value
    field = CRITERIA[ticked - 1].field
    data = {field: "on", "workspace": candidate.workspace.code}
    with CaptureQueriesContext(connection) as queries:
        response = browser.post(
            reverse("candidates:checklist", args=[candidate.code]),
            urlencode(data),
            content_type="application/x-www-form-urlencoded",
            headers={
                "HX-Request": "true",
                "HX-Target": "light",
                "HX-Trigger-Name": field,
                "X-CSRFToken": token,
            },
        )
    assert response.status_code == 200
    # Queries, not the transaction control around the tick's two statements.
    control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")
    counted = [q for q in queries.captured_queries if not q["sql"].startswith(control)]
    return response, len(counted)


def test_a_tick_stays_within_six_queries_and_three_kilobytes(browser, workspace):
    candidate = make_candidate(workspace, "Spa Serena", ticks=2, status="evaluated")
    browser.get(reverse("candidates:detail", args=[candidate.code]))  # the page, its cookie
    for ticked in (3, 4, 5):
        response, queries = _tick(browser, candidate, ticked)
        assert queries <= MAX_QUERIES
        assert len(response.content) <= MAX_BYTES
    assert "5/8" in response.content.decode()


def test_the_first_tick_of_a_new_candidate_stays_within_budget_too(browser, workspace):
    # It also moves the candidate from "new" to "evaluated": one more query, still in budget.
    candidate = make_candidate(workspace, "Yoga Prana")
    browser.get(reverse("candidates:detail", args=[candidate.code]))
    response, queries = _tick(browser, candidate, 1)
    assert queries <= MAX_QUERIES
    assert len(response.content) <= MAX_BYTES


def test_the_answer_is_the_light_alone(browser, workspace):
    candidate = make_candidate(workspace, "Café Sol", ticks=5, status="evaluated")
    browser.get(reverse("candidates:detail", args=[candidate.code]))
    response, _queries = _tick(browser, candidate, 6)
    body = response.content.decode()
    assert 'data-colour="green"' in body
    assert "<form" not in body and "<html" not in body and "checkbox" not in body
