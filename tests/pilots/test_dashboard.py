"""The dashboard, home after login: what needs attention first, in a fixed number of queries."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilots.models import Decision
from tests.conftest import make_candidate
from tests.pilots.conftest import (
    TODAY,
    assert_login_required,
    body,
    bulk_pilots,
    log_result,
    log_time,
    make_pilot,
    set_hourly_value,
)

pytestmark = pytest.mark.django_db

URL = reverse("dashboard:home")


def _dashboard(client: Client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return body(response)


def _between(page: str, start: str, end: str = "</section>") -> str:
    if start not in page:
        return ""
    rest = page[page.index(start) :]
    return rest[: rest.index(end)]


def _names(html: str) -> list[str]:
    """Partner names linked to their pilot or candidate pages, in page order."""
    return re.findall(r'<a href="/(?:pilots|candidates)/[^"/]+/">([^<]+)</a>', html)


def _due_list(page: str) -> str:
    return _between(page, 'id="due-title"')


def _hobbies(page: str) -> str:
    return _between(page, 'id="hobby-title"')


def _best(page: str) -> str:
    return _between(page, "Best candidates not yet in a pilot")


def _pilot_due(workspace, name: str, review_offset: int):
    candidate = make_candidate(workspace, name, ticks=4)
    review = TODAY + timedelta(days=review_offset)
    return make_pilot(candidate, start_date=review - timedelta(days=14), review_date=review)


# --- home ------------------------------------------------------------------------------------


def test_signed_in_users_land_on_the_dashboard(owner_client):
    response = owner_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == URL


def test_logging_in_lands_on_the_dashboard(owner):
    client = Client()
    response = client.post(
        reverse("login"),
        {"username": "owner@example.com", "password": "correct-horse-battery-staple"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == URL


def test_a_new_workspace_is_invited_to_score_its_first_partner(owner_client):
    page = _dashboard(owner_client)
    assert "No review is due today." in page
    assert "No active pilots." in page
    assert "Start by scoring a possible partner." in page
    assert reverse("candidates:create") in page


# --- reviews due -----------------------------------------------------------------------------


def test_reviews_due_list_overdue_first_by_review_date_then_name(owner_client, workspace):
    _pilot_due(workspace, "Bravo", 0)
    _pilot_due(workspace, "Zeta", -5)
    _pilot_due(workspace, "Beta", -1)
    _pilot_due(workspace, "Alpha", 0)
    _pilot_due(workspace, "Acme", -5)
    _pilot_due(workspace, "Delta", -3)
    _pilot_due(workspace, "Future", 1)
    names = _names(_due_list(_dashboard(owner_client)))
    assert names == ["Acme", "Zeta", "Delta", "Beta", "Alpha", "Bravo"]


def test_each_due_review_carries_a_due_or_overdue_badge(owner_client, workspace):
    overdue = _pilot_due(workspace, "Overdue", -3)
    due = _pilot_due(workspace, "Due", -2)
    items = _due_list(_dashboard(owner_client)).split('class="list-group-item')[1:]
    assert len(items) == 2
    assert "Review overdue" in items[0] and "Review due" not in items[0]
    assert "Review due" in items[1] and "Review overdue" not in items[1]
    assert reverse("pilots:review", args=[overdue.code]) in items[0]
    assert reverse("pilots:review", args=[due.code]) in items[1]


def test_finished_pilots_are_not_due(owner_client, workspace, owner):
    pilot = _pilot_due(workspace, "Acabado", -5)
    pilot.record_review(owner, {"decision": Decision.STOP_DISCARD})
    page = _dashboard(owner_client)
    assert "No review is due today." in page
    assert "Acabado" not in _due_list(page)


# --- active pilots ---------------------------------------------------------------------------


def test_active_pilots_show_days_left_and_progress_to_target(owner_client, yellow):
    pilot = make_pilot(yellow, start_date=TODAY - timedelta(days=5), length_days=21, target=8)
    log_result(pilot, referrals=2)
    section = _between(_dashboard(owner_client), 'id="active-title"', "</table>")
    row = section[section.index("Spa Serena") :]
    assert re.search(r"<td[^>]*>16</td>", row)  # a cell labelled for the phone's cards
    assert "2 / 8" in row
    assert 'value="25"' in row


def test_active_pilots_without_a_target_show_the_referral_count(owner_client, pilot):
    log_result(pilot, referrals=3)
    section = _between(_dashboard(owner_client), 'id="active-title"', "</table>")
    assert "3 referrals" in section


def test_active_pilots_are_paginated(owner_client, workspace):
    bulk_pilots(workspace, 12)
    first = _between(_dashboard(owner_client), 'id="active-title"', "</table>")
    second = body(owner_client.get(URL, {"page": 2}))
    assert first.count("<tr>") == 11  # header + 10
    assert "Page 2 of 2" in second


# --- expensive hobbies -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "alerted"),
    [(29, False), (30, False), (31, True)],
    ids=["cost-below-margin", "cost-equal-to-margin", "cost-above-margin"],
)
def test_the_expensive_hobby_alert_appears_exactly_when_cost_exceeds_margin(
    owner_client, workspace, yellow, minutes, alerted
):
    set_hourly_value(workspace, "60")
    pilot = make_pilot(yellow, margin_per_sale=Decimal("30"))
    log_result(pilot, sales=1)
    log_time(pilot, minutes)
    hobbies = _hobbies(_dashboard(owner_client))
    assert ("Spa Serena" in hobbies) is alerted
    if alerted:
        assert "cost $31 vs margin $30" in hobbies


def test_no_hobby_alert_without_an_hourly_value(owner_client, pilot):
    log_time(pilot, 600)
    assert "Expensive hobbies" not in _dashboard(owner_client)


# --- candidates by colour and the best ones --------------------------------------------------


def test_candidates_are_counted_by_colour_and_linked_to_the_filtered_list(
    owner_client, workspace, outsider
):
    for name, ticks in [("G1", 7), ("G2", 6), ("Y1", 5), ("Y2", 3), ("Y3", 4), ("R1", 2)]:
        make_candidate(workspace, name, ticks=ticks)
    archived = make_candidate(workspace, "Archivado", ticks=8)
    archived.archived_at = archived.created_at
    archived.save()
    make_candidate(outsider.workspaces().get(), "Ajeno", ticks=8)
    page = _dashboard(owner_client)
    counts = dict(re.findall(r'href="/candidates/\?colour=(\w+)">.*?: (\d+)</a>', page, flags=re.S))
    assert counts == {"green": "2", "yellow": "3", "red": "1"}
    list_page = body(owner_client.get(reverse("candidates:list"), {"colour": "yellow"}))
    assert {"Y1", "Y2", "Y3"} <= set(re.findall(r">(Y\d|G\d|R\d)<", list_page))
    assert not {"G1", "G2", "R1"} & set(re.findall(r">(Y\d|G\d|R\d)<", list_page))


def test_best_candidates_leave_out_reds_archived_and_those_in_a_pilot(
    owner_client, workspace, owner
):
    make_candidate(workspace, "Hotel Brisa", ticks=8)
    make_candidate(workspace, "Café Sol", ticks=6)
    make_candidate(workspace, "Yoga Zen", ticks=3)
    make_candidate(workspace, "Rojo", ticks=2)
    archived = make_candidate(workspace, "Archivado", ticks=8)
    archived.archived_at = archived.created_at
    archived.save()
    make_pilot(make_candidate(workspace, "En piloto", ticks=7))
    names = _names(_best(_dashboard(owner_client)))
    assert names == ["Hotel Brisa", "Café Sol", "Yoga Zen"]


@pytest.mark.parametrize("status", ["alliance", "open_referral", "discarded"])
def test_best_candidates_leave_out_those_already_decided(owner_client, workspace, status):
    make_candidate(workspace, "Decidido", ticks=8, status=status)
    make_candidate(workspace, "Por decidir", ticks=5)
    assert _names(_best(_dashboard(owner_client))) == ["Por decidir"]


def test_best_candidates_show_at_most_five_by_score(owner_client, workspace):
    for ticks in range(3, 9):
        make_candidate(workspace, f"Score {ticks}", ticks=ticks)
    names = _names(_best(_dashboard(owner_client)))
    assert names == ["Score 8", "Score 7", "Score 6", "Score 5", "Score 4"]


def test_when_every_good_candidate_is_in_a_pilot_the_dashboard_says_so(owner_client, pilot):
    assert "Every green or yellow candidate is already in a pilot." in _dashboard(owner_client)


# --- recent activity -------------------------------------------------------------------------


def test_recent_activity_lists_results_time_and_reviews_newest_first(
    owner_client, owner, yellow, clock
):
    pilot = make_pilot(yellow, start_date=TODAY - timedelta(days=14))
    log_result(pilot, referrals=2, sales=1)
    clock.shift(timedelta(minutes=1))
    log_time(pilot, 40)
    clock.shift(timedelta(minutes=1))
    Client().post(reverse("partners:page", args=[pilot.partner_token]))
    clock.shift(timedelta(minutes=1))
    pilot.record_review(owner, {"decision": Decision.PROMOTE})
    recent = _between(_dashboard(owner_client), "Recent activity")
    lines = re.findall(r'<li class="mb-1">(.*?)</li>', recent, re.S)
    text = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", line)).strip() for line in lines]
    assert len(text) == 4
    assert "reviewed: Promote to strategic alliance" in text[0]
    assert "result logged (1 referral, 0 sales) · from the partner" in text[1]
    assert "40 min of coordination" in text[2]
    assert "result logged (2 referrals, 1 sale)" in text[3]


# --- isolation -------------------------------------------------------------------------------


def test_another_workspaces_pilots_never_appear(owner_client, workspace, outsider_client):
    set_hourly_value(workspace, "60")
    ours = _pilot_due(workspace, "Nuestro Socio", -4)
    log_time(ours, 120)
    log_result(ours, referrals=1)
    make_candidate(workspace, "Candidato Nuestro", ticks=7)
    page = _dashboard(outsider_client)
    assert "Nuestro Socio" not in page
    assert "Candidato Nuestro" not in page
    assert ours.code not in page
    assert "No review is due today." in page
    assert "Expensive hobbies" not in page
    assert "Nothing yet." in page
    assert "Nuestro Socio" in _due_list(_dashboard(owner_client))


# --- the usual guards ------------------------------------------------------------------------


def test_the_dashboard_is_get_only(owner_client):
    assert owner_client.post(URL).status_code == 405


def test_the_dashboard_needs_a_login():
    assert_login_required(URL)


def test_members_see_the_workspace_dashboard(member_client, pilot):
    assert "Spa Serena" in _dashboard(member_client)


# --- a fixed number of queries ---------------------------------------------------------------


def test_the_dashboard_makes_as_many_queries_for_500_pilots_as_for_10(
    owner_client, workspace, django_assert_num_queries
):
    set_hourly_value(workspace, "60")
    make_candidate(workspace, "Sin piloto", ticks=6)
    pilots = bulk_pilots(workspace, 10)
    pilots[0].record_review(None, {"decision": Decision.STOP_DISCARD})
    _dashboard(owner_client)  # first visit: the session learns the workspace
    with CaptureQueriesContext(connection) as at_10:
        page = _dashboard(owner_client)
    assert "Expensive hobbies" in page and "Sin piloto" in page
    assert len(_due_list(page).split('class="list-group-item')) - 1 == 6

    bulk_pilots(workspace, 490, prefix="Otro")
    with django_assert_num_queries(len(at_10)):
        page = _dashboard(owner_client)
    assert "Page 1 of 50" in page
    # The due list shows the first 20 and links to all of them (333 here).
    assert len(_due_list(page).split('class="list-group-item')) - 1 == 20
    assert 'href="/pilots/?due=1"' in page
    all_due = owner_client.get("/pilots/?due=1").content.decode()
    assert "Page 1 of 17" in all_due


@pytest.mark.parametrize(
    ("hourly", "minutes", "margin", "hobby"),
    [
        ("50", 13, "10.83", True),  # cost 10.8333…: a third of a cent above the margin
        ("50", 13, "10.84", False),
        ("7.5", 1, "0.12", True),  # cost 0.125
        ("7.5", 1, "0.13", False),
    ],
)
def test_the_pilot_page_and_the_dashboard_agree_on_an_expensive_hobby(
    owner_client, workspace, yellow, hourly, minutes, margin, hobby
):
    set_hourly_value(workspace, hourly)
    pilot = make_pilot(yellow, margin_per_sale=Decimal(margin))
    log_result(pilot, sales=1)
    log_time(pilot, minutes)
    on_dashboard = "Spa Serena" in _hobbies(_dashboard(owner_client))
    on_pilot_page = "Expensive hobby." in body(
        owner_client.get(reverse("pilots:detail", args=[pilot.code]))
    )
    assert (on_dashboard, on_pilot_page) == (hobby, hobby)
