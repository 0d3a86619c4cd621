"""In real Chromium on a 375 px phone: the partner of a referral programme, logged out,
records sales in one tap each (a double tap on a slow network records one), and the owner
reads the month's figures and the benefit owed on a running alliance's page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from alliances.models import Alliance, Benefit, Entry
from pilots.models import Source
from tests.alliances.running import referral_programme
from tests.browser.conftest import PHONE, http_errors, log_in
from tests.browser.test_double_submit import double_tap

pytestmark = pytest.mark.browser

WIDTH = PHONE["viewport"]["width"]


@pytest.fixture
def programme(alliance, owner) -> Alliance:
    return referral_programme(alliance, owner, "per_sale", "20")


def _fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= WIDTH, page.url


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_partner_records_sales_with_one_tap_each_on_a_phone(browser, programme, javascript):
    page = browser.new_page(**PHONE, javascript=javascript)  # the partner: logged out
    url = browser.url + reverse("partners:page", args=[programme.partner_token])
    page.goto(url)
    _fits_the_phone(page)
    sales = Entry.objects.filter(alliance=programme, source=Source.PARTNER, sales=1)
    sale = page.get_by_role("button", name="A sale was made", exact=True)

    errors = double_tap(page, sale, sales.exists)  # a double tap on a slow network
    assert (sales.count(), page.url, errors) == (1, url, [])
    expect(page.get_by_text("Thank you! The sale was recorded.")).to_be_visible()

    failures = http_errors(page)
    page.get_by_role("button", name="A sale was made", exact=True).click()
    expect(page.get_by_text("Thank you! The sale was recorded.")).to_be_visible()
    assert (sales.count(), Benefit.objects.filter(alliance=programme).count()) == (2, 2)
    assert failures == []
    _fits_the_phone(page)


def test_the_owner_reads_the_month_and_the_ledger_on_a_phone(browser, programme, owner):
    partner = browser.new_page(**PHONE)
    partner.goto(browser.url + reverse("partners:page", args=[programme.partner_token]))
    for _ in range(2):
        partner.get_by_role("button", name="A sale was made", exact=True).click()
        expect(partner.get_by_text("Thank you! The sale was recorded.")).to_be_visible()

    page = browser.new_page(**PHONE)
    log_in(page, browser.url, owner.email)
    page.goto(browser.url + reverse("alliances:detail", args=[programme.code]))
    sales = page.locator("[data-metric='2']")
    expect(sales.locator("[data-figure='this-month']")).to_have_text("2")
    expect(sales.get_by_role("img")).to_have_accessible_name(
        "Sales, month by month, against the monthly target"
    )
    expect(sales.get_by_role("img")).to_have_accessible_description(
        re.compile(r"December 2026: 2\. Target: 20\.")
    )
    _fits_the_phone(page)

    page.get_by_role("link", name="Benefits owed to the partner (ledger)").click()
    expect(page.locator("tr[data-month='total'] [data-figure='owed']")).to_have_text("$40")
    _fits_the_phone(page)
    page.locator("input[name=lines]").first.check()
    page.get_by_role("button", name="Mark the ticked lines paid").click()
    expect(page.get_by_text("1 line marked paid.")).to_be_visible()
    expect(page.locator("tr[data-month='total'] [data-figure='paid']")).to_have_text("$20")
