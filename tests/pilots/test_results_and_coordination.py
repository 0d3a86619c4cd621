"""The results log (totals, progress to target) and the coordination time log
(cost against margin, and the method's "expensive hobby" warning) on the pilot page."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from pilots.models import CoordinationEntry, Pilot, ResultEntry, Source
from tests.pilots.conftest import (
    TODAY,
    assert_login_required,
    body,
    log_result,
    log_time,
    make_pilot,
    set_hourly_value,
)

pytestmark = pytest.mark.django_db

HOBBY = "Expensive hobby."


def _detail(client, pilot: Pilot) -> str:
    return body(client.get(reverse("pilots:detail", args=[pilot.code])))


def _result_url(pilot: Pilot) -> str:
    return reverse("pilots:result_add", args=[pilot.code])


def _time_url(pilot: Pilot) -> str:
    return reverse("pilots:coordination_add", args=[pilot.code])


def _shown(page: str, label: str) -> str:
    """The value shown next to a label in the pilot page's figures."""
    match = re.search(rf"{re.escape(label)}</dt>\s*<dd[^>]*>(.*?)</dd>", page, re.S)
    assert match, f"{label!r} not on the page"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def _result(**fields) -> dict:
    return {"date": TODAY.isoformat(), "referrals": "0", "sales": "0", "revenue": "0", **fields}


def _time(**fields) -> dict:
    return {"date": TODAY.isoformat(), "minutes": "45", "kind": "meeting", **fields}


# --- results ---------------------------------------------------------------------------------


def test_logging_a_result_adds_to_the_totals(owner_client, owner, pilot):
    response = owner_client.post(
        _result_url(pilot), _result(referrals="3", sales="1", revenue="80"), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("pilots:detail", args=[pilot.code])
    page = body(response)
    assert "Result logged." in page
    assert _shown(page, "Referrals") == "3"
    assert _shown(page, "Sales") == "1"
    assert _shown(page, "Revenue") == "$80"
    entry = ResultEntry.objects.get(pilot=pilot)
    assert (entry.source, entry.created_by) == (Source.OWNER, owner)


def test_the_results_log_lists_each_entry_and_sums_them(owner_client, pilot):
    owner_client.post(_result_url(pilot), _result(referrals="2", note="Dos clientas del spa"))
    owner_client.post(_result_url(pilot), _result(referrals="1", sales="1", revenue="45.50"))
    page = _detail(owner_client, pilot)
    assert "Dos clientas del spa" in page
    assert _shown(page, "Referrals") == "3"
    assert _shown(page, "Revenue") == "$45.50"


def test_progress_to_the_target_is_shown(owner_client, yellow):
    pilot = make_pilot(yellow, target=8)
    log_result(pilot, referrals=2)
    page = _detail(owner_client, pilot)
    assert _shown(page, "Referrals") == "2 / 8"
    assert re.search(r'<progress[^>]*value="25"', page)


def test_without_a_target_there_is_no_progress_bar(owner_client, pilot):
    log_result(pilot, referrals=2)
    page = _detail(owner_client, pilot)
    assert "Progress to target" not in page
    assert _shown(page, "Referrals") == "2"


def test_an_empty_result_is_refused_with_a_message(owner_client, pilot):
    response = owner_client.post(_result_url(pilot), _result())
    assert response.status_code == 400
    assert "Enter at least one referral, sale, revenue or a note." in body(response)
    assert not ResultEntry.objects.exists()


@pytest.mark.parametrize("field", ["referrals", "sales", "revenue"])
def test_negative_results_are_refused(owner_client, pilot, field):
    response = owner_client.post(_result_url(pilot), _result(**{field: "-1"}))
    assert response.status_code == 400
    assert not ResultEntry.objects.exists()


def test_a_member_can_log_results(member_client, member, pilot):
    member_client.post(_result_url(pilot), _result(referrals="1"))
    assert ResultEntry.objects.get(pilot=pilot).created_by == member


# --- coordination time and the expensive-hobby rule ------------------------------------------


def test_logging_coordination_time_prices_it_at_the_workspaces_hourly_value(
    owner_client, owner, pilot, workspace
):
    set_hourly_value(workspace, "40")
    response = owner_client.post(_time_url(pilot), _time(minutes="90"), follow=True)
    page = body(response)
    assert "Coordination time logged." in page
    assert _shown(page, "Coordination time") == "90 min"
    assert _shown(page, "Cost of coordination") == "$60"
    assert "Meeting · 90 min" in page
    assert CoordinationEntry.objects.get(pilot=pilot).created_by == owner


def test_margin_is_sales_times_the_margin_per_sale(owner_client, yellow):
    pilot = make_pilot(yellow, margin_per_sale=Decimal("12.50"))
    log_result(pilot, sales=3)
    assert _shown(_detail(owner_client, pilot), "Margin earned") == "$37.50"


@pytest.mark.parametrize(
    ("minutes", "warned"),
    [(29, False), (30, False), (31, True)],
    ids=["cost-below-margin", "cost-equal-to-margin", "cost-above-margin"],
)
def test_the_pilot_warns_of_an_expensive_hobby_exactly_when_cost_exceeds_margin(
    owner_client, yellow, workspace, minutes, warned
):
    set_hourly_value(workspace, "60")
    pilot = make_pilot(yellow, margin_per_sale=Decimal("30"))
    log_result(pilot, sales=1)
    log_time(pilot, minutes)
    page = _detail(owner_client, pilot)
    assert _shown(page, "Cost of coordination") == f"${minutes}"
    assert _shown(page, "Margin earned") == "$30"
    assert (HOBBY in page) is warned


def test_without_an_hourly_value_the_owner_is_asked_to_set_one(owner_client, pilot):
    log_time(pilot, 120)
    page = _detail(owner_client, pilot)
    assert "Set the value of one hour of your time to price coordination." in page
    assert reverse("pilots:settings") in page
    assert HOBBY not in page


@pytest.mark.parametrize("minutes", ["0", "-5", "1441"])
def test_coordination_minutes_are_between_one_and_a_full_day(owner_client, pilot, minutes):
    response = owner_client.post(_time_url(pilot), _time(minutes=minutes))
    assert response.status_code == 400
    assert not CoordinationEntry.objects.exists()


def test_coordination_needs_a_known_kind(owner_client, pilot):
    response = owner_client.post(_time_url(pilot), _time(kind="party"))
    assert response.status_code == 400
    assert "Select a valid choice." in body(response)


# --- the usual guards ------------------------------------------------------------------------


@pytest.mark.parametrize("url", [_result_url, _time_url], ids=["results", "coordination"])
def test_logging_is_post_only(owner_client, pilot, url):
    assert owner_client.get(url(pilot)).status_code == 405


@pytest.mark.parametrize("url", [_result_url, _time_url], ids=["results", "coordination"])
def test_logging_needs_a_login(pilot, url):
    assert_login_required(url(pilot), "post")


def test_another_workspace_cannot_log_on_the_pilot(outsider_client, pilot):
    assert outsider_client.post(_result_url(pilot), _result(referrals="5")).status_code == 404
    assert outsider_client.post(_time_url(pilot), _time()).status_code == 404
    assert not ResultEntry.objects.exists()
    assert not CoordinationEntry.objects.exists()
