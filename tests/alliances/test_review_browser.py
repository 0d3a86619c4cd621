"""The periodic review and a check-in, by the owner, in real Chromium on a 375 px phone: from
the alliance's page into its review, a refused decision that keeps the input, the decision
recorded once whatever the double tap, and "Check-in done" tapped twice."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from alliances.models import Alliance, CheckIn, FollowUp, Review
from candidates.models import Kind
from tests.alliances.reviewing import running_since
from tests.browser.conftest import PHONE, log_in
from tests.pilots.conftest import TODAY

pytestmark = pytest.mark.browser

WIDTH = PHONE["viewport"]["width"]


def _fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= WIDTH, page.url


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_owner_reviews_an_alliance_on_a_phone(browser, owner, alliance, javascript):
    alliance = running_since(alliance, owner, date(2026, 11, 9), kind=Kind.ALLIANCE)
    page = browser.new_page(javascript=javascript, **PHONE)
    log_in(page, browser.url, owner.email)
    page.goto(browser.url + reverse("alliances:detail", args=[alliance.code]))
    expect(page.locator("main")).to_contain_text("Review due")
    page.get_by_role("link", name="Review it now").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review of the alliance")
    _fits_the_phone(page)

    page.get_by_label("The operating model is confusing").check()
    page.get_by_label("Change its kind").check()
    page.get_by_label("Notes").fill("Venden más de lo que recomiendan.")
    page.get_by_role("button", name="Save the review").click()
    expect(page.locator(".error-summary")).to_contain_text("Choose the kind it becomes.")
    expect(page.get_by_label("Notes")).to_have_value("Venden más de lo que recomiendan.")
    expect(page.get_by_label("The operating model is confusing")).to_be_checked()
    browser.problems.expected("400")  # the refused decision answers 400, on purpose
    _fits_the_phone(page)

    page.get_by_label("Sales channel").check()
    page.get_by_role("button", name="Save the review").dblclick()
    expect(page.locator("main")).to_contain_text("It is now a sales channel")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Design the alliance")

    review = Review.objects.get()
    assert (review.decision, review.new_kind, review.model_confusing) == (
        "change_kind",
        "channel",
        True,
    )
    assert Alliance.objects.get(pk=alliance.pk).kind == Kind.CHANNEL


def test_check_in_done_tapped_twice_counts_once(browser, owner, alliance):
    alliance = running_since(alliance, owner, TODAY - timedelta(days=3), kind=Kind.CHANNEL)
    Alliance.objects.filter(pk=alliance.pk).update(
        follow_up=FollowUp.WEEKLY, next_check_in_date=TODAY
    )
    page = browser.new_page(**PHONE)
    log_in(page, browser.url, owner.email)
    page.goto(browser.url + reverse("alliances:detail", args=[alliance.code]))
    expect(page.locator("main")).to_contain_text("Check-in due")
    _fits_the_phone(page)

    page.get_by_role("button", name="Check-in done").dblclick()
    expect(page.locator("#messages")).to_contain_text("Next one:")

    assert CheckIn.objects.count() == 1
    assert Alliance.objects.get(pk=alliance.pk).next_check_in_date == TODAY + timedelta(days=7)
