"""Not scored yet: a candidate whose checklist was never ticked shows a grey light (no
colour, no score, no advice) until its first tick, and is counted apart on the dashboard
and in the insights; imported rows look unscored, not rejected."""

from __future__ import annotations

import csv
import importlib
import io
import re

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidates import spreadsheets
from candidates.criteria import CRITERION_FIELDS
from candidates.models import Candidate, Evaluation
from pilots.models import Decision
from tests.conftest import make_candidate
from tests.pilots.conftest import body, make_pilot

pytestmark = pytest.mark.django_db

NOT_SCORED = "Not scored yet"
RED_ADVICE = "Don't invest energy."
FIRST, SECOND = CRITERION_FIELDS[:2]


def _detail(client, candidate) -> str:
    return body(client.get(reverse("candidates:detail", args=[candidate.code])))


def _tick(client, candidate, **answers):
    """What the page's htmx sends for one control: its name and value, and the trigger."""
    (name,) = answers
    return client.post(
        reverse("candidates:checklist", args=[candidate.code]),
        {name: answers[name]},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TRIGGER_NAME=name,
    )


def _light(page: str) -> str:
    match = re.search(r'<div [^>]*\bdata-colour="(\w+)"[^>]*>(.*?)</div>', page, re.S)
    assert match, "no light on the page"
    return match[1] + ": " + " ".join(re.sub(r"<[^>]+>", " ", match[2]).split())


def test_a_new_candidate_is_not_scored_yet_not_red(owner_client, candidate):
    light = _light(_detail(owner_client, candidate))
    assert light.startswith(f"unscored: ○ {NOT_SCORED}")
    assert "0/8" not in light and "Red" not in light and RED_ADVICE not in light
    assert "the light comes on with the first tick" in light


def test_the_first_tick_lights_it(owner_client, candidate):
    response = _tick(owner_client, candidate, **{FIRST: "on"})
    assert _light(body(response)).startswith("red: 1/8 ✖ Red")
    assert candidate.current_evaluation().is_scored()


def test_a_note_alone_does_not_score_it(owner_client, candidate):
    response = _tick(owner_client, candidate, ideal_customer_note="Mujeres de 30 a 55")
    assert _light(body(response)).startswith("unscored:")
    evaluation = candidate.current_evaluation()
    assert evaluation.ideal_customer_note == "Mujeres de 30 a 55"
    assert not evaluation.is_scored()


def test_unticking_the_last_box_is_a_deliberate_red_zero(owner_client, candidate):
    _tick(owner_client, candidate, **{FIRST: "on"})
    response = _tick(owner_client, candidate, **{FIRST: ""})
    assert _light(body(response)).startswith("red: 0/8 ✖ Red")


def test_the_whole_checklist_without_javascript_scores_it_too(owner_client, candidate):
    action = reverse("candidates:checklist", args=[candidate.code])
    owner_client.post(action, {FIRST: "on", SECOND: "on"})
    assert _light(_detail(owner_client, candidate)).startswith("red: 2/8")


def test_the_first_tick_still_costs_two_queries(candidate):
    candidate.current_evaluation()
    open_evaluation = Evaluation.objects.filter(candidate=candidate)
    with CaptureQueriesContext(connection) as queries:
        saved = open_evaluation.record_answers({FIRST: True})
    control = ("SAVEPOINT", "RELEASE SAVEPOINT")  # the transaction, not queries
    sql = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(control)]
    assert len(sql) == 2, sql  # read the open evaluation (locked), write the answer
    assert saved.is_scored() and saved.score == 1
    assert Evaluation.objects.get(candidate=candidate).is_scored()


def test_an_evaluation_with_ticks_cannot_be_left_unscored(candidate):
    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.filter(candidate=candidate).update(score=3, scored_at=None)


def test_a_reevaluation_keeps_whether_it_was_scored(workspace):
    scored = make_candidate(workspace, "Scored", ticks=2)
    evaluation = scored.current_evaluation()
    for field in CRITERION_FIELDS[:2]:
        setattr(evaluation, field, False)
    evaluation.rescore()
    evaluation.save()
    assert evaluation.reevaluate().light() == "red"  # a scored 0/8 stays a red
    untouched = make_candidate(workspace, "Untouched")
    assert untouched.current_evaluation().reevaluate().light() == "unscored"


def test_the_history_shows_an_untouched_evaluation_as_not_scored(owner_client, candidate):
    candidate.current_evaluation().reevaluate()
    history = _detail(owner_client, candidate).split("History", 1)[1]
    assert NOT_SCORED in history and "Red" not in history


# --- the list, the dashboard, the insights ------------------------------------------------


