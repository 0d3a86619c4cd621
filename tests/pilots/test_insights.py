"""What works for us (/insights/): each finished pilot's checklist at the start against its
outcome and results, every figure checked against a workspace built to known numbers."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidates.criteria import CRITERION_FIELDS
from candidates.models import Evaluation
from dashboard.insights import SMALL_SAMPLE
from pilots.models import Decision, Outcome, Pilot, PilotStatus
from tests.conftest import make_candidate
from tests.pilots.conftest import (
    TODAY,
    assert_login_required,
    body,
    bulk_pilots,
    log_result,
    make_pilot,
)

pytestmark = pytest.mark.django_db

URL = reverse("dashboard:insights")
EMPTY = "Nothing to learn from yet."
TOO_FEW = "too few to tell"

(
    IDEAL,
    TRUST,
    CHANNEL,
    COMPLEMENT,
    CONTEXT,
    EXECUTION,
    BENEFIT,
    MEASURABLE,
) = CRITERION_FIELDS


def finished_pilot(
    workspace,
    owner,
    name: str,
    ticks,
    decision: Decision,
    *,
    referrals: int = 0,
    sales: int = 0,
    extend: bool = False,
) -> Pilot:
    """A pilot started on a checklist with exactly these ticks, then reviewed to the end."""
    candidate = make_candidate(workspace, name, ticks=ticks)
    pilot = make_pilot(candidate, owner, offer=f"Offer of {name}")
    if referrals or sales:
        log_result(pilot, referrals=referrals, sales=sales)
    if extend:
        pilot.record_review(
            owner,
            {"decision": Decision.EXTEND, "new_review_date": TODAY + timedelta(days=21)},
        )
    pilot.record_review(owner, {"decision": decision})
    return pilot


@pytest.fixture
def known(workspace, owner, outsider):
    """3 greens, 4 yellows and 1 red finished; one pilot still running; another workspace.

    Promoted: G1 (points 1–6), G2 (1–8), Y1 (1–4, after an extension), Y4 (5–8).
    Stopped: G3 (1–7), Y2 (1–3), Y3 (1–5), R1 (1–2).
    """
    first = CRITERION_FIELDS
    promote, discard, referral = (
        Decision.PROMOTE,
        Decision.STOP_DISCARD,
        Decision.STOP_OPEN_REFERRAL,
    )
    finished_pilot(workspace, owner, "G1", first[:6], promote, referrals=10, sales=4)
    finished_pilot(workspace, owner, "G2", first, promote, referrals=6, sales=2)
    finished_pilot(workspace, owner, "G3", first[:7], discard, referrals=2, sales=1)
    finished_pilot(workspace, owner, "Y1", first[:4], promote, referrals=5, sales=3, extend=True)
    finished_pilot(workspace, owner, "Y2", first[:3], referral, referrals=1)
    finished_pilot(workspace, owner, "Y3", first[:5], discard, referrals=2)
    finished_pilot(workspace, owner, "Y4", first[4:], promote, referrals=4, sales=1)
    finished_pilot(workspace, owner, "R1", first[:2], discard)
    # Not finished: not counted.
    running = make_pilot(make_candidate(workspace, "Still running", ticks=8), owner)
    log_result(running, referrals=50, sales=50)
    # Another workspace's finished pilot: not counted either.
    other = outsider.workspaces().get()
    finished_pilot(other, outsider, "Elsewhere", first, promote, referrals=99, sales=99)


def _text(fragment: str) -> str:
    """The fragment as read: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _row(page: str, attribute: str) -> list[str]:
    """The cells (th and td) of the table row marked with this data attribute, as text."""
    match = re.search(rf"<tr {attribute}>(.*?)</tr>", page, re.DOTALL)
    assert match, f"no row {attribute}"
    return [_text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match[1], re.DOTALL)]


