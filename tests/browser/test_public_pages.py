"""Every page a logged-out person uses does its job in real Chromium, on a phone.

The partner's tap, the one-pager, the tracked link, the calendar feed, an invitation,
password reset, sign-up and log-in: each is opened logged out in a 375 px touch context,
its action is performed as a person would (a tap), and the result is read back from the
database. Django's test client sends no Origin and no Referer; Chromium does, and a page
sent with the wrong Referrer-Policy turned the partner's tap into a 403 that only a real
browser saw. So every test also fails on any answer of 400 or more, and (through the
conftest) on any CSP violation or script error.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Invitation, Membership, ReminderPreference, Role, User
from candidates.models import Candidate
from pilots.models import ClickDay, Pilot, ResultEntry, Source
from semaforo.lib.codes import random_token
from tests.browser.conftest import PHONE, http_errors, log_in
from tests.conftest import PASSWORD, make_candidate, make_user
from tests.pilots.conftest import log_result, log_time, make_pilot, set_hourly_value

pytestmark = pytest.mark.browser

NEW_PASSWORD = "lunar-teapot-orchard-91"
THANKS = "Thank you! Your referral was recorded."


def phone(browser, **options) -> tuple[Page, list[str]]:
    """A logged-out phone (its own browser context), and the list of failed answers it gets."""
    page = browser.new_page(**PHONE, **options)
    return page, http_errors(page)


def tap_and_wait(page: Page, target) -> None:
    """Tap a submit button and wait for the page the server answers with."""
    with page.expect_navigation():
        target.tap()


@pytest.fixture
def pilot(workspace, owner) -> Pilot:
    """A running pilot, started today."""
    candidate = make_candidate(workspace, "Spa Serena", ticks=4)
    return make_pilot(candidate, owner, start_date=timezone.localdate())


def partner_entries(pilot: Pilot):
    return ResultEntry.objects.filter(pilot=pilot, source=Source.PARTNER)


# The partner's page ---------------------------------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_partner_records_a_referral_with_one_tap(browser, pilot, javascript):
    page, errors = phone(browser, javascript=javascript)
    url = browser.url + reverse("partners:page", args=[pilot.partner_token])
    page.goto(url)
    expect(page.locator("h1")).to_have_text("Referrals for Tienda Luna")
    expect(page.locator("main")).to_contain_text(pilot.tracking_code)

    tap_and_wait(page, page.get_by_role("button", name="I referred someone", exact=True))

    assert errors == []
    expect(page).to_have_url(url)
    expect(page.locator("#messages")).to_contain_text(THANKS)
    entry = partner_entries(pilot).get()
    assert (entry.referrals, entry.sales, entry.created_by) == (1, 0, None)
    assert (entry.contact_name, entry.contact_info, entry.consent) == ("", "", False)
    assert ResultEntry.objects.filter(pilot=pilot).count() == 1


def test_the_partner_adds_the_contact_with_their_consent(browser, pilot):
    page, errors = phone(browser)
    url = browser.url + reverse("partners:page", args=[pilot.partner_token])
    page.goto(url)
    page.locator("main summary").tap()
    page.locator("#id_contact_name").fill("Begoña Ruiz")
    page.locator("#id_contact_info").fill("+34 600 000 000")
    page.locator("#id_consent").tap()
    expect(page.locator("#id_consent")).to_be_checked()
    page.locator("#id_note").fill("Quiere venir el sábado")

    tap_and_wait(page, page.get_by_role("button", name="Send with details", exact=True))

    assert errors == []
    expect(page).to_have_url(url)
    expect(page.locator("#messages")).to_contain_text(THANKS)
    entry = partner_entries(pilot).get()
    assert (entry.referrals, entry.contact_name, entry.contact_info) == (
        1,
        "Begoña Ruiz",
        "+34 600 000 000",
    )
    assert entry.consent is True
    assert entry.note == "Quiere venir el sábado"


# The one-pager --------------------------------------------------------------------------


def test_the_one_pager_opens_switches_language_and_shows_nothing_internal(
    browser, workspace, owner, pilot
):
    Candidate.objects.filter(pk=pilot.candidate_id).update(notes="SECRET-CANDIDATE-NOTE")
    Pilot.objects.filter(pk=pilot.pk).update(
        one_pager_token=random_token(),
        partner_benefit="10% of each sale they bring",
        margin_per_sale=Decimal("37.50"),
        target=99,
    )
    pilot.refresh_from_db()
    log_result(pilot, on=timezone.localdate(), referrals=3, sales=2, note="SECRET-RESULT-NOTE")
    log_time(pilot, 125, on=timezone.localdate())
    set_hourly_value(workspace, "55")
    make_pilot(make_candidate(workspace, "Otro Socio", ticks=4), owner, offer="SECRET-OTHER")

    page, errors = phone(browser)
    url = browser.url + reverse("partners:one_pager", args=[pilot.one_pager_token])
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("A pilot together: Tienda Luna and Spa Serena")
    expect(page.locator("[data-part=offer]")).to_have_text(pilot.offer)
    expect(page.locator("[data-part=benefits]")).to_contain_text("10% of each sale they bring")
    english = page.locator("body").inner_text()

    with page.expect_navigation():
        page.get_by_role("link", name="Español", exact=True).tap()
    expect(page).to_have_url(url + "?lang=es")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("h1")).to_have_text("Un piloto juntos: Tienda Luna y Spa Serena")
    expect(page.get_by_role("link", name="English", exact=True)).to_be_visible()
    spanish = page.locator("body").inner_text()

    assert errors == []
    for text in (english, spanish):
        for secret in (
            "SECRET-CANDIDATE-NOTE",
            "SECRET-RESULT-NOTE",
            "SECRET-OTHER",
            "Otro Socio",
            "37.50",
            "37,50",
            "55",
            "99",
            "125",
            pilot.partner_token,
            pilot.code,
        ):
            # Whole words only: the tracking code may contain digits.
            assert not re.search(rf"(?<![\w-]){re.escape(secret)}(?![\w-])", text), secret
    # Reading is all it does.
    assert ResultEntry.objects.filter(pilot=pilot).count() == 1


# The tracked link -----------------------------------------------------------------------


def test_the_tracked_link_counts_the_click_and_lands_on_the_offer(browser, pilot):
    # The landing page is the pilot's one-pager, on the live server: there is no network
    # here. (Not /healthz: a page with no icon makes Chromium ask for /favicon.ico, a 404.)
    token = random_token()
    landing = browser.url + reverse("partners:one_pager", args=[token])
    Pilot.objects.filter(pk=pilot.pk).update(one_pager_token=token, landing_url=landing)
    page, errors = phone(browser)

    response = page.goto(browser.url + reverse("partners:track", args=[pilot.tracking_code]))

    expect(page).to_have_url(landing)
    expect(page.locator("h1")).to_have_text("A pilot together: Tienda Luna and Spa Serena")
    assert response.ok
    redirect = response.request.redirected_from
    assert redirect is not None and redirect.url.endswith(f"/r/{pilot.tracking_code}")
    assert errors == []
    assert list(ClickDay.objects.filter(pilot=pilot).values_list("date", "count")) == [
        (timezone.localdate(), 1)
    ]


# The calendar feed ----------------------------------------------------------------------


def test_the_calendar_feed_answers_a_logged_out_fetch(browser, owner, pilot):
    token = ReminderPreference.for_user(owner).calendar_token
    page, _errors = phone(browser)

    # What a calendar app does: a plain GET with no session (this context has none).
    response = page.request.get(browser.url + reverse("dashboard:calendar_feed", args=[token]))

    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
    feed = response.text()
    assert feed.startswith("BEGIN:VCALENDAR")
    assert "BEGIN:VEVENT" in feed
    assert "Spa Serena" in feed


# Accounts: invitation, password reset, sign-up, log-in -----------------------------------


@pytest.mark.parametrize("role", [Role.MEMBER, Role.OWNER])
def test_an_invited_person_signs_up_and_joins_with_the_invited_role(
    browser, workspace, owner, role
):
    invitation = Invitation.objects.create(
        workspace=workspace, email="newcomer@example.com", role=role, invited_by=owner
    )
    page, errors = phone(browser)
    page.goto(browser.url + reverse("accounts:invitation", args=[invitation.token]))
    expect(page.locator("h1")).to_have_text("Join “Tienda Luna”")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)

    tap_and_wait(page, page.get_by_role("button", name="Create account and join", exact=True))

    assert errors == []
    expect(page.locator("#messages")).to_contain_text("Welcome to “Tienda Luna”.")
    user = User.objects.get(email="newcomer@example.com")
    assert user.check_password(PASSWORD)
    membership = Membership.objects.get(user=user)
    assert (membership.workspace, membership.role) == (workspace, role)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_a_forgotten_password_is_reset_from_the_emailed_link(browser, owner):
    page, errors = phone(browser)
    page.goto(browser.url + reverse("login"))
    with page.expect_navigation():
        page.get_by_role("link", name="Forgot your password?", exact=True).tap()
    page.locator("#id_email").fill("Owner@Example.com")
    tap_and_wait(page, page.get_by_role("button", name="Send the link", exact=True))
    expect(page).to_have_url(browser.url + reverse("password_reset_done"))

    assert [message.to for message in mail.outbox] == [["owner@example.com"]]
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    page.goto(browser.url + link.group(1))
    # Django swaps the token in the address for "set-password" before showing the form.
    expect(page).to_have_url(re.compile(r"/accounts/reset/[^/]+/set-password/$"))
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    tap_and_wait(page, page.locator("main form button[type=submit]"))
    expect(page).to_have_url(browser.url + reverse("password_reset_complete"))

    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    assert not owner.check_password(PASSWORD)
    log_in(page, browser.url, owner.email, NEW_PASSWORD)
    assert errors == []


def test_a_new_business_signs_up_on_a_phone(browser):
    page, errors = phone(browser, timezone_id="America/Mexico_City")
    page.goto(browser.url + reverse("login"))
    with page.expect_navigation():
        page.get_by_role("link", name="Create an account", exact=True).tap()
    page.locator("#id_email").fill("nueva@example.com")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#id_business_name").fill("Panadería Sol")

    tap_and_wait(page, page.get_by_role("button", name="Sign up", exact=True))

    assert errors == []
    expect(page.locator("#messages")).to_contain_text("Welcome! Add your first candidate partner.")
    user = User.objects.get(email="nueva@example.com")
    assert user.check_password(PASSWORD)
    membership = Membership.objects.select_related("workspace").get(user=user)
    assert membership.role == Role.OWNER
    assert membership.workspace.name == "Panadería Sol"
    # static/js/app.js sent the phone's time zone with the form.
    assert membership.workspace.time_zone == "America/Mexico_City"


def test_a_member_logs_in_on_a_phone(browser, owner):
    user = make_user("socia@example.com")
    Membership.objects.create(user=user, workspace=owner.workspaces().get(), role=Role.MEMBER)
    page, errors = phone(browser)

    log_in(page, browser.url, user.email)

    expect(page.locator("h1")).to_be_visible()
    assert errors == []
    user.refresh_from_db()
    assert user.last_login is not None
    sessions = [session.get_decoded().get("_auth_user_id") for session in Session.objects.all()]
    assert sessions == [str(user.pk)]
