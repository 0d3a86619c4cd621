"""The agreement link, in real Chromium on a 375 px phone: the owner makes it (a double tap
makes one link) in the partner's language, the partner opens it logged out and reads the
agreement on the phone, and the owner revokes it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from alliances.models import Alliance
from tests.alliances.conftest import complete
from tests.browser.conftest import PHONE, log_in
from tests.browser.test_double_submit import double_tap

pytestmark = pytest.mark.browser

WIDTH = PHONE["viewport"]["width"]


@pytest.fixture
def active(alliance, owner) -> Alliance:
    complete(alliance, metrics=2)
    assert alliance.activate(owner, alliance.workspace.today())
    return alliance


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_owner_shares_the_agreement_and_the_partner_reads_it_on_a_phone(
    browser, owner, active, javascript
):
    page = browser.new_page(javascript=javascript, **PHONE)
    log_in(page, browser.url, owner.email)
    detail = browser.url + reverse("alliances:detail", args=[active.code])
    page.goto(detail)
    page.get_by_label("Partner's language").select_option("en")
    tokens = Alliance.objects.filter(pk=active.pk, one_pager_token__isnull=False)
    button = page.get_by_role("button", name="Create the agreement link")

    errors = double_tap(page, button, tokens.exists)

    assert errors == []
    # The page the second tap brings: the link the first one made, kept.
    expect(page.locator("main")).to_contain_text("its link stays the same")
    active.refresh_from_db()
    url = browser.url + reverse("partners:one_pager", args=[active.one_pager_token])
    expect(page.locator("#agreement a.text-break")).to_have_text(url)  # the one link made
    assert page.evaluate("document.scrollingElement.scrollWidth") <= WIDTH

    partner = browser.new_page(locale="es-AR", javascript=javascript, **PHONE)
    partner.goto(url)
    expect(partner.get_by_role("heading", level=1)).to_have_text(
        "Our agreement: Tienda Luna and Café Aurora"
    )
    expect(partner.locator("[data-part=metrics]")).to_contain_text("Referrals: 10 a month")
    assert partner.evaluate("document.scrollingElement.scrollWidth") <= WIDTH

    page.get_by_role("button", name="Revoke the agreement link").click()
    expect(page.locator("main")).to_contain_text("The agreement link no longer works.")
    assert partner.goto(url).status == 404
    browser.problems.expected("404")
