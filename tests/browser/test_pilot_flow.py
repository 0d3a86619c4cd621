"""The "Pilots" acceptance test in a real browser: from a yellow candidate, start a pilot,
see its card, log a result, open the review on the due date and promote it.

The clock is frozen (ticking) with time_machine in the test process. The live server runs in
a thread of this same process, so it sees the same calendar: the pilot starts on START and the
review is opened on its day 14. The test proves the server really is on day 14 by reading the
"Review due" badge off the pilot page before going on.

The review-day clock is set to 09:00, an hour *before* the time the pilot started: the session
made at login lasts two weeks to the second, and the owner must still be signed in.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import Page, expect

from candidates.models import Status
from candidates.scoring import MAX_SCORE
from pilots.models import Decision, Measurement, Outcome, Pilot, PilotStatus, Review
from tests.browser.conftest import LANGUAGES, log_in
from tests.conftest import make_candidate, make_user

pytestmark = pytest.mark.browser

START = datetime(2026, 12, 9, 10, 0, tzinfo=UTC)  # a Wednesday, in the workspace's zone (UTC)
REVIEW_DAY = START.date() + timedelta(days=14)
REVIEW_MORNING = datetime.combine(REVIEW_DAY, datetime.min.time(), UTC) + timedelta(hours=9)

NAME = "Spa Serena"
START_TICKS = 5  # yellow under the quick-score table (3–5); one more tick makes it green
OFFER = "10% off the first purchase"
SCRIPT_LINES = [
    "I recommend the shop next door: they care about every detail.",
    "With the code you get 10% off your first purchase.",
    "Tell them the spa sent you.",
]
LANDING = "https://spa-serena.example/offer"

WORDS = {
    "en": {
        "start_a_pilot": "Start a pilot",
        "tracked_link": "Tracked link",
        "start_the_pilot": "Start the pilot",
        "pilot_started": "Pilot started. Hand the pilot card to your partner.",
        "card_title": f"Pilot card – {NAME}",
        "referrals": "Referrals",
        "sales": "Sales",
        "add_result": "Add result",
        "result_logged": "Result logged.",
        "running": "Running",
        "review_due": "Review due",
        "reviews_due": "Reviews due",
        "review_now": "Review now",
        "yellow": "Yellow",
        "green": "Green",
        "promote": "Promote to strategic alliance",
        "save_review": "Save the review",
        "review_saved": "Review saved.",
        "finished": "Finished",
        "promoted": "Promoted to strategic alliance",
        "in_pilot": "In pilot",
        "alliance": "Alliance",
    },
    "es": {
        "start_a_pilot": "Empezar un piloto",
        "tracked_link": "Enlace con seguimiento",
        "start_the_pilot": "Empezar el piloto",
        "pilot_started": "Piloto iniciado. Entrega la tarjeta del piloto a tu socio.",
        "card_title": f"Tarjeta del piloto – {NAME}",
        "referrals": "Referidos",
        "sales": "Ventas",
        "add_result": "Agregar resultado",
        "result_logged": "Resultado registrado.",
        "running": "En curso",
        "review_due": "Revisión pendiente",
        "reviews_due": "Revisiones pendientes",
        "review_now": "Revisar ahora",
        "yellow": "Amarillo",
        "green": "Verde",
        "promote": "Promover a alianza estratégica",
        "save_review": "Guardar la revisión",
        "review_saved": "Revisión guardada.",
        "finished": "Terminado",
        "promoted": "Promovido a alianza estratégica",
        "in_pilot": "En piloto",
        "alliance": "Alianza",
    },
}


def figure(page: Page, label: str):
    """The value next to a label in a results list (<dt>label</dt><dd>value</dd>)."""
    return page.locator(f"xpath=//main//dt[normalize-space()='{label}']/following-sibling::dd[1]")


def state_badge(page: Page):
    return page.locator("h1 .badge")


def light(page: Page):
    """The checklist's live region that announces the light."""
    return page.get_by_role("status").filter(has=page.locator("[data-colour]"))


def expect_light(page: Page, words: dict, score: int, colour: str) -> None:
    region = light(page)
    expect(region).to_have_count(1)
    expect(region.locator("[data-colour]")).to_have_attribute("data-colour", colour)
    expect(region.locator(".light-score")).to_have_text(f"{score}/{MAX_SCORE}")
    expect(region.locator(".light-word")).to_have_text(words[colour])


def expect_message(page: Page, text: str) -> None:
    expect(page.locator("#messages")).to_contain_text(text)


