"""The alliances acceptance line, end to end in real Chromium on a 375 px phone, in each
language of the site that the browser's locale picks (es-ar, en):

    a yellow pilot promoted at review → design the alliance → the partner records two sales
    on their page (logged out) → the month's metric shows 2 of its target and the benefit
    owed → the review is due → decision "adjust" keeps the old design in history.

Everything the owner and the partner do goes through the pages. The expected words come from
the catalogues (gettext under the page's language), the amounts from the same formatting the
pages use, so nothing here is written in one language only. The calendar is the pilots' known
day (the autouse `clock` of tests/pilots/conftest.py, shared with the live server's thread).
"""

from __future__ import annotations

import zoneinfo
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from playwright.sync_api import Page, expect

from alliances.models import Alliance, Benefit, DesignVersion, Entry, Review, State
from alliances.models import Decision as AllianceDecision
from candidates.models import Kind, Status
from pilots.models import Decision as PilotDecision
from pilots.models import Outcome, Pilot, PilotStatus, Source
from semaforo.lib.money import format_money, format_number
from tests.alliances.conftest import ANSWERS
from tests.browser.conftest import PHONE, http_errors, log_in
from tests.conftest import make_candidate
from tests.pilots.conftest import TODAY, make_pilot

pytestmark = pytest.mark.browser

WIDTH = PHONE["viewport"]["width"]
# (browser locale, the site language it picks): Rioplatense Spanish and English.
FLOW_LANGUAGES = [pytest.param("es-AR", "es-ar", id="es-ar"), pytest.param("en-US", "en", id="en")]

NAME = "Spa Serena"
PERCENT = "10"  # the partner's benefit: 10 % of each sale
MARGIN = "30"
TARGET, NEW_TARGET = 5, 8
# What the partner types as each sale's amount; 10 % of them is owed, to the cent.
SALES = [Decimal("1255"), Decimal("980")]
OWED = [Decimal("125.50"), Decimal("98.00")]


class Words:
    """The page's words in one language, from the catalogues."""

    def __init__(self, language: str, currency: str):
        self.language, self.currency = language, currency

    def __call__(self, message: str, **values) -> str:
        with translation.override(self.language):
            text = translation.gettext(message)
        return text % values if values else text

    def label(self, choice) -> str:
        """A choice's label (the alliance's state says "Activa": its own context)."""
        with translation.override(self.language):
            return str(choice.label)

    def field(self, model, name: str) -> str:
        """A model field's label as a form shows it (its verbose name, capitalised)."""
        with translation.override(self.language):
            return str(capfirst(model._meta.get_field(name).verbose_name))

    def money(self, amount: Decimal) -> str:
        with translation.override(self.language):
            return format_money(amount, self.currency)

    def number(self, value) -> str:
        with translation.override(self.language):
            return format_number(value)

    def moment(self, when, time_zone: str) -> str:
        """A date and time as the design history shows it (SHORT_DATETIME_FORMAT)."""
        local = timezone.localtime(when, zoneinfo.ZoneInfo(time_zone))
        with translation.override(self.language):
            return formats.date_format(local, "SHORT_DATETIME_FORMAT")


def _fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= WIDTH, page.url


def _expect_message(page: Page, text: str) -> None:
    expect(page.locator("#messages")).to_contain_text(text)


def _list_after(page: Page, heading: str):
    """The items of the list that follows a section's heading."""
    title = page.get_by_role("heading", name=heading, exact=True)
    return title.locator("xpath=following-sibling::ul[1]/li")


@pytest.fixture
def pilot_due(workspace, owner) -> Pilot:
    """A yellow candidate's pilot, started 14 days ago: its review is due today."""
    candidate = make_candidate(workspace, NAME, ticks=4)
    assert candidate.current_evaluation().colour == "yellow"
    pilot = make_pilot(candidate, owner, start_date=TODAY - timedelta(days=14))
    assert pilot.review_date == workspace.today() == TODAY
    return pilot


