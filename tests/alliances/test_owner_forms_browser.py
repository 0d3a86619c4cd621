"""In real Chromium on a 375 px phone, the owner's forms on a running alliance: a result line
and coordination time double-tapped on a slow network record once; marking a ledger line
paid twice pays once; and a design saved from a stale second tab keeps what a teammate's tab
saved meanwhile."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from alliances.models import Alliance, Benefit, Entry, TimeEntry
from tests.alliances.running import log, referral_programme
from tests.browser.conftest import PHONE, http_errors, log_in
from tests.browser.test_double_submit import double_tap

pytestmark = pytest.mark.browser


@pytest.fixture
def programme(alliance, owner) -> Alliance:
    return referral_programme(alliance, owner, "per_sale", "20")


def _phone(browser, owner):
    page = browser.new_page(**PHONE)
    log_in(page, browser.url, owner.email)
    return page


def test_a_double_tap_on_add_result_and_add_time_records_each_once(browser, programme, owner):
    page = _phone(browser, owner)
    page.goto(browser.url + reverse("alliances:detail", args=[programme.code]))
    result = page.locator("form", has=page.get_by_role("button", name="Add result"))
    result.get_by_label("Sales").fill("3")
    lines = Entry.objects.filter(alliance=programme, sales=3)
    errors = double_tap(page, result.get_by_role("button", name="Add result"), lines.exists)
    assert (lines.count(), errors) == (1, [])
    assert Benefit.objects.filter(alliance=programme).count() == 1  # owed once

    time = page.locator("form", has=page.get_by_role("button", name="Add time"))
    time.get_by_label("Minutes").fill("45")
    time.get_by_label("What it was").select_option("meeting")
    times = TimeEntry.objects.filter(alliance=programme, minutes=45)
    errors = double_tap(page, time.get_by_role("button", name="Add time"), times.exists)
    assert (times.count(), errors) == (1, [])


def test_marking_a_line_paid_twice_pays_it_once(browser, programme, owner):
    log(programme, sales=1)
    page = _phone(browser, owner)
    page.goto(browser.url + reverse("alliances:ledger", args=[programme.code]))
    page.locator("input[name=lines]").first.check()
    paid = Benefit.objects.filter(alliance=programme, paid_on__isnull=False)
    button = page.get_by_role("button", name="Mark the ticked lines paid")
    assert double_tap(page, button, paid.exists) == []
    assert paid.count() == 1


def test_a_design_saved_from_a_stale_tab_keeps_the_other_tabs_answer(browser, alliance, owner):
    first = _phone(browser, owner)
    design = browser.url + reverse("alliances:design", args=[alliance.code])
    first.goto(design)
    second = browser.new_tab(first)
    second.goto(design)
    errors = http_errors(first) + http_errors(second)

    second.get_by_label("How are they served?").fill("Con turno por WhatsApp")
    second.get_by_role("button", name="Save design").click()
    expect(second.get_by_text("Design saved.")).to_be_visible()

    first.get_by_label("How is a customer passed to you? (1–2 steps)").fill("Le dan la tarjeta")
    first.get_by_role("button", name="Save design").click()
    expect(first.get_by_text("Design saved.")).to_be_visible()

    alliance.refresh_from_db()
    assert (alliance.how_passed, alliance.how_served) == (
        "Le dan la tarjeta",
        "Con turno por WhatsApp",
    )
    assert errors == []
