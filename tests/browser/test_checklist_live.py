"""The live checklist in a real browser: a new user signs up, adds a candidate and ticks the
8-point checklist; the light, grey until the first tick, turns red → yellow → green without
a page load, and the ticks survive a reload. In English and in Spanish, and once more with
JavaScript off."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import User
from candidates.models import Candidate
from candidates.scoring import MAX_SCORE, PRESETS, Rule, colour_for
from tests.browser.conftest import LANGUAGES
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

WORDS = {
    "en": {"red": "Red", "yellow": "Yellow", "green": "Green"},
    "es": {"red": "Rojo", "yellow": "Amarillo", "green": "Verde"},
}


def expected_colour(score: int) -> str:
    """The default rule (the article's quick-score table) a new workspace starts with."""
    return colour_for(score, PRESETS[Rule.QUICK_SCORE]).value


def sign_up(page: Page, base_url: str, email: str) -> None:
    """Through the real sign-up form; field ids do not depend on the language."""
    page.goto(base_url + reverse("accounts:signup"))
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#id_business_name").fill("Panadería Sol")
    signup_url = page.url
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: url != signup_url)  # signed in: off to the user's start page


def add_candidate(page: Page, base_url: str, name: str) -> Candidate:
    page.goto(base_url + reverse("candidates:list"))
    page.locator(f"main a[href='{reverse('candidates:create')}']").first.click()
    expect(page).to_have_url(base_url + reverse("candidates:create"))
    page.locator("#id_name").fill(name)
    create_url = page.url
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: url != create_url)  # saved: the server has created it
    candidate = Candidate.objects.get(name=name)
    expect(page).to_have_url(base_url + reverse("candidates:detail", args=[candidate.code]))
    expect(page.locator("h1")).to_have_text(name)
    return candidate


def light(page: Page):
    """The live region that announces the light (role="status", not the flash messages)."""
    return page.get_by_role("status").filter(has=page.locator("[data-colour]"))


def expect_light(page: Page, language: str, score: int) -> str:
    colour = expected_colour(score)
    region = light(page)
    expect(region).to_have_count(1)
    expect(region.locator("[data-colour]")).to_have_attribute("data-colour", colour)
    expect(region.locator("[data-colour]")).to_have_class(re.compile(rf"\blight-{colour}\b"))
    expect(region.locator(".light-score")).to_have_text(f"{score}/{MAX_SCORE}")
    expect(region.locator(".light-word")).to_have_text(WORDS[language][colour])
    expect(region).to_contain_text(WORDS[language][colour])
    expect(region).to_contain_text(f"{score}/{MAX_SCORE}")
    return colour


def expect_not_scored_yet(page: Page) -> str:
    """Before the first tick: grey, no colour word, no score, no advice."""
    region = light(page)
    expect(region.locator("[data-colour]")).to_have_attribute("data-colour", "unscored")
    expect(region.locator(".light-score")).to_have_count(0)
    for word in ("red", "yellow", "green"):
        expect(region).not_to_contain_text(WORDS["en"][word])
    return "unscored"


def checkboxes(page: Page):
    boxes = page.locator(".checklist input[type=checkbox]")
    expect(boxes).to_have_count(MAX_SCORE)
    return boxes


@pytest.mark.parametrize(("locale", "language"), LANGUAGES)
def test_ticks_turn_the_light_live_and_survive_a_reload(browser, locale, language):
    page = browser.new_page(locale=locale)
    email = f"new-{language}@example.com"
    sign_up(page, browser.url, email)
    assert User.objects.get(email=email).workspaces().get().name == "Panadería Sol"
    expect(page.locator("html")).to_have_attribute("lang", language)

    candidate = add_candidate(page, browser.url, "Spa Serena")
    boxes = checkboxes(page)
    seen = [expect_not_scored_yet(page)]

    # Proof that no page load happens while ticking: a marker on window survives, and no
    # document request is made.
    page.evaluate("window.__marker = 1")
    documents = []
    page.on(
        "request",
        lambda request: request.resource_type == "document" and documents.append(request.url),
    )
    for ticked in range(1, MAX_SCORE + 1):
        boxes.nth(ticked - 1).check()
        colour = expect_light(page, language, ticked)
        if colour != seen[-1]:
            seen.append(colour)
    assert seen == ["unscored", "red", "yellow", "green"]
    assert page.evaluate("window.__marker") == 1
    assert documents == []
    browser.problems.assert_none()

    evaluation = candidate.current_evaluation()
    assert (evaluation.score, evaluation.colour) == (MAX_SCORE, "green")

    page.reload()
    assert page.evaluate("typeof window.__marker") == "undefined"
    for index in range(MAX_SCORE):
        expect(checkboxes(page).nth(index)).to_be_checked()
    expect_light(page, language, MAX_SCORE)
    browser.problems.assert_none()


def test_without_javascript_the_save_button_scores_the_checklist(browser):
    page = browser.new_page(javascript=False)
    sign_up(page, browser.url, "no-js@example.com")
    candidate = add_candidate(page, browser.url, "Librería Norte")
    boxes = checkboxes(page)
    expect_not_scored_yet(page)

    for index in range(4):
        boxes.nth(index).check()
    # Nothing is sent until the form is submitted.
    expect_not_scored_yet(page)

    with page.expect_navigation():
        page.locator(".checklist-form button[type=submit]").click()
    expect(page).to_have_url(browser.url + reverse("candidates:detail", args=[candidate.code]))
    expect(page.locator("#messages")).to_contain_text("Checklist saved.")
    expect_light(page, "en", 4)
    for index in range(MAX_SCORE):
        box = checkboxes(page).nth(index)
        if index < 4:
            expect(box).to_be_checked()
        else:
            expect(box).not_to_be_checked()
    assert candidate.current_evaluation().colour == "yellow"
    browser.problems.assert_none()
