"""One checklist open in two places at once: nothing one of them does erases the other's work.

Two tabs of the same person (one browser context), or the owner and a teammate (two
contexts). Tab B is loaded before tab A ticks anything, so B's page never saw A's ticks:
whatever B sends must not take them back. Read after a reload, and in the database.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from candidates.criteria import CRITERION_FIELDS
from candidates.models import Candidate
from candidates.scoring import MAX_SCORE
from tests.browser.conftest import http_errors, log_in
from tests.conftest import make_candidate

pytestmark = pytest.mark.browser

A_TICKS = [0, 1, 2]
B_TICK = 5
B_NOTE_ROW = 6
NOTE = "Llamar a Begoña el lunes: quiere probar en enero"
PLACES = [
    pytest.param("two-tabs", id="same-user-two-tabs"),
    pytest.param("teammate", id="owner-and-teammate"),
]


@pytest.fixture
def candidate(workspace) -> Candidate:
    return make_candidate(workspace, "Spa Serena")


def open_twice(browser, owner, member, places: str, candidate: Candidate):
    """Tab A and tab B on the candidate's page, both loaded before anything is ticked; and
    the failed answers either one gets."""
    tab_a = browser.new_page()
    log_in(tab_a, browser.url, owner.email)
    if places == "two-tabs":
        tab_b = browser.new_tab(tab_a)
    else:
        tab_b = browser.new_page()
        log_in(tab_b, browser.url, member.email)
    errors = [http_errors(tab_a), http_errors(tab_b)]
    for tab in (tab_a, tab_b):
        tab.goto(browser.url + reverse("candidates:detail", args=[candidate.code]))
        expect(boxes(tab)).to_have_count(MAX_SCORE)
    return tab_a, tab_b, errors


def boxes(page: Page):
    return page.locator(".checklist input[type=checkbox]")


def saved(page: Page, candidate: Candidate):
    """Waits for the checklist POST that the action inside the `with` block sends."""
    path = reverse("candidates:checklist", args=[candidate.code])
    return page.expect_response(
        lambda response: response.request.method == "POST" and response.url.endswith(path)
    )


def tick(page: Page, candidate: Candidate, index: int) -> None:
    with saved(page, candidate) as answer:
        boxes(page).nth(index).check()
    assert answer.value.ok, answer.value.status


def stored_ticks(candidate: Candidate) -> list[int]:
    evaluation = candidate.current_evaluation()
    return [i for i, field in enumerate(CRITERION_FIELDS) if getattr(evaluation, field)]


def expect_ticked(page: Page, ticked: list[int]) -> None:
    for index in range(MAX_SCORE):
        box = boxes(page).nth(index)
        if index in ticked:
            expect(box).to_be_checked()
        else:
            expect(box).not_to_be_checked()
    expect(page.locator("#light .light-score")).to_have_text(f"{len(ticked)}/{MAX_SCORE}")


@pytest.mark.parametrize("places", PLACES)
def test_ticks_from_a_stale_tab_keep_the_other_tabs_ticks(
    browser, owner, member, candidate, places
):
    tab_a, tab_b, errors = open_twice(browser, owner, member, places, candidate)

    for index in A_TICKS:
        tick(tab_a, candidate, index)
    assert stored_ticks(candidate) == A_TICKS
    # Tab B still shows the checklist as it was loaded: nothing ticked.
    expect(boxes(tab_b).nth(A_TICKS[0])).not_to_be_checked()
    tick(tab_b, candidate, B_TICK)

    everything = sorted([*A_TICKS, B_TICK])
    assert stored_ticks(candidate) == everything
    evaluation = candidate.current_evaluation()
    assert evaluation.score == len(everything)
    for tab in (tab_a, tab_b):
        tab.reload()
        expect_ticked(tab, everything)
    assert errors == [[], []]


@pytest.mark.parametrize("places", PLACES)
def test_a_note_from_a_stale_tab_keeps_the_other_tabs_ticks(
    browser, owner, member, candidate, places
):
    tab_a, tab_b, errors = open_twice(browser, owner, member, places, candidate)

    for index in A_TICKS:
        tick(tab_a, candidate, index)
    row = tab_b.locator(".checklist .criterion").nth(B_NOTE_ROW)
    row.locator("summary").click()
    note = row.locator("input[type=text]")
    note.fill(NOTE)
    with saved(tab_b, candidate) as answer:
        note.press("Tab")  # leaving the field sends it (the "change" event)
    assert answer.value.ok, answer.value.status

    evaluation = candidate.current_evaluation()
    assert getattr(evaluation, f"{CRITERION_FIELDS[B_NOTE_ROW]}_note") == NOTE
    assert stored_ticks(candidate) == A_TICKS
    assert evaluation.score == len(A_TICKS)
    for tab in (tab_a, tab_b):
        tab.reload()
        expect_ticked(tab, A_TICKS)
        expect(
            tab.locator(".checklist .criterion").nth(B_NOTE_ROW).locator("input[type=text]")
        ).to_have_value(NOTE)
    assert errors == [[], []]
