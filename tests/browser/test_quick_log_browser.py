"""The dashboard's one tap, in real Chromium on a 375 px phone: +1 referral updates the
pilot's row in place (htmx) and offers to undo it; without JavaScript the same buttons are
plain forms that come back to the dashboard with the undo."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from pilots.models import ResultEntry
from tests.browser.conftest import PHONE, log_in
from tests.conftest import make_candidate
from tests.pilots.conftest import make_pilot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_one_tap_logs_a_referral_and_undo_takes_it_back(browser, workspace, owner, javascript):
    candidate = make_candidate(workspace, "Spa Serena", ticks=4)
    pilot = make_pilot(candidate, owner, start_date=timezone.localdate())
    page = browser.new_page(javascript=javascript, **PHONE)
    log_in(page, browser.url, owner.email)
    row = page.locator(f"#quick-{pilot.code}")
    row.get_by_role("button", name="+1 referral").click()
    expect(page.locator(f"#quick-{pilot.code} [data-totals]")).to_contain_text("1 referral")
    assert ResultEntry.objects.get(pilot=pilot).referrals == 1
    page.locator(f"#quick-{pilot.code}").get_by_role("button", name="Undo +1 referral").click()
    expect(page.locator(f"#quick-{pilot.code} [data-totals]")).to_contain_text("0 referrals")
    assert not ResultEntry.objects.filter(pilot=pilot).exists()
    assert page.url == browser.url + reverse("dashboard:home")
