from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from candidates.models import Status
from tests.conftest import make_candidate

pytestmark = pytest.mark.django_db

LIST_URL = reverse("candidates:list")
# Measured: session, user, membership, count, the page, the navigation badge (reviews due),
# and the workspaces for the switcher.
LIST_QUERIES = 7


def _names(response) -> list[str]:
    """Candidate names in the order the table shows them."""
    return re.findall(r'<td><a href="/candidates/[^/"]+/">([^<]*)</a>', response.content.decode())


def _next_page_link(response) -> str:
    match = re.search(r'<a class="page-link" href="([^"]+)">Next</a>', response.content.decode())
    assert match, "no link to the next page"
    return LIST_URL + html.unescape(match.group(1))


def test_it_lists_the_workspaces_candidates_with_their_light(owner_client, workspace):
    make_candidate(workspace, "Spa Serena", ticks=7)
    make_candidate(workspace, "Yoga Sol", ticks=3)
    make_candidate(workspace, "Bar Oscuro", ticks=1)
    body = owner_client.get(LIST_URL).content.decode()
    assert "✔ Green · 7/8" in body
    assert "! Yellow · 3/8" in body
    assert "✖ Red · 1/8" in body


def test_it_shows_only_the_current_workspaces_candidates(owner_client, workspace, outsider):
    make_candidate(workspace, "Spa Serena")
    make_candidate(outsider.workspaces().get(), "Secret Partner")
    response = owner_client.get(LIST_URL)
    assert _names(response) == ["Spa Serena"]


def test_an_empty_workspace_explains_the_method_and_invites_to_add_one(owner_client):
    body = owner_client.get(LIST_URL).content.decode()
    assert "Score each possible partner on 8 points" in body
    assert reverse("candidates:create") in body


def test_it_searches_by_name_ignoring_case(owner_client, workspace):
    make_candidate(workspace, "Spa Serena")
    make_candidate(workspace, "Serenity Yoga")
    make_candidate(workspace, "Bar Oscuro")
    response = owner_client.get(LIST_URL, {"q": "seren", "sort": "name"})
    assert _names(response) == ["Serenity Yoga", "Spa Serena"]


def test_a_search_with_no_match_says_so(owner_client, workspace):
    make_candidate(workspace, "Spa Serena")
    body = owner_client.get(LIST_URL, {"q": "zzz"}).content.decode()
    assert "No candidate matches these filters." in body


