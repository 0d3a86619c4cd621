"""Hypothesis drives the main forms with generated values at the edges (huge and negative
numbers, far dates, control characters, long and exotic text) through the real views, on
SQLite and on PostgreSQL (CI's PostgreSQL leg runs this file too).

Whatever is typed: never a 500, and the pages everyone opens afterwards (the dashboard, the
pilot page, the candidate page and list, the review, the CSV exports) still work. A valid
big number must not break a page for good, as margin × sales once did.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import make_candidate
from tests.pilots.conftest import make_pilot

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,  # the same cases on every run and every database
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text: plain words, accents, emoji, markup, control characters (NUL included), very long.
text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "Estética Titán", "<b>x</b>", "=HYPERLINK(1)", "\x00", "a\x1bb"]),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=250, max_size=400),
    st.just("ñ" * 5001),
)
# Numbers as people type them, and as nobody should.
number = st.one_of(
    st.integers(min_value=-(2**64), max_value=2**64).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=None).map(str),
    st.sampled_from(
        ["", "0", "-1", "99999999.99", "2147483647", "2147483648", "1e30", "1,5", "١٢", "\x00"]
    ),
)
day = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.sampled_from(["", "2026-02-30", "9999-12-31", "0001-01-01", "yesterday", "\x00"]),
)


@pytest.fixture
def browser(owner) -> Client:
    # A 500 comes back as a response here, so the test can say which input caused it.
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    return client


@pytest.fixture
def pilot(workspace, owner):
    candidate = make_candidate(workspace, "Spa Serena", ticks=4)
    return make_pilot(candidate, owner, start_date=timezone.localdate())


def _post(browser: Client, url: str, data: dict):
    response = browser.post(url, data)
    assert response.status_code != 500, (url, data)
    return response


def _pages_still_work(browser: Client, pilot) -> None:
    for url in (
        reverse("dashboard:home"),
        reverse("pilots:detail", args=[pilot.code]),
        reverse("pilots:review", args=[pilot.code]),
        reverse("pilots:export"),
        reverse("candidates:detail", args=[pilot.candidate.code]),
    ):
        status = browser.get(url).status_code
        assert status in (200, 302), (url, status)


@EXAMPLES
@given(referrals=number, sales=number, revenue=number, when=day, note=text)
def test_any_result_typed_keeps_every_page_working(
    browser, pilot, referrals, sales, revenue, when, note
):
    data = {"date": when, "referrals": referrals, "sales": sales, "revenue": revenue, "note": note}
    _post(browser, reverse("pilots:result_add", args=[pilot.code]), data)
    _pages_still_work(browser, pilot)


@EXAMPLES
@given(minutes=number, when=day, note=text)
def test_any_coordination_time_typed_keeps_every_page_working(browser, pilot, minutes, when, note):
    data = {"date": when, "minutes": minutes, "kind": "meeting", "note": note}
    _post(browser, reverse("pilots:coordination_add", args=[pilot.code]), data)
    _pages_still_work(browser, pilot)


@EXAMPLES
@given(hourly=number, weekly=number)
def test_any_pilot_settings_keep_every_page_working(browser, pilot, hourly, weekly):
    _post(browser, reverse("pilots:settings"), {"hourly_value": hourly, "weekly_hours": weekly})
    _pages_still_work(browser, pilot)


@EXAMPLES
@given(
    offer=text,
    start=day,
    length=number,
    review=day,
    target=number,
    margin=number,
    hours=number,
    sales=number,
)
def test_any_new_pilot_typed_keeps_every_page_working(
    browser, workspace, owner, offer, start, length, review, target, margin, hours, sales
):
    candidate = make_candidate(workspace, "Yoga Prana", ticks=4)
    data = {
        "offer": offer,
        "script": "Una línea.",
        "measurement": "discount_code",
        "start_date": start,
        "length_days": length,
        "review_date": review,
        "target": target,
        "margin_per_sale": margin,
        "estimated_weekly_hours": hours,
        "expected_sales": sales,
        "start_anyway": "on",
    }
    _post(browser, reverse("pilots:cost_check", args=[candidate.code]), data)
    response = _post(browser, reverse("pilots:create", args=[candidate.code]), data)
    started = candidate.pilots.first()
    if started is not None:
        assert response.status_code == 302
        _pages_still_work(browser, started)
        # Its review too: the decision that freezes the totals into the review's columns.
        review_url = reverse("pilots:review", args=[started.code])
        _post(browser, review_url, {"decision": "promote", "notes": offer})
        _pages_still_work(browser, started)


@EXAMPLES
@given(name=text, notes=text, email=text, website=text, phone=text)
def test_any_candidate_typed_keeps_every_page_working(
    browser, pilot, name, notes, email, website, phone
):
    data = {
        "name": name,
        "notes": notes,
        "email": email,
        "website": website,
        "phone": phone,
        "kind": "referral",
    }
    _post(browser, reverse("candidates:create"), data)
    edit = reverse("candidates:edit", args=[pilot.candidate.code])
    _post(browser, edit, {**data, "status": "in_pilot"})
    _pages_still_work(browser, pilot)


def test_the_margin_times_sales_that_once_broke_the_dashboard_is_refused_or_shown(browser, pilot):
    """The case from the issue: margin 99,999,999.99 and 2,147,483,647 sales."""
    pilot.margin_per_sale = Decimal("99999999.99")
    pilot.save()
    url = reverse("pilots:result_add", args=[pilot.code])
    line = {"date": pilot.start_date.isoformat(), "referrals": "0", "revenue": "0"}
    response = _post(browser, url, {**line, "sales": "2147483647"})
    assert response.status_code == 400
    assert re.search(r"less than or equal to 100[,.\u202f]?000", response.content.decode())
    for _ in range(3):  # the most each line may bring, again and again
        response = _post(browser, url, {**line, "sales": "100000"})
        assert response.status_code == 302
    _pages_still_work(browser, pilot)
    for url in (reverse("pilots:list"), reverse("dashboard:insights"), reverse("candidates:list")):
        assert browser.get(url).status_code == 200
    response = _post(browser, reverse("pilots:review", args=[pilot.code]), {"decision": "promote"})
    assert response.status_code == 302
    pilot.refresh_from_db()
    assert pilot.reviews.get().margin_earned == Decimal("99999999.99") * 300_000
    _pages_still_work(browser, pilot)
