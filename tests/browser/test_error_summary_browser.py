"""Errors you can see, on a 375 px phone: a result with −1 referrals, far down the pilot
page, comes back with the list of errors in sight at the top and the focus on it; its link
takes the finger (and the keyboard) to the field. Without JavaScript the list is the first
thing of the page's main region."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, log_in
from tests.conftest import make_candidate
from tests.pilots.conftest import make_pilot

pytestmark = pytest.mark.browser

PHONE_HEIGHT = PHONE["viewport"]["height"]


@pytest.fixture
def pilot(workspace, owner):
    candidate = make_candidate(workspace, "Spa Serena", ticks=4)
    return make_pilot(candidate, owner, start_date=timezone.localdate())


def _send_minus_one_referral(browser, owner, pilot, *, javascript: bool):
    page = browser.new_page(**PHONE, javascript=javascript)
    log_in(page, browser.url, owner.email)
    page.goto(browser.url + reverse("pilots:detail", args=[pilot.code]))
    form = page.locator(f"form[action='{reverse('pilots:result_add', args=[pilot.code])}']")
    form.locator("input[name=referrals]").fill("-1")
    with page.expect_navigation():
        form.get_by_role("button", name="Add result", exact=True).click()
    browser.problems.expected("400")  # the page answers 400 Bad Request, on purpose
    return page


def _in_view(page, selector: str) -> bool:
    """Whether the element is, or comes once a smooth scroll ends, inside the phone's screen
    (asked through the browser's protocol: it works with the page's JavaScript off too)."""
    for _ in range(30):
        box = page.locator(selector).bounding_box()
        if box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE_HEIGHT:
            return True
        page.wait_for_timeout(100)
    return False


def test_the_errors_are_in_sight_and_focused_and_lead_to_the_field(browser, owner, pilot):
    page = _send_minus_one_referral(browser, owner, pilot, javascript=True)

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    assert _in_view(page, "[data-error-summary]")

    link = summary.get_by_role("link", name="Referrals:")
    link.click()
    field = page.locator("#id_referrals")
    expect(field).to_be_focused()
    expect(field).to_have_value("-1")  # what was typed is kept
    assert _in_view(page, "#id_referrals")


def test_without_javascript_the_errors_open_the_page(browser, owner, pilot):
    page = _send_minus_one_referral(browser, owner, pilot, javascript=False)

    first = page.locator("main > *").first
    expect(first).to_have_attribute("data-error-summary", "")
    assert _in_view(page, "[data-error-summary]")
    first.get_by_role("link", name="Referrals:").click()
    assert page.url.endswith("#id_referrals")
    assert _in_view(page, "#id_referrals")