def test_the_search_box_shows_what_was_typed_as_text(owner_client):
    body = owner_client.get(LIST_URL, {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in body


@pytest.mark.parametrize(
    ("colour", "expected"), [("green", ["Green"]), ("yellow", ["Yellow"]), ("red", ["Red"])]
)
def test_it_filters_by_colour(owner_client, workspace, colour, expected):
    make_candidate(workspace, "Green", ticks=6)
    make_candidate(workspace, "Yellow", ticks=3)
    make_candidate(workspace, "Red", ticks=2)
    assert _names(owner_client.get(LIST_URL, {"colour": colour})) == expected


def test_the_colour_filter_looks_at_the_current_evaluation_only(owner_client, workspace):
    candidate = make_candidate(workspace, "Was green", ticks=8)
    current = candidate.current_evaluation().reevaluate()
    current.ideal_customer = current.transferable_trust = current.active_channel = False
    current.real_complement = current.purchase_context = current.easy_execution = False
    current.rescore()
    current.save()
    assert _names(owner_client.get(LIST_URL, {"colour": "green"})) == []
    assert _names(owner_client.get(LIST_URL, {"colour": "red"})) == ["Was green"]


def test_it_filters_by_status(owner_client, workspace):
    make_candidate(workspace, "In pilot", status=Status.IN_PILOT)
    make_candidate(workspace, "Discarded", status=Status.DISCARDED)
    make_candidate(workspace, "New")
    assert _names(owner_client.get(LIST_URL, {"status": "in_pilot"})) == ["In pilot"]


def test_colour_and_status_filters_combine(owner_client, workspace):
    make_candidate(workspace, "Green pilot", ticks=7, status=Status.IN_PILOT)
    make_candidate(workspace, "Red pilot", ticks=0, status=Status.IN_PILOT)
    make_candidate(workspace, "Green new", ticks=7)
    response = owner_client.get(LIST_URL, {"status": "in_pilot", "colour": "green"})
    assert _names(response) == ["Green pilot"]


def test_unknown_filter_values_are_ignored(owner_client, workspace):
    make_candidate(workspace, "Spa Serena")
    response = owner_client.get(LIST_URL, {"colour": "purple", "sort": "random"})
    assert response.status_code == 200
    assert _names(response) == ["Spa Serena"]


@pytest.fixture
def three_scores(workspace):
    make_candidate(workspace, "Five", ticks=5)
    make_candidate(workspace, "Eight", ticks=8)
    make_candidate(workspace, "One", ticks=1)


def test_it_sorts_by_score_highest_first(owner_client, three_scores):
    assert _names(owner_client.get(LIST_URL, {"sort": "score"})) == ["Eight", "Five", "One"]


def test_it_sorts_by_score_lowest_first(owner_client, three_scores):
    assert _names(owner_client.get(LIST_URL, {"sort": "-score"})) == ["One", "Five", "Eight"]


@pytest.fixture
def three_dates(workspace):
    for name, day in [("March 2", 2), ("March 3", 3), ("March 1", 1)]:
        with time_machine.travel(datetime(2026, 3, day, 12, tzinfo=UTC), tick=False):
            make_candidate(workspace, name)


def test_it_shows_the_newest_first_by_default(owner_client, three_dates):
    assert _names(owner_client.get(LIST_URL)) == ["March 3", "March 2", "March 1"]


def test_it_sorts_by_date_oldest_first(owner_client, three_dates):
    assert _names(owner_client.get(LIST_URL, {"sort": "old"})) == ["March 1", "March 2", "March 3"]


def test_it_sorts_by_name(owner_client, three_dates):
    assert _names(owner_client.get(LIST_URL, {"sort": "name"})) == [
        "March 1",
        "March 2",
        "March 3",
    ]


def test_twenty_five_candidates_make_two_pages(owner_client, workspace):
    for i in range(25):
        make_candidate(workspace, f"Partner {i:02}")
    first = owner_client.get(LIST_URL, {"sort": "name"})
    assert len(_names(first)) == 20
    assert "Page 1 of 2" in first.content.decode()
    second = owner_client.get(_next_page_link(first))
    assert _names(second) == [f"Partner {i}" for i in range(20, 25)]
    assert "Page 2 of 2" in second.content.decode()
    assert "Previous" in second.content.decode()


def test_page_links_keep_the_search_filters_and_sort(owner_client, workspace):
    for i in range(25):
        make_candidate(workspace, f"Red {i:02}", ticks=1)
    make_candidate(workspace, "Green one", ticks=8)
    first = owner_client.get(LIST_URL, {"colour": "red", "sort": "name", "q": "red"})
    link = _next_page_link(first)
    assert "colour=red" in link and "sort=name" in link and "q=red" in link
    second = owner_client.get(link)
    assert _names(second) == [f"Red {i}" for i in range(20, 25)]


def test_a_page_past_the_end_shows_the_last_page(owner_client, workspace):
    make_candidate(workspace, "Only one")
    assert _names(owner_client.get(LIST_URL, {"page": "99"})) == ["Only one"]


def test_archived_candidates_are_hidden_unless_asked_for(owner_client, workspace):
    make_candidate(workspace, "Active")
    make_candidate(workspace, "Archived", archived_at=timezone.now())
    assert _names(owner_client.get(LIST_URL)) == ["Active"]
    assert _names(owner_client.get(LIST_URL, {"q": "archived"})) == []
    assert _names(owner_client.get(LIST_URL, {"archived": "on"})) == ["Archived"]


def test_an_htmx_request_gets_only_the_results(owner_client, workspace):
    make_candidate(workspace, "Spa Serena", ticks=6)
    response = owner_client.get(LIST_URL, {"q": "spa"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "<form" not in body
    assert _names(response) == ["Spa Serena"]
    assert "Green · 6/8" in body


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_the_same_queries_whatever_the_number_of_candidates(
    owner_client, workspace, django_assert_num_queries, count
):
    for i in range(count):
        candidate = make_candidate(workspace, f"Partner {i}", ticks=i % 9)
        if i % 3 == 0:
            candidate.current_evaluation().reevaluate()
    owner_client.get(LIST_URL)  # the first visit also stores the chosen workspace in the session
    with django_assert_num_queries(LIST_QUERIES):
        response = owner_client.get(LIST_URL, {"sort": "score"})
    assert len(_names(response)) == min(count, 20)


def test_a_member_sees_the_same_list(member_client, workspace):
    make_candidate(workspace, "Spa Serena")
    assert _names(member_client.get(LIST_URL)) == ["Spa Serena"]


def test_the_list_does_not_accept_post(owner_client):
    assert owner_client.post(LIST_URL).status_code == 405


def test_the_list_needs_a_login(client):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def _sort_menu(response) -> list[tuple[str, bool]]:
    """The sort select's options as (label, shown): a select with no option selected shows
    its first one."""
    select = re.search(r'<select name="sort".*?</select>', response.content.decode(), re.S)
    assert select, "no sort menu"
    options = re.findall(r"<option value=\"[^\"]*\"( selected)?>([^<]*)</option>", select[0])
    chosen = [bool(selected) for selected, _label in options]
    shown = chosen if any(chosen) else [True] + [False] * (len(options) - 1)
    return [(label, is_shown) for (_selected, label), is_shown in zip(options, shown, strict=True)]


def test_the_sort_menu_names_the_order_the_list_is_in(owner_client, three_dates):
    response = owner_client.get(LIST_URL)
    assert [label for label, shown in _sort_menu(response) if shown] == ["Newest first"]
    assert _names(response) == ["March 3", "March 2", "March 1"]
    # Searching or filtering without choosing a sort keeps that order, and that label.
    response = owner_client.get(LIST_URL, {"q": "march", "sort": ""})
    assert [label for label, shown in _sort_menu(response) if shown] == ["Newest first"]
    assert _names(response) == ["March 3", "March 2", "March 1"]


def test_the_sort_menu_shows_the_sort_chosen(owner_client, three_scores):
    response = owner_client.get(LIST_URL, {"sort": "score"})
    assert [label for label, shown in _sort_menu(response) if shown] == ["Score, highest first"]