def assert_unique_ids(page: Page) -> None:
    """Every id on the page is unique, so each <label for> points at its own field."""
    duplicates = page.evaluate(
        """() => {
          const seen = new Set(), twice = new Set();
          for (const el of document.querySelectorAll("[id]")) {
            (seen.has(el.id) ? twice : seen).add(el.id);
          }
          return [...twice];
        }"""
    )
    assert duplicates == [], f"duplicate ids on {page.url}: {duplicates}"


@pytest.mark.parametrize(("locale", "language"), LANGUAGES)
def test_yellow_candidate_to_promoted_pilot(browser, locale, language):
    words = WORDS[language]
    with time_machine.travel(START, tick=True):
        owner = make_user(f"owner-{language}@example.com")
        workspace = owner.create_workspace("Tienda Luna")
        candidate = make_candidate(workspace, NAME, ticks=START_TICKS)
        assert candidate.current_evaluation().colour == "yellow"

        page = browser.new_page(locale=locale)
        log_in(page, browser.url, owner.email)
        expect(page.locator("html")).to_have_attribute("lang", language)

        # The candidate's page: a yellow light offers a pilot.
        page.goto(browser.url + reverse("candidates:detail", args=[candidate.code]))
        expect(page.locator("h1")).to_have_text(NAME)
        expect_light(page, words, START_TICKS, "yellow")
        page.get_by_role("link", name=words["start_a_pilot"], exact=True).click()
        expect(page).to_have_url(browser.url + reverse("pilots:create", args=[candidate.code]))

        # The minimum pilot package.
        expect(page.locator("#id_start_date")).to_have_value(START.date().isoformat())
        page.locator("#id_offer").fill(OFFER)
        page.locator("#id_script").fill("\n".join(SCRIPT_LINES))
        page.locator("#id_measurement").select_option(label=words["tracked_link"])
        page.locator("#id_landing_url").fill(LANDING)
        page.locator("#id_length_days").fill("14")
        page.locator("#id_target").fill("5")
        create_url = page.url
        page.get_by_role("button", name=words["start_the_pilot"], exact=True).click()
        page.wait_for_url(lambda url: url != create_url)

        # The pilot card, ready to hand to the partner.
        pilot = Pilot.objects.get(candidate=candidate)
        pilot_url = browser.url + reverse("pilots:detail", args=[pilot.code])
        expect(page).to_have_url(pilot_url)
        expect_message(page, words["pilot_started"])
        expect(state_badge(page)).to_have_text(words["running"])
        card = page.locator("section.pilot-card")
        expect(card.locator("#card-title")).to_have_text(words["card_title"])
        expect(card).to_contain_text(OFFER)
        expect(card.locator("ol li")).to_have_text(SCRIPT_LINES)
        expect(card).to_contain_text(words["tracked_link"])
        expect(card.locator(".font-monospace")).to_have_text(pilot.tracking_code)
        expect(card).to_contain_text(reverse("partners:track", args=[pilot.tracking_code]))
        expect(figure(page, words["referrals"])).to_have_text("0 / 5")
        expect(figure(page, words["sales"])).to_have_text("0")
        assert_unique_ids(page)  # the result and coordination forms share field names

        # Log a result: 2 referrals, 1 sale.
        results_action = reverse("pilots:result_add", args=[pilot.code])
        results_form = page.locator(f"form[action='{results_action}']")
        results_form.locator("input[name=referrals]").fill("2")
        results_form.locator("input[name=sales]").fill("1")
        with page.expect_navigation():
            results_form.get_by_role("button", name=words["add_result"], exact=True).click()
        expect(page).to_have_url(pilot_url)
        expect_message(page, words["result_logged"])
        expect(figure(page, words["referrals"])).to_have_text("2 / 5")
        expect(figure(page, words["sales"])).to_have_text("1")
        expect(page.locator("progress#progress")).to_have_attribute("value", "40")
        browser.problems.assert_none()

        # Day 14, in the morning. The server shares this process's clock: prove it.
        with time_machine.travel(REVIEW_MORNING, tick=True):
            page.reload()
            expect(page).to_have_url(pilot_url)  # still signed in
            expect(state_badge(page)).to_have_text(re.compile(re.escape(words["review_due"])))

            # The dashboard lists it under "Reviews due".
            page.locator(f"nav a[href='{reverse('dashboard:home')}']:visible").first.click()
            expect(page).to_have_url(browser.url + reverse("dashboard:home"))
            due = page.locator("section[aria-labelledby=due-title]")
            expect(due.locator("h2")).to_have_text(words["reviews_due"])
            item = due.locator("li.due-item").filter(has_text=NAME)
            expect(item).to_have_count(1)
            assert_unique_ids(page)
            expect(item).to_contain_text(OFFER)
            expect(item).to_contain_text(words["review_due"])
            item.get_by_role("link", name=words["review_now"], exact=True).click()
            review_url = browser.url + reverse("pilots:review", args=[pilot.code])
            expect(page).to_have_url(review_url)
            expect(figure(page, words["referrals"])).to_have_text("2 / 5")
            expect(figure(page, words["sales"])).to_have_text("1")
            assert_unique_ids(page)

            # The checklist again, prefilled: one more tick turns the light green, live.
            boxes = page.locator(".checklist input[type=checkbox]")
            expect(boxes).to_have_count(MAX_SCORE)
            for index in range(MAX_SCORE):
                if index < START_TICKS:
                    expect(boxes.nth(index)).to_be_checked()
                else:
                    expect(boxes.nth(index)).not_to_be_checked()
            expect_light(page, words, START_TICKS, "yellow")
            page.evaluate("window.__marker = 1")
            documents = []
            page.on(
                "request",
                lambda request: (
                    request.resource_type == "document" and documents.append(request.url)
                ),
            )
            boxes.nth(START_TICKS).check()
            expect_light(page, words, START_TICKS + 1, "green")
            assert page.evaluate("window.__marker") == 1
            assert documents == []
            browser.problems.assert_none()

            # Promote it.
            page.get_by_role("radio", name=words["promote"], exact=True).check()
            with page.expect_navigation():
                page.get_by_role("button", name=words["save_review"], exact=True).click()
            expect(page).to_have_url(pilot_url)
            expect_message(page, words["review_saved"])
            expect(state_badge(page)).to_have_text(words["finished"])
            expect(page.locator("main")).to_contain_text(words["promoted"])
            # Finished: no more review button, no more result form.
            review_path = reverse("pilots:review", args=[pilot.code])
            expect(page.locator(f"main a[href='{review_path}']")).to_have_count(0)
            expect(page.get_by_role("button", name=words["add_result"])).to_have_count(0)

            # The candidate is now an alliance.
            page.locator(
                f"main a[href='{reverse('candidates:detail', args=[candidate.code])}']"
            ).first.click()
            expect(page).to_have_url(
                browser.url + reverse("candidates:detail", args=[candidate.code])
            )
            status_line = page.locator("h1 + p")
            expect(status_line).to_contain_text(words["alliance"])
            expect(status_line).not_to_contain_text(words["in_pilot"])
            expect(page.locator("#pilot-panel-title + ul")).to_contain_text(words["promoted"])
            expect_light(page, words, START_TICKS + 1, "green")
            browser.problems.assert_none()

    # What the database says.
    pilot.refresh_from_db()
    candidate.refresh_from_db()
    assert (pilot.status, pilot.outcome) == (PilotStatus.FINISHED, Outcome.PROMOTED)
    assert pilot.finished_at.date() == REVIEW_DAY
    assert (pilot.offer, pilot.script_lines(), pilot.measurement, pilot.landing_url) == (
        OFFER,
        SCRIPT_LINES,
        Measurement.TRACKED_LINK,
        LANDING,
    )
    assert (pilot.start_date, pilot.length_days, pilot.review_date, pilot.target) == (
        START.date(),
        14,
        REVIEW_DAY,
        5,
    )
    assert candidate.status == Status.ALLIANCE

    review = Review.objects.get(pilot=pilot)
    assert review.decision == Decision.PROMOTE
    assert review.created_at.date() == REVIEW_DAY
    assert (review.referrals, review.sales, review.reviewed_by) == (2, 1, owner)

    # The re-run checklist is frozen in the candidate's history, after the pilot's prediction.
    history = list(candidate.evaluations.filter(frozen_at__isnull=False).order_by("frozen_at"))
    assert history == [pilot.start_evaluation, review.evaluation]
    assert (pilot.start_evaluation.score, pilot.start_evaluation.colour) == (START_TICKS, "yellow")
    assert (review.evaluation.score, review.evaluation.colour) == (START_TICKS + 1, "green")
    assert review.evaluation.frozen_at.date() == REVIEW_DAY
    current = candidate.current_evaluation()
    assert current.frozen_at is None
    assert (current.score, current.colour) == (START_TICKS + 1, "green")
