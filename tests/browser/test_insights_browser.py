"""Learning from results in a real browser, in Spanish and English, under the strict CSP:
the "What works for us" page with its inline SVG chart, the partner one-pager with its
language switch, and the live (htmx) cost check on the new-pilot page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from candidates.criteria import CRITERION_FIELDS
from candidates.models import Candidate
from pilots.models import Decision, Pilot
from semaforo.lib.codes import random_token
from tests.browser.conftest import LANGUAGES, log_in
from tests.conftest import make_candidate
from tests.pilots.conftest import make_pilot, set_hourly_value

pytestmark = pytest.mark.browser

WORDS = {
    "en": {
        "nav": "What works for us",
        "yellows": "2 of 3 finished yellow pilots",
        "chart": "Pilots promoted, with and without each point ticked at the start",
        "measurable": "8. Measurable",
        "too_few": "too few to tell",
        "one_pager": "A pilot together: Tienda Luna and Spa Serena",
        "other_language": "Español",
        "offer": "The offer",
        "hobby": "Expensive hobby.",
        "pays": "The expected margin covers the expected cost of coordination.",
        "start_anyway": (
            "I know the estimate looks like an expensive hobby and I still want to start."
        ),
        "start": "Start the pilot",
        "started": "Pilot started.",
        "cost": "$80",  # the workspace's dollars, whole amounts without decimals
        "margin": "$60",
    },
    "es": {
        "nav": "Qué nos funciona",
        "yellows": "2 de 3 pilotos amarillos terminados",
        "chart": "Pilotos promovidos, con y sin cada punto marcado al inicio",
        "measurable": "8. Se puede medir",
        "too_few": "muy pocos para saber",
        "one_pager": "Un piloto juntos: Tienda Luna y Spa Serena",
        "other_language": "English",
        "offer": "La oferta",
        "hobby": "Hobby caro.",
        "pays": "El margen esperado cubre el costo esperado de coordinación.",
        "start_anyway": "Sé que la estimación parece un hobby caro y quiero empezar igual.",
        "start": "Empezar el piloto",
        "started": "Piloto iniciado.",
        "cost": "US$\xa080",  # the dollar in neutral Spanish: symbol first, es separators
        "margin": "US$\xa060",
    },
}
OTHER = {"en": "es", "es": "en"}


def start(candidate: Candidate, owner, **fields) -> Pilot:
    """A pilot started today (the real date: no frozen clock here), with a two-line script."""
    fields.setdefault("offer", f"Offer of {candidate.name}")
    script = "Te recomiendo la tienda de al lado.\nDiles que vienes de parte del spa."
    return make_pilot(candidate, owner, start_date=timezone.localdate(), script=script, **fields)


def finished(workspace, owner, name: str, ticks, decision: Decision) -> None:
    candidate = make_candidate(workspace, name, ticks=ticks)
    start(candidate, owner).record_review(owner, {"decision": decision})


def add_history(workspace, owner) -> None:
    points = CRITERION_FIELDS
    finished(workspace, owner, "Verde", points, Decision.PROMOTE)
    finished(workspace, owner, "Amarillo 1", points[:4], Decision.PROMOTE)
    finished(workspace, owner, "Amarillo 2", (*points[:3], points[7]), Decision.PROMOTE)
    finished(workspace, owner, "Amarillo 3", points[:3], Decision.STOP_DISCARD)


@pytest.mark.parametrize(("locale", "language"), LANGUAGES)
def test_what_works_for_us(browser, owner, workspace, locale, language):
    words = WORDS[language]
    add_history(workspace, owner)
    page = browser.new_page(locale=locale)
    log_in(page, browser.url, owner.email)
    page.get_by_role("link", name=words["nav"], exact=True).click()
    expect(page).to_have_url(browser.url + reverse("dashboard:insights"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("h1")).to_have_text(words["nav"])
    expect(page.locator("[data-figure=yellow-alliances]")).to_have_text(words["yellows"])

    chart = page.get_by_role("img", name=words["chart"])
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["width"] > 200 and box["height"] > 200  # drawn, and scaled to the page
    # The legend's 2 swatches, then 2 bars a point: points 1–3 were ticked on every pilot,
    # so they have no bar "without" (the text says "no pilots" instead).
    expect(chart.locator("rect")).to_have_count(2 + 16 - 3)
    expect(chart).to_contain_text(words["measurable"])

    row = page.locator("tr[data-criterion=measurable]")
    expect(row.locator("th")).to_have_text(words["measurable"])
    expect(row.locator("td").last).to_have_text(words["too_few"])


@pytest.mark.parametrize(("locale", "language"), LANGUAGES)
def test_the_partner_reads_the_one_pager_in_their_language(
    browser, owner, workspace, locale, language
):
    words = WORDS[language]
    set_hourly_value(workspace, "55")
    pilot = start(
        make_candidate(workspace, "Spa Serena", ticks=5, notes="SECRET-NOTE"),
        owner,
        offer="10% en la primera compra",
        margin_per_sale=Decimal("73.19"),
        partner_benefit="Una comisión por venta",
        one_pager_token=random_token(),
    )
    url = browser.url + reverse("partners:one_pager", args=[pilot.one_pager_token])

    page = browser.new_page(locale=locale)  # the partner: no account, their own browser
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("h1")).to_have_text(words["one_pager"])
    expect(page.get_by_role("heading", name=words["offer"])).to_be_visible()
    expect(page.locator("[data-part=offer]")).to_have_text("10% en la primera compra")
    expect(page.locator("[data-part=script] li")).to_have_count(2)
    expect(page.locator("[data-part=measure]")).to_contain_text(pilot.tracking_code)
    expect(page.locator("main")).not_to_contain_text("SECRET-NOTE")
    expect(page.locator("main")).not_to_contain_text("73.19")
    expect(page.locator("main")).not_to_contain_text("73,19")

    page.get_by_role("link", name=words["other_language"], exact=True).click()
    other = OTHER[language]
    expect(page.locator("html")).to_have_attribute("lang", other)
    expect(page.locator("h1")).to_have_text(WORDS[other]["one_pager"])


@pytest.mark.parametrize(("locale", "language"), LANGUAGES)
def test_the_cost_check_follows_the_estimate_live(browser, owner, workspace, locale, language):
    words = WORDS[language]
    set_hourly_value(workspace, "20")
    candidate = make_candidate(workspace, "Spa Serena", ticks=4)
    page = browser.new_page(locale=locale)
    log_in(page, browser.url, owner.email)
    page.goto(browser.url + reverse("pilots:create", args=[candidate.code]))
    check = page.locator("#cost-check")

    page.evaluate("window.__noReload = 1")  # gone if the page were reloaded
    page.locator("#id_offer").fill("10% off")
    page.locator("#id_script").fill("Te va a encantar.")
    page.locator("#id_measurement").select_option("discount_code")
    page.locator("#id_margin_per_sale").fill("20")
    page.locator("#id_estimated_weekly_hours").fill("2")
    page.locator("#id_expected_sales").fill("3")
    page.locator("#id_expected_sales").blur()
    # 2 h × 2 weeks × 20 = 80 of cost against 3 × 20 = 60 of margin.
    expect(check.locator("[data-warning=hobby]")).to_contain_text(words["hobby"])
    expect(check.locator("[data-figure=expected-cost]")).to_have_text(words["cost"])
    expect(check.locator("[data-figure=expected-margin]")).to_have_text(words["margin"])

    page.locator("#id_expected_sales").fill("4")  # 80 against 80: not a hobby
    page.locator("#id_expected_sales").blur()
    expect(check).to_contain_text(words["pays"])
    expect(check.locator("[data-warning=hobby]")).to_have_count(0)
    assert page.evaluate("window.__noReload") == 1

    page.locator("#id_expected_sales").fill("3")
    page.locator("#id_expected_sales").blur()
    expect(check.locator("[data-warning=hobby]")).to_be_visible()
    page.get_by_label(words["start_anyway"]).check()
    page.get_by_role("button", name=words["start"], exact=True).click()
    expect(page.locator("#messages")).to_contain_text(words["started"])
    assert Pilot.objects.get(candidate=candidate).expected_sales == 3