@pytest.mark.parametrize(("locale", "language"), FLOW_LANGUAGES)
def test_promoted_pilot_to_adjusted_alliance_on_a_phone(
    browser, owner, workspace, pilot_due, locale, language
):
    words = Words(language, workspace.currency)
    pilot, candidate = pilot_due, pilot_due.candidate

    page = browser.new_page(locale=locale, **PHONE)
    failures = http_errors(page)
    log_in(page, browser.url, owner.email)
    expect(page.locator("html")).to_have_attribute("lang", language)

    # 1. The pilot's review: promote it to strategic alliance.
    pilot_url = browser.url + reverse("pilots:detail", args=[pilot.code])
    page.goto(browser.url + reverse("pilots:review", args=[pilot.code]))
    page.get_by_role("radio", name=words("Promote to strategic alliance"), exact=True).check()
    page.get_by_role("button", name=words("Save the review"), exact=True).click()
    expect(page).to_have_url(pilot_url)
    _expect_message(page, words("Review saved."))
    _fits_the_phone(page)

    # 2. From the pilot's page into the design: a referral programme, 10 % of each sale.
    page.get_by_role("button", name=words("Design the alliance"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        words("Design the alliance with %(name)s", name=NAME)
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text(words("In design"))
    alliance = Alliance.objects.get(candidate=candidate)
    design_url = browser.url + reverse("alliances:design", args=[alliance.code])
    detail_url = browser.url + reverse("alliances:detail", args=[alliance.code])
    expect(page).to_have_url(design_url)
    _fits_the_phone(page)

    page.get_by_label(words.field(Alliance, "kind")).select_option(Kind.REFERRAL)
    page.get_by_label(words("How is a customer passed to you? (1–2 steps)")).fill(
        ANSWERS["how_passed"]
    )
    page.get_by_label(words("How are they served?")).fill(ANSWERS["how_served"])
    page.get_by_label(words("How is it charged, and what does each side get?")).fill(
        ANSWERS["how_charged"]
    )
    page.get_by_label(words.field(Alliance, "benefit_rule")).select_option("percent")
    page.get_by_label(words.field(Alliance, "benefit_value")).fill(PERCENT)
    page.get_by_label(words("Metric %(number)s", number=1), exact=True).select_option("sales")
    page.get_by_label(words("Metric %(number)s: monthly target", number=1)).fill(str(TARGET))
    page.get_by_label(words.field(Alliance, "margin_per_sale")).fill(MARGIN)
    page.get_by_role("button", name=words("Save and activate"), exact=True).click()

    expect(page).to_have_url(detail_url)
    _expect_message(page, words("Design saved. The alliance is active."))
    expect(page.get_by_role("heading", level=1)).to_contain_text(words.label(State.ACTIVE))
    _fits_the_phone(page)
    alliance.refresh_from_db()
    assert (alliance.state, alliance.kind, alliance.benefit_rule, alliance.benefit_value) == (
        State.ACTIVE,
        Kind.REFERRAL,
        "percent",
        Decimal(PERCENT),
    )
    assert (alliance.margin_per_sale, alliance.partner_token) == (
        Decimal(MARGIN),
        pilot.partner_token,
    )
    assert alliance.metrics.get().monthly_target == TARGET

    # 3. The partner, logged out on their phone, records two sales on the link carried over
    #    from the pilot: each from a new page, with its amount.
    partner = browser.new_page(locale=locale, **PHONE)
    partner_failures = http_errors(partner)
    partner_url = browser.url + reverse("partners:page", args=[alliance.partner_token])
    for amount in SALES:
        partner.goto(partner_url)
        expect(partner.locator("html")).to_have_attribute("lang", language)
        sale_form = partner.locator("form[data-form='sale']")
        sale_form.get_by_text(words("Add the amount (optional)"), exact=True).click()
        sale_form.get_by_label(words("Amount of the sale (optional)")).fill(str(amount))
        sale_form.get_by_role("button", name=words("A sale was made"), exact=True).click()
        expect(partner).to_have_url(partner_url)
        _expect_message(partner, words("Thank you! The sale was recorded."))
        _fits_the_phone(partner)
    sales = Entry.objects.filter(alliance=alliance, source=Source.PARTNER, sales=1)
    assert sorted(sales.values_list("revenue", flat=True)) == sorted(SALES)
    assert sorted(Benefit.objects.filter(alliance=alliance).values_list("amount", flat=True)) == (
        sorted(OWED)
    )

    # 4. The owner's page: Sales, 2 of 5 this month; the ledger, the benefit owed.
    page.reload()
    metric = page.locator("[data-metric='1']")
    expect(metric.get_by_role("heading", level=3)).to_have_text(words("Sales"))
    expect(metric.locator("[data-figure='this-month']")).to_have_text(words.number(2))
    target = alliance.metrics.get().monthly_target
    expect(metric).to_contain_text(
        f"{words.number(2)} / {words.number(target)} {words('this month')}"
    )
    expect(metric.locator("[data-figure='percent']")).to_have_text("40%")
    _fits_the_phone(page)

    page.get_by_role("link", name=words("Benefits owed to the partner (ledger)")).click()
    expect(page).to_have_url(browser.url + reverse("alliances:ledger", args=[alliance.code]))
    total = sum(OWED, Decimal(0))
    month = page.locator(f"tr[data-month='{TODAY:%Y-%m}']")
    expect(month.locator("[data-figure='owed']")).to_have_text(words.money(total))
    expect(page.locator("tr[data-month='total'] [data-figure='owed']")).to_have_text(
        words.money(total)
    )
    # Each line, newest first: the second sale's 10 %, then the first's.
    expect(page.locator("tr[data-line] [data-figure='amount']")).to_have_text(
        [words.money(amount) for amount in reversed(OWED)]
    )
    _fits_the_phone(page)

    # 5. The review comes due (today, in the workspace's calendar): decide to adjust.
    Alliance.objects.filter(pk=alliance.pk).update(next_review_date=workspace.today())
    page.goto(detail_url)
    expect(page.locator("main")).to_contain_text(words("Review due"))
    page.get_by_role("link", name=words("Review it now"), exact=True).click()
    expect(page).to_have_url(browser.url + reverse("alliances:review", args=[alliance.code]))
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        words("Review of the alliance with %(name)s", name=NAME)
    )
    _fits_the_phone(page)
    page.get_by_role("radio", name=words("Adjust the design or the targets"), exact=True).check()
    page.get_by_role("button", name=words("Save the review"), exact=True).click()
    expect(page).to_have_url(design_url)
    _expect_message(
        page, words("Review saved. Adjust the design: the current one stays in its history.")
    )

    # 6. The new target, saved: the alliance's page keeps both designs, dated.
    target_field = page.get_by_label(words("Metric %(number)s: monthly target", number=1))
    target_field.fill(str(NEW_TARGET))
    page.get_by_role("button", name=words("Save design"), exact=True).click()
    expect(page).to_have_url(design_url)
    _expect_message(page, words("Design saved."))
    page.get_by_role("link", name=words("Alliance with %(name)s", name=NAME)).click()
    expect(page).to_have_url(detail_url)
    expect(page.locator("[data-metric='1']")).to_contain_text(
        f"{words.number(2)} / {words.number(Decimal(NEW_TARGET))}"
    )

    versions = list(DesignVersion.objects.filter(alliance=alliance).order_by("-created_at", "-id"))
    assert len(versions) == 2
    history = _list_after(page, words("Design history"))
    expect(history).to_have_count(2)
    sales_label = words("Sales")
    for item, version, shown in zip(history.all(), versions, [NEW_TARGET, TARGET], strict=True):
        summary = item.locator("summary")
        expect(summary).to_contain_text(words.moment(version.created_at, workspace.time_zone))
        summary.click()  # open it: the design as it was
        expect(item.locator("dl")).to_be_visible()
        expect(item).to_contain_text(
            words("%(metric)s: %(target)s a month", metric=sales_label, target=str(shown))
        )
    expect(history.first.locator("summary")).to_contain_text(words("current"))
    expect(history.last.locator("summary")).not_to_contain_text(words("current"))
    expect(history.last).not_to_contain_text(
        words("%(metric)s: %(target)s a month", metric=sales_label, target=str(NEW_TARGET))
    )

    # The review and both saves in "Reviews and changes", newest first.
    changes = _list_after(page, words("Reviews and changes"))
    expect(changes).to_have_count(3)
    expect(changes.nth(0)).to_contain_text(words("Design saved"))
    expect(changes.nth(1)).to_contain_text(
        f"{words('Review')}: {words('Adjust the design or the targets')}"
    )
    expect(changes.nth(2)).to_contain_text(words("Design saved"))
    _fits_the_phone(page)
    assert failures == partner_failures == []

    # What the database says.
    pilot.refresh_from_db()
    candidate.refresh_from_db()
    assert (pilot.status, pilot.outcome) == (PilotStatus.FINISHED, Outcome.PROMOTED)
    assert pilot.reviews.get().decision == PilotDecision.PROMOTE
    assert candidate.status == Status.ALLIANCE
    assert Alliance.objects.get().pilot == Pilot.objects.get() == pilot
    review = Review.objects.get(alliance=alliance)
    assert (review.decision, review.reviewed_by) == (AllianceDecision.ADJUST, owner)
    assert alliance.metrics.get().monthly_target == NEW_TARGET
    assert [Decimal(v.data["metrics"][0]["monthly_target"]) for v in versions] == [
        NEW_TARGET,
        TARGET,
    ]