def _page(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


# --- the figures --------------------------------------------------------------------------


def test_it_counts_the_yellows_that_became_alliances(owner_client, known):
    page = _page(owner_client)
    assert "2 of 4 finished yellow pilots" in _text(page)
    assert "Fewer than 5 pilots: too few to mean anything yet." in _text(page)


@pytest.mark.parametrize(
    ("colour", "cells"),
    [
        # light, finished, promoted, extended once, stopped, referrals and sales per pilot
        ("green", ["✔ Green (few pilots)", "3", "2", "0", "1", "6.0", "2.3"]),
        ("yellow", ["! Yellow (few pilots)", "4", "2", "1", "2", "3.0", "1.0"]),
        ("red", ["✖ Red (few pilots)", "1", "0", "0", "1", "0.0", "0.0"]),
    ],
)
def test_it_shows_how_each_light_did(owner_client, known, colour, cells):
    assert _row(_page(owner_client), f'data-colour="{colour}"') == cells


def test_the_red_row_appears_only_when_a_red_pilot_finished(owner_client, workspace, owner):
    finished_pilot(workspace, owner, "G1", CRITERION_FIELDS, Decision.PROMOTE)
    page = _page(owner_client)
    assert 'data-colour="green"' in page
    assert 'data-colour="yellow"' in page
    assert 'data-colour="red"' not in page
    assert _row(page, 'data-colour="yellow"') == ["! Yellow", "0", "0", "0", "0", "—", "—"]


@pytest.mark.parametrize(
    ("criterion", "ticked", "unticked"),
    [
        (IDEAL, "3 of 7 (43%)", "1 of 1 (100%)"),
        (TRUST, "3 of 7 (43%)", "1 of 1 (100%)"),
        (CHANNEL, "3 of 6 (50%)", "1 of 2 (50%)"),
        (COMPLEMENT, "3 of 5 (60%)", "1 of 3 (33%)"),
        (CONTEXT, "3 of 5 (60%)", "1 of 3 (33%)"),
        (EXECUTION, "3 of 4 (75%)", "1 of 4 (25%)"),
        (BENEFIT, "2 of 3 (67%)", "2 of 5 (40%)"),
        (MEASURABLE, "2 of 2 (100%)", "2 of 6 (33%)"),
    ],
)
def test_it_compares_pilots_with_and_without_each_point(
    owner_client, known, criterion, ticked, unticked
):
    cells = _row(_page(owner_client), f'data-criterion="{criterion}"')
    # With 8 pilots, one side of every point has fewer than 5: every row is a caution.
    assert cells[1:] == [ticked, unticked, TOO_FEW]


def test_the_caution_goes_once_both_sides_have_five_pilots(owner_client, workspace, owner):
    assert SMALL_SAMPLE == 5
    four = CRITERION_FIELDS[:4]
    for i in range(5):  # measurable ticked: 4 of 5 promoted
        decision = Decision.PROMOTE if i < 4 else Decision.STOP_DISCARD
        finished_pilot(workspace, owner, f"M{i}", (*four, MEASURABLE), decision)
    for i in range(5):  # not ticked: 1 of 5 promoted
        decision = Decision.PROMOTE if i < 1 else Decision.STOP_DISCARD
        finished_pilot(workspace, owner, f"N{i}", four, decision)
    page = _page(owner_client)
    assert _row(page, f'data-criterion="{MEASURABLE}"')[1:] == ["4 of 5 (80%)", "1 of 5 (20%)", ""]
    # Ticked by all ten: nobody without it to compare with.
    assert _row(page, f'data-criterion="{IDEAL}"')[1:] == ["5 of 10 (50%)", "no pilots", TOO_FEW]
    # The yellow row has 10 pilots now: no "(few pilots)".
    assert _row(page, 'data-colour="yellow"')[:3] == ["! Yellow", "10", "5"]
    assert "2 of 4" not in _text(page)
    assert "5 of 10 finished yellow pilots" in _text(page)


def test_the_chart_draws_a_bar_per_point_and_side(owner_client, known):
    page = _page(owner_client)
    svg = re.search(r"<svg .*?</svg>", page, re.DOTALL)[0]
    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-title chart-desc"' in svg
    assert "<title" in svg and "Pilots promoted, with and without each point" in svg
    assert "style=" not in svg  # the CSP forbids inline styles
    bars = re.findall(r'<rect x="0" y="\d+" width="(\d+)" height="16" [^>]*>', svg)
    assert len(bars) == 16
    # measurable: 100% with it (the full 480 units), 33% without it.
    assert bars[14:] == ["480", "158"]
    # Every comparison has a side under 5 pilots here: every bar is faded.
    assert svg.count('fill-opacity="0.45"') == 16
    assert "100% (2/2)" in svg and "33% (2/6)" in svg


def test_it_lists_the_latest_finished_pilots_with_prediction_and_outcome(owner_client, known):
    page = _page(owner_client)
    latest = re.search(r'data-table="latest">(.*?)</table>', page, re.DOTALL)[1]
    rows = [_text(row) for row in re.findall(r"<tr>(.*?)</tr>", latest, re.DOTALL)][1:]
    assert rows[0] == "R1 ✖ Red · 2/8 Stopped: discarded 0 0"
    assert "Y1 ! Yellow · 4/8 Promoted to strategic alliance · after one extension 5 3" in rows
    assert len(rows) == 8
    assert "Still running" not in page
    assert "Elsewhere" not in page


def test_a_workspace_without_finished_pilots_sees_what_will_appear(owner_client, pilot):
    page = _text(_page(owner_client))
    assert EMPTY in page
    assert "how many yellows became alliances" in page
    assert "Yellows that became alliances" not in page


def test_a_new_workspace_sees_the_empty_state(owner_client):
    assert EMPTY in _text(_page(owner_client))


# --- cost and access ----------------------------------------------------------------------


def _finished_in_bulk(workspace, count: int) -> None:
    pilots = bulk_pilots(workspace, count)
    evaluations = {
        e.candidate_id: e for e in Evaluation.objects.filter(candidate__workspace=workspace)
    }
    outcomes = [Outcome.PROMOTED, Outcome.OPEN_REFERRAL, Outcome.DISCARDED]
    for i, pilot in enumerate(pilots):
        pilot.start_evaluation = evaluations[pilot.candidate_id]
        pilot.status, pilot.outcome = PilotStatus.FINISHED, outcomes[i % 3]
        pilot.extended = i % 4 == 0
        pilot.finished_at = timezone.now()
    Pilot.objects.bulk_update(
        pilots, ["start_evaluation", "status", "outcome", "extended", "finished_at"]
    )


def test_the_page_costs_the_same_queries_for_3_or_30_finished_pilots(
    owner_client, workspace, outsider, django_assert_num_queries
):
    _finished_in_bulk(workspace, 3)
    owner_client.get(URL)  # warm up: the session, the workspace, the settings rows
    with CaptureQueriesContext(connection) as at_3:
        _page(owner_client)
    _finished_in_bulk(outsider.workspaces().get(), 5)
    _finished_in_bulk(workspace, 27)
    with django_assert_num_queries(len(at_3)):
        page = _page(owner_client)
    assert "The latest 10; all of them count in the figures above." in _text(page)
    finished = re.findall(r'<tr data-colour="\w+">.*?<td[^>]*>(\d+)</td>', page, re.DOTALL)
    assert sum(int(count) for count in finished) == 30


def test_the_navigation_links_to_the_page(owner_client):
    page = body(owner_client.get(reverse("dashboard:home")))
    assert f'href="{URL}">What works for us</a>' in page


def test_members_see_it_too(member_client, known):
    assert "2 of 4 finished yellow pilots" in _text(_page(member_client))


def test_another_workspace_sees_only_its_own(outsider_client, known):
    page = _text(_page(outsider_client))
    assert "G1" not in page
    assert "Elsewhere" in page


def test_it_is_read_only(owner_client):
    assert owner_client.post(URL).status_code == 405


def test_visitors_are_sent_to_log_in():
    assert_login_required(URL)
