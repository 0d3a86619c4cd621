"""The design, by the owner, in real Chromium on a 375 px phone, with and without JavaScript:
from the green candidate's page into the design, a refused activation that keeps the input,
then the alliance active. The kind's own fields follow the kind chosen, without a script."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from alliances.models import Alliance, State
from tests.alliances.conftest import ANSWERS
from tests.browser.conftest import PHONE, log_in

pytestmark = pytest.mark.browser

WIDTH = PHONE["viewport"]["width"]


def _fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= WIDTH, page.url


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_owner_designs_and_activates_an_alliance_on_a_phone(browser, owner, green, javascript):
    page = browser.new_page(javascript=javascript, **PHONE)
    log_in(page, browser.url, owner.email)
    page.goto(browser.url + reverse("candidates:detail", args=[green.code]))
    page.get_by_role("button", name="Design the alliance").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Design the alliance")
    _fits_the_phone(page)

    page.get_by_label("Kind of relationship").select_option("referral")
    expect(page.get_by_label("Benefit for the partner")).to_be_visible()
    expect(page.get_by_label("Follow-up routine")).to_be_hidden()
    page.get_by_label("Kind of relationship").select_option("channel")
    expect(page.get_by_label("Follow-up routine")).to_be_visible()
    expect(page.get_by_label("Benefit for the partner")).to_be_hidden()

    page.get_by_label("How is a customer passed").fill(ANSWERS["how_passed"])
    page.get_by_label("Follow-up routine").select_option("weekly")
    page.get_by_role("button", name="Save and activate").click()
    expect(page.locator(".error-summary")).to_contain_text("Answer this to activate the alliance.")
    expect(page.get_by_label("How is a customer passed")).to_have_value(ANSWERS["how_passed"])
    browser.problems.expected("400")  # the refused activation answers 400, on purpose
    _fits_the_phone(page)

    page.get_by_label("How are they served?").fill(ANSWERS["how_served"])
    page.get_by_label("How is it charged").fill(ANSWERS["how_charged"])
    page.get_by_label("Metric 1", exact=True).select_option("sales")
    page.get_by_label("Metric 1: monthly target").fill("12")
    page.get_by_role("button", name="Save and activate").click()
    expect(page.locator("main")).to_contain_text("The alliance is active.")
    _fits_the_phone(page)

    alliance = Alliance.objects.get(candidate=green)
    assert (alliance.state, alliance.kind, alliance.follow_up) == (
        State.ACTIVE,
        "channel",
        "weekly",
    )
    assert alliance.metrics.get().monthly_target == 12
