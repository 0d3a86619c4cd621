"""What works for us, after green: of the pilots promoted, how many alliances were still active
3 and 6 months after they started, by the light at the pilot's start."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliances.models import Alliance, State, add_months
from candidates.criteria import CRITERION_FIELDS
from pilots.models import Decision, Pilot
from tests.alliances.conftest import complete
from tests.pilots.conftest import TODAY
from tests.pilots.test_insights import finished_pilot

pytestmark = pytest.mark.django_db

URL = reverse("dashboard:insights")
GREEN, YELLOW, RED = CRITERION_FIELDS[:6], CRITERION_FIELDS[:4], CRITERION_FIELDS[:2]


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def _alliance_of(pilot: Pilot, owner, started: date, ended: date | None = None) -> Alliance:
    """The promoted pilot's alliance, active since `started` (and ended on `ended`)."""
    alliance = complete(Alliance.objects.design_for(pilot.candidate, owner, pilot))
    assert alliance.activate(owner, started)
    changes = {"activated_at": _noon(started)}
    if ended is not None:
        changes |= {"state": State.ENDED, "ended_at": _noon(ended)}
    Alliance.objects.filter(pk=alliance.pk).update(**changes)
    return alliance


def _promoted(workspace, owner, name: str, ticks) -> Pilot:
    pilot = finished_pilot(workspace, owner, name, ticks, Decision.PROMOTE)
    pilot.refresh_from_db()
    return pilot


def _months_ago(months: int) -> date:
    return add_months(TODAY, -months)


@pytest.fixture
def known(workspace, owner, outsider):
    """Green: 4 promoted, 3 became active (7, 7 and 4 months ago; one of the 7 ended after 4
    months). Yellow: 3 promoted, 2 active (6 months ago to the day; 5 months ago, ended after
    2). Red: stopped, none promoted. Another workspace: not counted."""
    _alliance_of(_promoted(workspace, owner, "G1", GREEN), owner, _months_ago(7))
    g2 = _promoted(workspace, owner, "G2", GREEN)
    _alliance_of(g2, owner, _months_ago(7), ended=_months_ago(3))
    # Designed again after it ended: the pilot's first alliance is the one that counts.
    _alliance_of(g2, owner, _months_ago(1))
    _alliance_of(_promoted(workspace, owner, "G3", GREEN), owner, _months_ago(4))
    g4 = _promoted(workspace, owner, "G4", GREEN)
    Alliance.objects.design_for(g4.candidate, owner, g4)  # still in design
    _alliance_of(_promoted(workspace, owner, "Y1", YELLOW), owner, _months_ago(6))
    y2 = _promoted(workspace, owner, "Y2", YELLOW)
    _alliance_of(y2, owner, _months_ago(5), ended=_months_ago(3))
    _promoted(workspace, owner, "Y3", YELLOW)  # no alliance designed
    finished_pilot(workspace, owner, "Y4", YELLOW, Decision.STOP_DISCARD)
    finished_pilot(workspace, owner, "R1", RED, Decision.STOP_DISCARD)
    other = outsider.workspaces().get()
    _alliance_of(_promoted(other, outsider, "Elsewhere", GREEN), outsider, _months_ago(8))


def _page(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def _row(page: str, colour: str) -> list[str]:
    match = re.search(rf'<tr data-lasting="{colour}">(.*?)</tr>', page, re.DOTALL)
    assert match, f"no row for {colour}"
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match[1], re.DOTALL)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells]


def test_it_counts_the_alliances_still_active_after_3_and_6_months_by_light(owner_client, known):
    page = _page(owner_client)
    assert "Alliances that last" in page
    # light, promoted, became active, active after 3 months, active after 6 months
    assert _row(page, "green") == [
        "✔ Green",
        "4",
        "3",
        "3 of 3 (too few to tell)",
        "1 of 2 (too few to tell)",
    ]
    assert _row(page, "yellow") == [
        "! Yellow",
        "3",
        "2",
        "1 of 2 (too few to tell)",
        "1 of 1 (too few to tell)",
    ]
    assert 'data-lasting="red"' not in page  # no red pilot was promoted


def test_an_alliance_not_that_old_yet_shows_a_dash(owner_client, workspace, owner):
    _alliance_of(_promoted(workspace, owner, "Reciente", GREEN), owner, _months_ago(2))
    assert _row(_page(owner_client), "green") == ["✔ Green", "1", "1", "—", "—"]


def test_the_caution_goes_at_five_alliances(owner_client, workspace, owner):
    for number in range(5):
        pilot = _promoted(workspace, owner, f"G{number}", GREEN)
        _alliance_of(pilot, owner, _months_ago(4), ended=_months_ago(0) if number else None)
    assert _row(_page(owner_client), "green")[3:] == ["5 of 5", "—"]


def test_before_any_promotion_it_says_so(owner_client, workspace, owner):
    finished_pilot(workspace, owner, "Parado", YELLOW, Decision.STOP_DISCARD)
    page = _page(owner_client)
    assert "No pilot has been promoted to strategic alliance yet." in page
    assert 'data-table="lasting"' not in page


def test_another_workspace_sees_only_its_own(outsider_client, known):
    assert _row(_page(outsider_client), "green") == [
        "✔ Green",
        "1",
        "1",
        "1 of 1 (too few to tell)",
        "1 of 1 (too few to tell)",
    ]


def test_the_page_costs_the_same_queries_for_one_alliance_or_many(
    owner_client, workspace, owner, django_assert_num_queries
):
    _alliance_of(_promoted(workspace, owner, "Primera", GREEN), owner, _months_ago(7))
    owner_client.get(URL)  # warm up: the session, the workspace
    with CaptureQueriesContext(connection) as at_one:
        _page(owner_client)
    for number in range(6):
        ticks = GREEN if number % 2 else YELLOW
        pilot = _promoted(workspace, owner, f"Otra {number}", ticks)
        _alliance_of(pilot, owner, _months_ago(number + 1), ended=_months_ago(0))
    with django_assert_num_queries(len(at_one)):
        page = _page(owner_client)
    assert _row(page, "green")[1:3] == ["4", "4"]