def _names(response) -> list[str]:
    return re.findall(r'<td><a href="/candidates/[^/"]+/">([^<]*)</a>', response.content.decode())


def test_the_list_shows_it_grey_and_filters_it_apart(owner_client, workspace):
    make_candidate(workspace, "Untouched")
    make_candidate(workspace, "Red one", ticks=1)
    url = reverse("candidates:list")
    page = body(owner_client.get(url))
    badge = '<span class="badge badge-colour badge-unscored"><span aria-hidden="true">○</span>'
    assert f"{badge} {NOT_SCORED}</span>" in page
    assert _names(owner_client.get(url, {"colour": "unscored"})) == ["Untouched"]
    assert _names(owner_client.get(url, {"colour": "red"})) == ["Red one"]
    assert f'<option value="unscored">{NOT_SCORED}</option>' in page


def _dashboard_counts(client) -> dict[str, str]:
    page = body(client.get(reverse("dashboard:home")))
    return dict(re.findall(r'href="/candidates/\?colour=(\w+)">.*?: (\d+)</a>', page, flags=re.S))


def test_the_dashboard_counts_them_apart(owner_client, workspace):
    make_candidate(workspace, "Untouched 1")
    make_candidate(workspace, "Untouched 2")
    archived = make_candidate(workspace, "Untouched, archived")
    archived.archived_at = timezone.now()
    archived.save()
    make_candidate(workspace, "Red one", ticks=1)
    make_candidate(workspace, "Green one", ticks=7)
    counts = _dashboard_counts(owner_client)
    assert counts == {"green": "1", "yellow": "0", "red": "1", "unscored": "2"}


def test_the_dashboard_says_nothing_of_them_when_there_are_none(owner_client, workspace):
    make_candidate(workspace, "Red one", ticks=1)
    assert "unscored" not in _dashboard_counts(owner_client)


def test_the_insights_count_a_pilot_started_unscored_apart(owner_client, workspace, owner):
    for name, ticks in [("Never scored", 0), ("Red", 1)]:
        pilot = make_pilot(make_candidate(workspace, name, ticks=ticks), owner)
        pilot.record_review(owner, {"decision": Decision.STOP_DISCARD})
    page = body(owner_client.get(reverse("dashboard:insights")))
    unscored = re.search(r'<tr data-colour="unscored">(.*?)</tr>', page, re.S)
    red = re.search(r'<tr data-colour="red">(.*?)</tr>', page, re.S)
    finished = r"<td[^>]*>(\d+)</td>"  # the first figure: finished pilots
    assert unscored and NOT_SCORED in unscored[1] and re.search(finished, unscored[1])[1] == "1"
    assert red and re.search(finished, red[1])[1] == "1"  # only the one that was scored red
    assert "1 finished pilot has no checklist from its start" in page  # not compared


# --- imported rows and existing data ----------------------------------------------------


def test_imported_rows_without_ticks_are_not_scored_and_with_ticks_are(workspace):
    rows = "Name;Compatible ideal customer\nUntouched;\nTicked;yes\nSaid no;no\n"
    result = spreadsheets.preview(rows.encode())
    assert result.ok, result.problems or [r.errors for r in result.rows]
    spreadsheets.import_all(workspace, result)
    lights = {c.name: c.current_evaluation().light() for c in Candidate.objects.all()}
    assert lights == {"Untouched": "unscored", "Ticked": "red", "Said no": "unscored"}


def test_the_migration_scores_what_was_kept_in_the_history(workspace):
    """(A ticked evaluation is scored by the same UPDATE; the constraint added after it
    keeps one from being anything else.)"""
    ticked = make_candidate(workspace, "Ticked", ticks=3)
    frozen_zero = make_candidate(workspace, "Frozen at zero")
    frozen_zero.current_evaluation().reevaluate()
    untouched = make_candidate(workspace, "Untouched")
    migration = importlib.import_module("candidates.migrations.0005_unscored_and_search_name")
    migration.mark_scored(apps, None)
    assert ticked.current_evaluation().is_scored()
    assert Evaluation.objects.get(candidate=frozen_zero, frozen_at__isnull=False).is_scored()
    assert not frozen_zero.current_evaluation().is_scored()
    assert not untouched.current_evaluation().is_scored()


def test_the_export_says_not_scored_yet_with_no_score(owner_client, workspace):
    make_candidate(workspace, "Untouched")
    text = owner_client.get(reverse("candidates:export")).content.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text, newline="")))
    by_column = dict(zip(header, row, strict=True))
    assert (by_column["Score"], by_column["Colour"]) == ("", NOT_SCORED)
