"""Every number and date a pilot's forms accept keeps every page working afterwards.

Real people type big numbers and odd dates: a margin of 99,999,999.99, a billion sales, a
start in year 9999, a result dated next year. Each is either refused with a message on the
field (200 or 400), or saved and shown; never a 500, and never a page broken for good.
"""

from __future__ import annotations

import html
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from pilots.models import CoordinationEntry, Pilot, ResultEntry, Review
from tests.conftest import make_candidate
from tests.page_forms import form_on
from tests.pilots.conftest import make_pilot, pilot_data

pytestmark = pytest.mark.django_db

BIGGEST_MARGIN = "99999999.99"  # the largest margin per sale the form accepts


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def spa(workspace):
    return make_candidate(workspace, "Spa Serena", ticks=4)


@pytest.fixture
def pilot(spa, owner) -> Pilot:
    """Started 14 days ago: its review is due today."""
    return make_pilot(spa, owner, start_date=timezone.localdate() - timedelta(days=14))


def _assert_every_page_still_works(client, pilot: Pilot) -> None:
    pages = [
        reverse("dashboard:home"),
        reverse("pilots:list"),
        reverse("pilots:detail", args=[pilot.code]),
        reverse("dashboard:insights"),
        reverse("pilots:export"),
        reverse("candidates:detail", args=[pilot.candidate.code]),
    ]
    if Pilot.objects.get(pk=pilot.pk).is_active():
        pages.append(reverse("pilots:review", args=[pilot.code]))
    for page in pages:
        assert client.get(page).status_code == 200, page


def _log(client, pilot: Pilot, having: str, **values):
    action, data = form_on(client.get(reverse("pilots:detail", args=[pilot.code])), having)
    return client.post(action, {**data, **values})


# --- results: per line, and the pilot's totals ----------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("referrals", "100001", "Ensure this value is less than or equal to 100000."),
        ("sales", "100001", "Ensure this value is less than or equal to 100000."),
        ("sales", "2147483647", "Ensure this value is less than or equal to 100000."),
        ("sales", "99999999999999999999", "Ensure this value is less than or equal to 100000."),
    ],
)
def test_a_result_line_over_100000_is_refused_on_its_field(
    owner_client, pilot, field, value, error
):
    response = _log(owner_client, pilot, "referrals", **{field: value})

    assert response.status_code == 400
    assert error in _text(response)
    assert not ResultEntry.objects.exists()
    # The largest accepted line is saved.
    assert _log(owner_client, pilot, "referrals", **{field: "100000"}).status_code == 302
    _assert_every_page_still_works(owner_client, pilot)


def test_a_result_that_would_take_the_totals_past_a_billion_is_refused(owner_client, pilot):
    # A long history of lines (seeded directly: ten thousand lines of the form's maximum).
    ResultEntry.objects.create(pilot=pilot, date=timezone.localdate(), referrals=999_950_000)

    response = _log(owner_client, pilot, "referrals", referrals="100000")

    assert response.status_code == 400
    assert "This would take the pilot's totals past 1,000,000,000." in _text(response)
    assert ResultEntry.objects.count() == 1
    # Up to the limit is fine.
    assert _log(owner_client, pilot, "referrals", referrals="50000").status_code == 302
    _assert_every_page_still_works(owner_client, pilot)


def test_the_biggest_margin_times_a_billion_sales_keeps_the_review_and_every_page(
    owner_client, spa
):
    response = owner_client.post(
        reverse("pilots:create", args=[spa.code]),
        pilot_data(
            margin_per_sale=BIGGEST_MARGIN,
            start_date=(timezone.localdate() - timedelta(days=14)).isoformat(),
        ),
    )
    assert response.status_code == 302
    pilot = Pilot.objects.get(candidate=spa)
    ResultEntry.objects.create(pilot=pilot, date=timezone.localdate(), sales=999_900_000)
    assert _log(owner_client, pilot, "referrals", sales="100000").status_code == 302
    # The most an hour can be worth, and a whole day of coordination.
    action, data = form_on(owner_client.get(reverse("pilots:settings")), "hourly_value")
    assert owner_client.post(action, {**data, "hourly_value": BIGGEST_MARGIN}).status_code == 302
    assert _log(owner_client, pilot, "minutes", minutes="1440", kind="meeting").status_code == 302
    _assert_every_page_still_works(owner_client, pilot)

    review = reverse("pilots:review", args=[pilot.code])
    action, data = form_on(owner_client.get(review), having="decision")
    response = owner_client.post(action, {**data, "decision": "promote"})

    assert response.status_code == 302
    recorded = Review.objects.get(pilot=pilot)
    assert recorded.sales == 1_000_000_000
    assert recorded.margin_earned == Decimal(BIGGEST_MARGIN) * 1_000_000_000
    _assert_every_page_still_works(owner_client, pilot)
    page = _text(owner_client.get(reverse("pilots:detail", args=[pilot.code])))
    assert "$99,999,999,990,000,000" in page  # grouped, in the workspace's dollars


# --- dates ---------------------------------------------------------------------------------


def _far_dates() -> list[str]:
    today = timezone.localdate()
    return ["9999-12-31", "0001-01-01", (today + timedelta(days=800)).isoformat()]


@pytest.mark.parametrize("start", _far_dates(), ids=["year-9999", "year-1", "two-years-ahead"])
def test_a_pilot_start_date_far_from_today_is_refused_on_its_field(owner_client, spa, start):
    data = pilot_data(start_date=start, estimated_weekly_hours="2", expected_sales="5")

    check = owner_client.post(reverse("pilots:cost_check", args=[spa.code]), data)
    response = owner_client.post(reverse("pilots:create", args=[spa.code]), data)

    assert check.status_code == 200
    assert response.status_code in (200, 400)
    assert "Choose a start date within a year of today." in _text(response)
    assert not Pilot.objects.exists()
    assert owner_client.get(reverse("dashboard:home")).status_code == 200


@pytest.mark.parametrize(
    ("having", "values"),
    [
        ("referrals", {"referrals": "1"}),
        ("minutes", {"minutes": "30", "kind": "meeting"}),
    ],
    ids=["result", "coordination"],
)
@pytest.mark.parametrize("days_ahead", [1, 365 * 4], ids=["tomorrow", "in-four-years"])
def test_a_log_line_dated_in_the_future_is_refused(owner_client, pilot, having, values, days_ahead):
    when = (timezone.localdate() + timedelta(days=days_ahead)).isoformat()

    response = _log(owner_client, pilot, having, date=when, **values)

    assert response.status_code == 400
    assert "This date is in the future." in _text(response)
    assert not ResultEntry.objects.exists() and not CoordinationEntry.objects.exists()
    assert _log(owner_client, pilot, having, **values).status_code == 302  # dated today
    _assert_every_page_still_works(owner_client, pilot)
