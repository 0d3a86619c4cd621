"""Every email's HTML on a 375 px phone, in real Chromium: no sideways scrolling (long names,
a long unbroken word, the largest amounts) and a main button at least 44 px tall."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE
from tests.sample_emails import ACTIONS, SITE, every_email, html_of

pytestmark = pytest.mark.browser

MIN_TAP = 44


@pytest.mark.parametrize("language", ["en", "es", "es-ar"])
def test_every_email_fits_a_phone_and_its_button_is_easy_to_tap(browser, owner, settings, language):
    settings.SITE_URL = SITE
    emails = every_email(owner, language)
    page = browser.new_page(locale=language, **PHONE)
    for name, message in emails.items():
        page.set_content(html_of(message))
        width = page.evaluate("document.documentElement.clientWidth")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width == 375, f"{name} ({language}) scrolls sideways: {scroll} px"
        button = page.locator("a[data-button]")
        assert button.count() == 1, name
        assert button.get_attribute("href").startswith(ACTIONS[name])
        box = button.bounding_box()
        assert box["height"] >= MIN_TAP, f"{name} ({language}): button {box['height']} px tall"
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, name
        assert page.title(), name
