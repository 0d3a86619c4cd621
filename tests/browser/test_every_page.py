"""Every page a member can open, on a 375 px phone, in every language of the site.

The pages are not listed by hand: the test walks the URLconf (``get_resolver()``) and fills
each path parameter from sample data with the shapes that break a phone layout — 25
candidates with long unbroken names, one whose smoke filter is unanswered, a pilot due for
review with results, finished pilots for "What works for us", an evaluation in the history,
a pending invitation, another member and a second workspace. Public pages that need a token
(the partner's page, the one-pager, an invitation, a password-reset link) are opened with
their tokens by a visitor without an account. A GET URL that is neither a page nor named in
NOT_PAGES fails the test, so a new page is checked from the day it is added.

On every page, in every language of ``settings.LANGUAGES`` (a new catalogue is walked as
soon as it is listed there): no sideways scrolling, no serious or critical axe-core
violation, no chart text under 12 px. In the first language, with every menu and <details>
open, every control also gets a focus ring of at least 3:1 and every tap target is at least
44 × 44 px. A second walk checks every page at 1366 px in the first language.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Page, expect

from accounts.models import Invitation, Membership, Role, User
from alliances.models import Alliance, FollowUp
from candidates.models import Candidate, Kind
from pilots.models import Decision, Pilot
from semaforo.lib.codes import random_token
from tests.alliances.running import log, referral_programme, running
from tests.browser.conftest import PHONE, log_in
from tests.browser.test_phone_and_a11y import axe_source, serious_violations  # noqa: F401
from tests.conftest import client_for, make_candidate, make_user
from tests.pilots.conftest import log_result, make_pilot
from tests.sample_pages import SamplePages, populate

pytestmark = pytest.mark.browser

LAPTOP = {"viewport": {"width": 1366, "height": 768}}
MIN_TAP = 44
MIN_FOCUS_CONTRAST = 3.0
MIN_TEXT = 12  # px, the smallest text a chart may draw
# 64 letters and not one place to break a line: a name pasted from a spreadsheet.
LONG_WORD = "Distribuidoraintegraldeproductosartesanalesyecologicos" + "Ñandú" * 2

# GET URLs that are not HTML pages: every other one is opened.
NOT_PAGES = {
    "healthz": "JSON for a load balancer",
    "candidates:export": "a CSV download",
    "pilots:export": "a CSV download",
    "alliances:ledger_export": "a CSV download",
    "pilots:ics": "a calendar file",
    "dashboard:calendar_feed": "a calendar feed",
    "partners:track": "a redirect to the partner's landing page",
    "preferences_moved": "a redirect to the preferences page, for links in old emails",
    "bench_ping": "a benchmark endpoint (only with BENCHMARK_VIEWS)",
}
# Django's admin is for the site's staff, not for the members of a workspace.
NOT_NAMESPACES = {"admin"}
# Opened by a visitor without an account; every other page by the workspace's owner.
VISITOR_PAGES = {
    "home",
    "login",
    "accounts:signup",
    "accounts:invitation",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "partners:page",
    "partners:one_pager",
}
# Django moves the token of a password-reset link into the session and redirects to the form.
REDIRECT_TO_A_PAGE = {"password_reset_confirm"}
# A Spanish Excel file for the import preview (a POST: no URL of its own to walk).
IMPORT_FILE = (
    "Nombre;Email;Relación;Cliente ideal compatible\r\n"
    f"{LONG_WORD * 3};{LONG_WORD}@example.com;Marciana;quizá\r\n"
    "Librería Ñandú;;;sí\r\n"
).encode("cp1252")


@dataclass
class Sample:
    """The workspace behind every page, and the values of every path parameter."""

    pages: SamplePages
    long_candidate: Candidate
    finished_pilot: Pilot
    evaluation_code: str
    invitation: Invitation
    reader: User  # a member who never signs in: their password-reset link stays valid
    alliances: list[Alliance]  # a referral programme due for review, one in design, a channel

    def kwargs(self, name: str, params: tuple[str, ...]) -> list[dict[str, str]]:
        """The path parameters of the URL `name`, once for each variant worth a look."""
        candidate, pilot = self.pages.candidate, self.pages.pilot
        by_name = {
            "candidates:evaluation": {
                "code": candidate.code,
                "evaluation_code": self.evaluation_code,
            },
            "accounts:invitation": {"token": self.invitation.token},
            "accounts:invitation_revoke": {"token": self.invitation.token},
            "password_reset_confirm": {
                "uidb64": urlsafe_base64_encode(force_bytes(self.reader.pk)),
                "token": default_token_generator.make_token(self.reader),
            },
        }
        programme = self.alliances[0]
        by_name_variants = {
            # The pilot's pages, and the alliance's (the agreement for the one-pager).
            "partners:page": [{"token": pilot.partner_token}, {"token": programme.partner_token}],
            "partners:one_pager": [
                {"token": pilot.one_pager_token},
                {"token": programme.one_pager_token},
            ],
        }
        namespace = name.partition(":")[0]
        if name in by_name_variants:
            return by_name_variants[name]
        if name in by_name:
            return [by_name[name]]
        if not params:
            return [{}]
        if params == ("code",) and namespace == "candidates":
            # With a pilot and long contact details; with an unbreakable name and an
            # unanswered smoke filter.
            return [{"code": candidate.code}, {"code": self.long_candidate.code}]
        if params == ("code",) and namespace == "pilots":
            return [{"code": pilot.code}, {"code": self.finished_pilot.code}]
        if params == ("code",) and namespace == "alliances":
            return [{"code": alliance.code} for alliance in self.alliances]
        if params == ("candidate_code",):
            return [{"candidate_code": self.long_candidate.code}]
        pytest.fail(f"no sample value for the parameters {params} of the URL {name!r}")


def build_sample(workspace, owner: User) -> Sample:
    pages = populate(workspace, owner)  # a pilot due today with results, long addresses
    pilot, today = pages.pilot, workspace.today()
    pilot.one_pager_token = random_token()
    pilot.save(update_fields=["one_pager_token"])
    # The evaluation frozen when the pilot started is in the candidate's history.
    history = pages.candidate.evaluations.filter(frozen_at__isnull=False).first()
    # Many rows: names that never break, every colour, smoke filters left unanswered.
    for index in range(25):
        make_candidate(
            workspace, f"{LONG_WORD}{index:02d}", ticks=index % 9, business_type=LONG_WORD
        )
    long_candidate = make_candidate(
        workspace, f"{LONG_WORD} Estética Titán", ticks=5, business_type=LONG_WORD
    )
    # Finished pilots of each outcome, for "What works for us" and the pilot list.
    finished = []
    outcomes = [
        (8, Decision.PROMOTE),
        (5, Decision.PROMOTE),
        (4, Decision.STOP_DISCARD),
        (6, Decision.STOP_OPEN_REFERRAL),
        (2, Decision.STOP_DISCARD),
    ]
    for index, (ticks, decision) in enumerate(outcomes):
        candidate = make_candidate(workspace, f"{LONG_WORD} Terminado {index}", ticks=ticks)
        done = make_pilot(
            candidate,
            owner,
            start_date=today,
            offer=f"{LONG_WORD} en la primera compra",
            margin_per_sale=Decimal("1234567.89"),
        )
        log_result(done, on=today, referrals=12, sales=7, revenue=Decimal("999999.99"))
        done.record_review(owner, {"decision": decision})
        finished.append(done)
    for index in range(3):  # more active pilots on the dashboard
        candidate = make_candidate(workspace, f"{LONG_WORD} Activo {index}", ticks=4)
        make_pilot(candidate, owner, start_date=today, target=25)
    # A team: another member, a pending invitation, a second workspace to switch to.
    reader = make_user(f"{LONG_WORD.lower()}@dominio-{LONG_WORD.lower()}.example")
    Membership.objects.create(user=reader, workspace=workspace, role=Role.MEMBER)
    invitation = Invitation.objects.create(
        workspace=workspace, email=f"invitada.{LONG_WORD.lower()}@example.com", invited_by=owner
    )
    owner.create_workspace(f"Segunda {LONG_WORD}")
    alliances = sample_alliances(workspace, owner, finished[0], today)
    return Sample(
        pages=pages,
        long_candidate=long_candidate,
        finished_pilot=finished[0],
        evaluation_code=history.code,
        invitation=invitation,
        reader=reader,
        alliances=alliances,
    )


def sample_alliances(workspace, owner: User, promoted: Pilot, today) -> list[Alliance]:
    """A referral programme from a promoted pilot, due for review, with a benefit owed and an
    agreement link; an alliance in design; a sales channel whose check-in is due."""
    promoted.refresh_from_db()  # promoted at its review (record_review saved another copy)
    programme = referral_programme(
        Alliance.objects.design_for(promoted.candidate, owner, promoted), owner, "percent", "10"
    )
    log(programme, on=today, referrals=3, sales=2, revenue=Decimal("150000.50"))
    Alliance.objects.filter(pk=programme.pk).update(
        next_review_date=today, one_pager_token=random_token()
    )
    design = Alliance.objects.design_for(
        make_candidate(workspace, f"{LONG_WORD} Verde", ticks=7), owner
    )
    channel = running(
        Alliance.objects.design_for(
            make_candidate(workspace, f"{LONG_WORD} Canal", ticks=8), owner
        ),
        owner,
        kind=Kind.CHANNEL,
        follow_up=FollowUp.WEEKLY,
    )
    Alliance.objects.filter(pk=channel.pk).update(next_check_in_date=today)
    return list(
        Alliance.objects.filter(pk__in=[programme.pk, design.pk, channel.pk]).order_by("id")
    )


# Walking the URLconf ------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # with its namespaces, as reverse() takes it
    params: tuple[str, ...]


def routes() -> list[Route]:
    """Every named URL of the URLconf (outside NOT_NAMESPACES), with its path parameters."""
    found: list[Route] = []

    def walk(patterns, namespace: str, params: tuple[str, ...]) -> None:
        for entry in patterns:
            own = params + tuple(getattr(entry.pattern, "converters", {}) or ())
            if isinstance(entry, URLResolver):
                if entry.namespace in NOT_NAMESPACES:
                    continue
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, inner, own)
            elif isinstance(entry, URLPattern) and entry.name:
                found.append(Route(f"{namespace}{entry.name}", own))

    walk(get_resolver().url_patterns, "", ())
    return found


@dataclass(frozen=True)
class Visit:
    name: str
    url: str
    visitor: bool  # opened without an account


def pages_to_visit(sample: Sample, owner: User) -> tuple[list[Visit], set[str]]:
    """Every HTML page to open, and the names of the POST-only URLs (actions, not pages).
    Each URL is fetched once with the test client first: a page answers 200 with HTML; a
    variant that redirects (the review of a finished pilot) is left out, but every route
    must show at least one page."""
    clients = {False: client_for(owner), True: Client()}
    visits, actions = [], set()
    for route in routes():
        if route.name in NOT_PAGES:
            continue
        visitor = route.name in VISITOR_PAGES
        shown = False
        for kwargs in sample.kwargs(route.name, route.params):
            url = reverse(route.name, kwargs=kwargs)
            response = clients[visitor].get(url, follow=route.name in REDIRECT_TO_A_PAGE)
            if response.status_code == 405:
                actions.add(route.name)
                break
            if response.status_code in (301, 302, 303):
                continue
            assert response.status_code == 200, f"{route.name} {url}: {response.status_code}"
            assert response["Content-Type"].startswith("text/html"), f"{route.name} {url}"
            visits.append(Visit(route.name, url, visitor))
            shown = True
        assert shown or route.name in actions, (
            f"{route.name} only redirects: add it to NOT_PAGES, or sample data that shows it"
        )
    return visits, actions


# What is checked on each page ---------------------------------------------------------------

TOO_WIDE = """(limit) => [...document.querySelectorAll("body *")]
  .filter((el) => el.getBoundingClientRect().right > limit + 0.5)
  .filter((el) => ![...el.children].some((c) => c.getBoundingClientRect().right > limit + 0.5))
  .slice(0, 5).map((el) => el.outerHTML.slice(0, 160))"""

# Tap targets: controls and links that stand alone (a link inside a sentence is exempt, as
# in WCAG 2.5.8); a checkbox or radio counts with its label, which a tap also ticks.
SMALL_TARGETS = """(min) => {
  const shown = (el) => el.checkVisibility() && el.getBoundingClientRect().width > 1;
  const inSentence = (el) => {
    const parent = el.parentElement;
    return el.tagName === "A" && parent.textContent.trim() !== el.textContent.trim()
      && getComputedStyle(parent).display !== "flex";
  };
  const box = (el) => {
    if (el.matches("input[type=checkbox], input[type=radio]")) {
      el = el.closest(".form-check, label") || el;
    }
    return el.getBoundingClientRect();
  };
  const controls = "a[href], button, summary, select, textarea, input:not([type=hidden])";
  return [...document.querySelectorAll(controls)]
    .filter((el) => shown(el) && !el.closest(".visually-hidden-focusable") && !inSentence(el))
    .map((el) => ({el, r: box(el)}))
    .filter(({r}) => r.height < min - 0.5 || r.width < min - 0.5)
    .map(({el, r}) => `${Math.round(r.width)}×${Math.round(r.height)} `
      + el.outerHTML.slice(0, 120));
}"""

# Text drawn in an SVG scales with it: a chart squeezed onto a phone draws 7 px labels.
SMALL_CHART_TEXT = """(min) => [...document.querySelectorAll("svg text")]
  .filter((el) => el.checkVisibility())
  .map((el) => ({el, px: parseFloat(getComputedStyle(el).fontSize) * el.getScreenCTM().a}))
  .filter(({px}) => px < min - 0.01)
  .map(({el, px}) => `${px.toFixed(1)} px: ${el.textContent.trim().slice(0, 60)}`)"""

# The focus ring of every control, as a keyboard user sees it: its outline against what is
# around it (the first opaque background among its ancestors).
WEAK_FOCUS = """(min) => {
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const contrast = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const behind = (el) => {
    for (let node = el.parentElement; node; node = node.parentElement) {
      const colour = rgb(getComputedStyle(node).backgroundColor);
      if (colour.length === 3 || colour[3] > 0.9) return colour.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const selector = "a[href], button, summary, select, textarea, input:not([type=hidden]),"
    + " [tabindex='0']";
  const weak = [];
  let checked = 0;
  for (const el of document.querySelectorAll(selector)) {
    if (!el.checkVisibility() || el.disabled) continue;
    el.focus();
    if (document.activeElement !== el || !el.matches(":focus-visible")) continue;
    checked += 1;
    const style = getComputedStyle(el);
    const width = parseFloat(style.outlineWidth);
    const ratio = contrast(rgb(style.outlineColor), behind(el));
    if (style.outlineStyle === "none" || width < 2 || ratio < min) {
      weak.push(`${style.outlineStyle} ${width}px ${ratio.toFixed(1)}:1 `
        + el.outerHTML.slice(0, 100));
    }
  }
  return {checked, weak};
}"""


def problems_on(page: Page, name: str, axe_js: str, limit: int, *, thorough: bool) -> list[str]:
    found = []
    width = page.evaluate("document.scrollingElement.scrollWidth")
    if width > limit:
        wide = page.evaluate(TOO_WIDE, limit)
        found.append(f"{name}: {width} px wide at {limit} px; too wide: {wide}")
    found += serious_violations(page, axe_js, name)
    found += [f"{name}: chart text {t}" for t in page.evaluate(SMALL_CHART_TEXT, MIN_TEXT)]
    if thorough:
        # Menus and other <details> open, so that what is inside them is measured too.
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        found += [f"{name}: tap target {t}" for t in page.evaluate(SMALL_TARGETS, MIN_TAP)]
        page.keyboard.press("Tab")  # from now on focus is shown as a keyboard user sees it
        focus = page.evaluate(WEAK_FOCUS, MIN_FOCUS_CONTRAST)
        assert focus["checked"] >= 1, f"{name}: the focus check saw {focus['checked']} controls"
        found += [f"{name}: focus ring {w}" for w in focus["weak"]]
    return found


def open_page(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.ok, f"{url}: {response and response.status}"
    expect(page.locator("main, h1").first).to_be_visible()


def import_preview(page: Page, base_url: str) -> None:
    open_page(page, base_url + reverse("candidates:import"))
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "candidatos.csv", "mimeType": "text/csv", "buffer": IMPORT_FILE}]
    )
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".import-preview")).to_be_visible()


def browser_locale(code: str) -> str:
    language, _, region = code.partition("-")
    return f"{language}-{region.upper()}" if region else language


# The test -----------------------------------------------------------------------------------


def walk(browser, owner, workspace, axe_js, languages, screen: dict, *, thorough: bool) -> str:
    """Open every page in each language on `screen`; fail with every problem found. With
    `thorough`, the first language also gets the tap-target and focus-ring checks."""
    sample = build_sample(workspace, owner)
    visits, actions = pages_to_visit(sample, owner)
    names = {visit.name for visit in visits}
    # The walk finds the pages people use (a check on the walk itself).
    assert {"dashboard:home", "candidates:detail", "dashboard:insights", "login"} <= names
    assert {"candidates:checklist", "accounts:switch", "logout"} <= actions

    member_page = browser.new_page(**screen)
    log_in(member_page, browser.url, owner.email)
    width = screen["viewport"]["width"]
    found: list[str] = []
    for index, language in enumerate(languages):
        owner.language = language
        owner.save(update_fields=["language"])
        visitor_page = browser.new_page(locale=browser_locale(language), **screen)
        visitor_page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": browser.url}]
        )
        check = thorough and index == 0
        for visit in visits:
            page = visitor_page if visit.visitor else member_page
            open_page(page, browser.url + visit.url)
            expect(page.locator("html")).to_have_attribute("lang", language)
            label = f"[{language}] {visit.name} {visit.url}"
            found += problems_on(page, label, axe_js, width, thorough=check)
        import_preview(member_page, browser.url)
        label = f"[{language}] import preview"
        found += problems_on(member_page, label, axe_js, width, thorough=check)
        visitor_page.context.close()
    if found:
        pytest.fail(f"{len(found)} problems:\n  " + "\n  ".join(found), pytrace=False)
    return f"{len(visits) + 1} pages × {len(languages)} language(s): {', '.join(languages)}"


def test_every_page_fits_a_phone_and_passes_axe_in_every_language(
    browser,
    owner,
    workspace,
    axe_source,  # noqa: F811
):
    languages = [code for code, _name in settings.LANGUAGES]
    print(walk(browser, owner, workspace, axe_source, languages, PHONE, thorough=True))


def test_every_page_on_a_laptop(browser, owner, workspace, axe_source):  # noqa: F811
    """The same walk at 1366 px in the first language (Spanish): the menu shows its links
    and the tables are tables again, their scroll boxes reachable by keyboard."""
    first = settings.LANGUAGES[0][0]
    print(walk(browser, owner, workspace, axe_source, [first], LAPTOP, thorough=False))
