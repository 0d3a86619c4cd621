"""The printable pages fit on one page, on A4 and on Letter (Chromium's print to PDF)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.browser.conftest import log_in
from tests.conftest import make_candidate
from tests.pilots.conftest import make_pilot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = "Una respuesta larga y detallada que ocupa varias líneas en la hoja impresa. " * 3


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.fixture
def printable(owner, workspace):
    candidate = make_candidate(
        workspace,
        "Spa Serena",
        ticks=6,
        **{f"filter_{k}": LONG for k in ("customer", "channel", "asset", "execution", "measure")},
    )
    evaluation = candidate.current_evaluation()
    for field in ("ideal_customer_note", "transferable_trust_note", "measurable_note"):
        setattr(evaluation, field, "Nota de ejemplo con algo de detalle. " * 4)
    evaluation.save()
    pilot = make_pilot(make_candidate(workspace, "Yoga Prana", ticks=4), owner, target=5)
    return {
        "blank": reverse("candidates:print_blank"),
        "evaluation": reverse("candidates:print", args=[candidate.code]),
        "card": reverse("pilots:detail", args=[pilot.code]),
    }


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("locale", ["es-ES", "en-US"])
def test_each_printable_page_fits_on_one_sheet(browser, owner, printable, paper, locale):
    page = browser.new_page(locale=locale)
    log_in(page, browser.url, owner.email)
    for name, url in printable.items():
        page.goto(browser.url + url)
        page.emulate_media(media="print")
        pdf = page.pdf(format=paper, print_background=True)
        assert _pages(pdf) == 1, f"{name} prints on {_pages(pdf)} {paper} pages"


def test_the_pilot_card_prints_alone(browser, owner, printable):
    page = browser.new_page()
    log_in(page, browser.url, owner.email)
    page.goto(browser.url + printable["card"])
    page.emulate_media(media="print")
    assert page.locator(".pilot-card").is_visible()
    assert not page.locator("nav").first.is_visible()
    assert not page.get_by_text("Log a result").is_visible()


def test_the_blank_checklist_is_open_to_visitors(browser, printable):
    page = browser.new_page(locale="es-ES")
    page.goto(browser.url + printable["blank"])
    assert page.get_by_text("Cliente ideal compatible").is_visible()
    assert page.get_by_text("6–8").is_visible()
