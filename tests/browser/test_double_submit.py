"""A double tap records once: "Add result" on the pilot page, and the partner's "I referred
someone" (logged out), in real Chromium on a phone, with and without JavaScript.

Django's test client cannot double-tap. Chromium can: on a slow mobile network the page
stays on screen while the first POST is on its way, and a second tap submits the same form
again. The browser then drops the first answer, but the server has handled both. Only a
one-time token carried by the form tells the two apart.

The slow network is Chromium's own (DevTools network emulation): each answer arrives
LATENCY_MS late, while the request itself reaches the server at once. The test waits until
the server has stored the first tap before making the second, so the double submit happens
on every run. (Playwright's dblclick() sends its second click with clickCount=2, which
Chromium does not submit again: it never reproduced the double result; two taps do.)
"""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from pilots.models import Pilot, ResultEntry, Source
from tests.browser.conftest import PHONE, http_errors, log_in
from tests.conftest import make_candidate
from tests.pilots.conftest import make_pilot

pytestmark = pytest.mark.browser

LATENCY_MS = 800
POLL_MS, FIRST_TAP_TIMEOUT_MS = 25, 5_000


@pytest.fixture
def pilot(workspace, owner) -> Pilot:
    candidate = make_candidate(workspace, "Spa Serena", ticks=4)
    return make_pilot(candidate, owner, start_date=timezone.localdate(), target=5)


def slow_network(page: Page) -> None:
    """Every answer takes LATENCY_MS more to come back, as on a phone with a weak signal."""
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": LATENCY_MS, "downloadThroughput": -1, "uploadThroughput": -1},
    )


def seen(stored) -> bool:
    """`stored()`, or False while the live server's write holds the test database: SQLite's
    shared in-memory database answers "table is locked" at once instead of waiting."""
    try:
        return stored()
    except OperationalError:
        return False


def double_tap(page: Page, button, stored) -> list[str]:
    """Tap `button`, wait until the server has `stored()` it while the page still waits for
    the answer, tap again on the same spot, and wait for the page that comes back. Returns
    the failed answers the page got."""
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    errors = http_errors(page)
    slow_network(page)
    page.touchscreen.tap(x, y)
    for _ in range(FIRST_TAP_TIMEOUT_MS // POLL_MS):
        if seen(stored):
            break
        page.wait_for_timeout(POLL_MS)  # through the page: Playwright's event loop turns
    else:
        pytest.fail(f"The first tap was never stored (answers: {errors}).")
    # The first answer is still on its way: the form is on screen, and the finger taps again.
    # Then a new page shows up (expect_navigation would follow the first, aborted one).
    with page.expect_event("framenavigated", lambda frame: frame == page.main_frame):
        page.touchscreen.tap(x, y)
    page.wait_for_load_state("load")
    return errors


def figure(page: Page, label: str):
    """The value next to a label in the pilot's results (<dt>label</dt><dd>value</dd>)."""
    return page.locator(f"xpath=//main//dt[normalize-space()='{label}']/following-sibling::dd[1]")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_double_tap_on_add_result_records_it_once(browser, owner, pilot, javascript):
    page = browser.new_page(**PHONE, javascript=javascript)
    log_in(page, browser.url, owner.email)
    detail_url = browser.url + reverse("pilots:detail", args=[pilot.code])
    page.goto(detail_url)
    form = page.locator(f"form[action='{reverse('pilots:result_add', args=[pilot.code])}']")
    form.locator("input[name=referrals]").fill("2")
    form.locator("input[name=sales]").fill("1")
    results = ResultEntry.objects.filter(pilot=pilot)

    errors = double_tap(
        page, form.get_by_role("button", name="Add result", exact=True), results.exists
    )

    assert list(results.values_list("referrals", "sales")) == [(2, 1)]
    # The second tap lands on the pilot page like the first would have (never an error
    # page: the token that was already used means "recorded", not "invalid form").
    assert (page.url, errors) == (detail_url, [])
    expect(figure(page, "Referrals")).to_have_text("2 / 5")
    expect(figure(page, "Sales")).to_have_text("1")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_double_tap_on_i_referred_someone_records_one_referral(browser, pilot, javascript):
    page = browser.new_page(**PHONE, javascript=javascript)  # the partner: logged out
    url = browser.url + reverse("partners:page", args=[pilot.partner_token])
    page.goto(url)
    referrals = ResultEntry.objects.filter(pilot=pilot, source=Source.PARTNER)

    errors = double_tap(
        page, page.get_by_role("button", name="I referred someone", exact=True), referrals.exists
    )

    assert list(referrals.values_list("referrals", flat=True)) == [1]
    assert (page.url, errors) == (url, [])
    expect(page.get_by_role("button", name="I referred someone", exact=True)).to_be_visible()
