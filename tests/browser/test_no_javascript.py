"""Without JavaScript, on a 375 px phone: the menu still opens and reaches every section.

The menu is a <details> (and so are the Settings and workspace menus inside it): a tap opens
it with scripts off, where Bootstrap's collapse never opened at all. From the dashboard, an
owner reaches the candidates, the pilots, "What works for us", the team, the three settings
pages, their preferences, a new workspace, the password change, switches workspace and logs
out — every step through the menu, in every language of the site. The link names come from
the catalogues, so a new language is walked as soon as it is listed in settings.LANGUAGES.
On a phone the reviews due stay in sight beside the menu button; on a laptop the links show
without opening anything. With scripts on, app.js makes the menus close like menus.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, log_in
from tests.sample_pages import populate

pytestmark = pytest.mark.browser

WIDTH = PHONE["viewport"]["width"]
LAPTOP = {"viewport": {"width": 1366, "height": 768}}
# (the menu inside the main menu, or None; the link's words; where it leads)
SECTIONS = [
    (None, "Dashboard", "dashboard:home"),
    (None, "Candidates", "candidates:list"),
    (None, "Pilots", "pilots:list"),
    (None, "What works for us", "dashboard:insights"),
    (None, "Team", "accounts:members"),
    ("Settings", "Scoring rule", "candidates:scoring"),
    ("Settings", "Pilot settings", "pilots:settings"),
    ("Settings", "Workspace settings", "accounts:workspace_settings"),
    ("workspace", "My preferences", "accounts:preferences"),
    ("workspace", "New workspace…", "accounts:workspace_create"),
    ("workspace", "Change password", "password_change"),
]
LANGUAGES = [pytest.param(code, id=code) for code, _name in settings.LANGUAGES]


def phone_without_javascript(browser, owner, language: str) -> Page:
    owner.language = language
    owner.save(update_fields=["language"])
    page = browser.new_page(javascript=False, **PHONE)
    log_in(page, browser.url, owner.email)
    return page


def menu(page: Page):
    return page.locator("nav .site-menu")


def open_menu(page: Page, submenu: str | None, workspace_name: str) -> None:
    """Open the main menu, and the menu inside it that holds the link, with taps only."""
    expect(page.locator("#nav")).to_be_hidden()
    menu(page).locator(":scope > summary").tap()
    expect(page.locator("#nav")).to_be_visible()
    if submenu is not None:
        words = workspace_name if submenu == "workspace" else gettext(submenu)
        summary = page.locator("#nav .nav-dropdown > summary", has_text=words)
        summary.tap()
        expect(summary.locator("xpath=..").locator(".dropdown-menu")).to_be_visible()


def starting(words: str) -> re.Pattern:
    """An accessible name that starts with these words (a link may carry a badge)."""
    return re.compile(rf"^{re.escape(words)}(\s|$)")


def assert_fits(page: Page) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= WIDTH, page.url


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_section_through_the_menu_without_javascript(browser, owner, workspace, language):
    populate(workspace, owner)
    other = owner.create_workspace("Segunda Tienda")
    page = phone_without_javascript(browser, owner, language)
    with translation.override(language):
        for submenu, words, name in SECTIONS:
            page.goto(browser.url + reverse("dashboard:home"))
            open_menu(page, submenu, workspace.name)
            assert_fits(page)
            page.locator("#nav").get_by_role("link", name=starting(gettext(words))).tap()
            expect(page).to_have_url(browser.url + reverse(name))
            expect(page.locator("h1")).to_be_visible()
            expect(page.locator("#nav")).to_be_hidden()  # a new page: the menu is closed
            assert_fits(page)

        # The workspace switch is a form in the workspace menu: a plain POST.
        page.goto(browser.url + reverse("candidates:list"))
        open_menu(page, "workspace", workspace.name)
        page.locator("#nav").get_by_role("button", name=other.name, exact=True).tap()
        expect(page).to_have_url(browser.url + reverse("candidates:list"))
        current = page.locator("#nav .nav-dropdown > summary", has_text=other.name)
        expect(current).to_have_count(1)

        open_menu(page, "workspace", other.name)
        with page.expect_navigation():
            page.locator("#nav").get_by_role("button", name=gettext("Log out"), exact=True).tap()
        page.goto(browser.url + reverse("dashboard:home"))
        expect(page).to_have_url(f"{browser.url}{reverse('login')}?next=/dashboard/")


def test_the_due_reviews_show_beside_the_menu_button_on_a_phone(browser, owner, workspace):
    populate(workspace, owner)  # one pilot due for review today
    page = phone_without_javascript(browser, owner, "en")
    page.goto(browser.url + reverse("candidates:list"))
    badge = page.locator("nav .due-badge")
    expect(badge).to_be_visible()
    expect(badge).to_have_accessible_name(starting("1"))
    toggle = menu(page).locator(":scope > summary")
    badge_box, toggle_box = badge.bounding_box(), toggle.bounding_box()
    # On the bar, just left of the menu button, and a full tap target.
    assert badge_box["x"] + badge_box["width"] <= toggle_box["x"] + 1
    assert toggle_box["x"] - (badge_box["x"] + badge_box["width"]) <= 16
    assert (
        abs(
            (badge_box["y"] + badge_box["height"] / 2)
            - (toggle_box["y"] + toggle_box["height"] / 2)
        )
        <= 4
    )
    assert badge_box["width"] >= 44 and badge_box["height"] >= 44, badge_box
    assert toggle_box["width"] >= 44 and toggle_box["height"] >= 44, toggle_box
    expect(page.locator("#nav")).to_be_hidden()
    badge.tap()
    expect(page).to_have_url(browser.url + reverse("dashboard:home"))


def test_on_a_laptop_the_menu_shows_its_links_without_javascript(browser, owner, workspace):
    populate(workspace, owner)
    owner.language = "en"
    owner.save(update_fields=["language"])
    page = browser.new_page(javascript=False, **LAPTOP)
    log_in(page, browser.url, owner.email)
    nav = page.get_by_role("navigation", name="Main")
    expect(menu(page).locator(":scope > summary")).to_be_hidden()
    expect(page.locator("nav .due-badge")).to_be_hidden()  # the Dashboard link has its own
    expect(nav.get_by_role("link", name=starting("Dashboard"))).to_contain_text("1")
    for words in ("Candidates", "Pilots", "What works for us", "Team"):
        expect(nav.get_by_role("link", name=words, exact=True)).to_be_visible()
    # Settings drops down over the page, and closes again, without a script.
    settings_menu = page.locator("nav .nav-dropdown > summary", has_text="Settings")
    settings_menu.click()
    link = nav.get_by_role("link", name="Pilot settings", exact=True)
    expect(link).to_be_visible()
    assert link.bounding_box()["y"] > settings_menu.bounding_box()["y"]
    settings_menu.click()
    expect(link).to_be_hidden()
    link_box = nav.get_by_role("link", name="Team", exact=True).bounding_box()
    assert link_box["height"] >= 44


def test_with_javascript_the_menus_close_like_menus(browser, owner, workspace):
    """What app.js adds: one menu open at a time, a tap outside or Escape closes it."""
    owner.create_workspace("Segunda Tienda")
    owner.language = "en"
    owner.save(update_fields=["language"])
    page = browser.new_page(**LAPTOP)
    log_in(page, browser.url, owner.email)
    settings_menu = page.locator("nav .nav-dropdown", has_text="Settings")
    account_menu = page.locator("nav .nav-dropdown", has_text=workspace.name)
    settings_menu.locator(":scope > summary").click()
    expect(settings_menu).to_have_attribute("open", "")
    account_menu.locator(":scope > summary").click()
    expect(account_menu).to_have_attribute("open", "")
    expect(settings_menu).not_to_have_attribute("open", "")
    page.locator("h1").click()
    expect(account_menu).not_to_have_attribute("open", "")

    settings_menu.locator(":scope > summary").focus()
    page.keyboard.press("Enter")
    expect(settings_menu).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(settings_menu).not_to_have_attribute("open", "")
    expect(settings_menu.locator(":scope > summary")).to_be_focused()
