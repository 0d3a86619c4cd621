"""The capacity guard: the hours a week the owner can give to partnerships, against the time
the running pilots take. A warning before a new pilot would go past it, never a refusal."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from pilots.costs import Capacity, weekly_load_minutes
from pilots.models import Decision, Pilot, PilotSettings
from tests.conftest import make_candidate
from tests.pilots.conftest import TODAY, body, log_time, make_pilot, pilot_data

pytestmark = pytest.mark.django_db

OVER = "Over your capacity."
OVER_MESSAGE = "With this pilot, partnerships take more hours a week than you can give."
SETTINGS_URL = reverse("pilots:settings")


def _set_capacity(workspace, hours: str | None) -> None:
    settings = PilotSettings.for_workspace(workspace)
    settings.weekly_hours = None if hours is None else Decimal(hours)
    settings.save()


def _running(workspace, owner, name: str, estimate: str | None = None) -> Pilot:
    hours = None if estimate is None else Decimal(estimate)
    return make_pilot(make_candidate(workspace, name, ticks=4), owner, estimated_weekly_hours=hours)


def _load(workspace) -> Decimal:
    return weekly_load_minutes(workspace, TODAY) / 60


def _create_url(candidate) -> str:
    return reverse("pilots:create", args=[candidate.code])


def _check_url(candidate) -> str:
    return reverse("pilots:cost_check", args=[candidate.code])


def _capacity_line(page: str) -> str:
    return " ".join(re.search(r'data-figure="capacity">([^<]*)<', page)[1].split())


# --- the load: what the running pilots take -----------------------------------------------


def test_a_pilot_with_nothing_logged_counts_at_its_estimate(workspace, owner):
    _running(workspace, owner, "A", "3")
    assert _load(workspace) == 3


def test_logged_time_counts_when_it_is_more_than_the_estimate(workspace, owner):
    pilot = _running(workspace, owner, "A", "1")
    log_time(pilot, 60)
    log_time(pilot, 30, on=TODAY - timedelta(days=3))
    assert _load(workspace) == Decimal("1.5")


def test_the_estimate_counts_when_less_was_logged(workspace, owner):
    pilot = _running(workspace, owner, "A", "2")
    log_time(pilot, 30)
    assert _load(workspace) == 2


def test_only_the_last_seven_days_of_logged_time_count(workspace, owner):
    pilot = _running(workspace, owner, "A")
    log_time(pilot, 60, on=TODAY - timedelta(days=6))  # counts: today and the 6 days before
    log_time(pilot, 600, on=TODAY - timedelta(days=7))  # a week ago: no longer
    log_time(pilot, 600, on=TODAY + timedelta(days=1))  # logged ahead: not yet
    assert _load(workspace) == 1


def test_three_twenty_minute_calls_make_exactly_an_hour(workspace, owner):
    pilot = _running(workspace, owner, "A")
    for _ in range(3):
        log_time(pilot, 20)
    capacity = Capacity(Decimal("1"), weekly_load_minutes(workspace, TODAY))
    assert not capacity.is_exceeded_by(None)
    assert capacity.is_exceeded_by(Decimal("0.1"))


def test_finished_pilots_and_other_workspaces_take_no_time(workspace, owner, outsider):
    finished = _running(workspace, owner, "Done", "5")
    log_time(finished, 300)
    finished.record_review(owner, {"decision": Decision.STOP_DISCARD})
    _running(outsider.workspaces().get(), outsider, "Elsewhere", "9")
    _running(workspace, owner, "A", "1.5")
    assert _load(workspace) == Decimal("1.5")


def test_the_load_is_one_query(workspace, owner, django_assert_num_queries):
    for i in range(5):
        log_time(_running(workspace, owner, f"P{i}", "1"), 90)
    with django_assert_num_queries(1):
        assert weekly_load_minutes(workspace, TODAY) == 5 * 90


# --- the warning on the new-pilot page ----------------------------------------------------


@pytest.fixture
def three_hours_taken(workspace, owner):
    """Capacity 5 h a week; the running pilots take 3 (one estimated, one logged)."""
    _set_capacity(workspace, "5")
    _running(workspace, owner, "A", "2")
    log_time(_running(workspace, owner, "B"), 60)


@pytest.fixture
def new(workspace):
    return make_candidate(workspace, "Nuevo", ticks=4)


def test_the_page_shows_the_load_against_the_capacity(owner_client, three_hours_taken, new):
    page = body(owner_client.get(_create_url(new)))
    assert _capacity_line(page) == (
        "Your running pilots take about 3 h a week, of the 5 h you can give to partnerships."
    )
    assert OVER not in page


ESTIMATES = [
    pytest.param("1", False, id="below"),
    pytest.param("2", False, id="at-capacity"),
    pytest.param("2.5", True, id="above"),
]


@pytest.mark.parametrize(("estimate", "warned"), ESTIMATES)
def test_the_live_check_warns_only_past_capacity(
    owner_client, three_hours_taken, new, estimate, warned
):
    data = {"estimated_weekly_hours": estimate, "length_days": "14"}
    page = body(owner_client.post(_check_url(new), data, HTTP_HX_REQUEST="true"))
    assert (OVER in page) is warned
    if warned:
        assert "With this pilot, partnerships would take 5.5 h a week: more than the 5 h" in page
        assert "Fewer proposals, better qualified" in page


@pytest.mark.parametrize(("estimate", "warned"), ESTIMATES)
def test_the_submit_starts_the_pilot_and_warns_past_capacity(
    owner_client, three_hours_taken, new, estimate, warned
):
    data = pilot_data(estimated_weekly_hours=estimate)
    response = owner_client.post(_create_url(new), data, follow=True)
    page = body(response)
    assert Pilot.objects.filter(candidate=new).exists()  # a warning, never a refusal
    assert "Pilot started." in page
    assert (OVER_MESSAGE in page) is warned


def test_with_no_estimate_it_warns_when_already_past_capacity(owner_client, workspace, owner, new):
    _set_capacity(workspace, "2")
    _running(workspace, owner, "A", "2")
    page = body(owner_client.post(_check_url(new), {}, HTTP_HX_REQUEST="true"))
    assert OVER not in page  # at capacity, and this pilot adds nothing: fine
    _set_capacity(workspace, "1.5")
    page = body(owner_client.post(_check_url(new), {}, HTTP_HX_REQUEST="true"))
    assert OVER in page


def test_no_capacity_set_means_no_guard(owner_client, workspace, owner, new):
    _running(workspace, owner, "A", "40")
    page = body(owner_client.post(_check_url(new), {"estimated_weekly_hours": "40"}))
    assert OVER not in page
    assert 'data-figure="capacity"' not in page
    assert "Say how many hours a week you can give to partnerships" in page
    assert f'href="{SETTINGS_URL}"' in page


def test_a_zero_capacity_warns_at_the_first_minute(owner_client, workspace, new):
    _set_capacity(workspace, "0")
    page = body(owner_client.post(_check_url(new), {"estimated_weekly_hours": "0"}))
    assert OVER not in page
    page = body(owner_client.post(_check_url(new), {"estimated_weekly_hours": "0.1"}))
    assert OVER in page


# --- the setting --------------------------------------------------------------------------


def test_the_owner_sets_the_capacity_on_the_pilot_settings_page(owner_client, workspace):
    page = body(owner_client.get(SETTINGS_URL))
    assert 'name="weekly_hours"' in page
    owner_client.post(SETTINGS_URL, {"hourly_value": "30", "weekly_hours": "6.5"})
    assert PilotSettings.for_workspace(workspace).weekly_hours == Decimal("6.5")
    owner_client.post(SETTINGS_URL, {"hourly_value": "30", "weekly_hours": ""})
    assert PilotSettings.for_workspace(workspace).weekly_hours is None


def test_the_capacity_cannot_be_negative(owner_client, workspace):
    response = owner_client.post(SETTINGS_URL, {"hourly_value": "30", "weekly_hours": "-1"})
    assert 'id="id_weekly_hours_error"' in body(response)
    assert PilotSettings.for_workspace(workspace).weekly_hours is None


def test_a_member_cannot_change_the_capacity(member_client, workspace):
    member_client.post(SETTINGS_URL, {"hourly_value": "0", "weekly_hours": "99"})
    assert PilotSettings.for_workspace(workspace).weekly_hours is None
