"""The cost check before a pilot starts: expected coordination cost (hours a week × weeks ×
the value of an hour) against expected margin (expected sales × margin per sale). An
"expensive hobby" exactly when cost > margin; live with htmx, and confirmed on submit."""

from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from pilots.costs import CostCheck
from pilots.forms import PilotForm
from pilots.models import Pilot
from tests.conftest import make_candidate
from tests.pilots.conftest import assert_login_required, body, pilot_data, set_hourly_value

pytestmark = pytest.mark.django_db

HOBBY = "Expensive hobby."
CONFIRM = "Tick this box to start a pilot that is expected to cost more than it earns."
PAYS = "The expected margin covers the expected cost of coordination."
START_ANYWAY = 'name="start_anyway"'

# 2 hours a week for 14 days (2 weeks) at 20 an hour: an expected cost of $80.
# With a margin of 20 per sale, 4 sales make exactly $80.
ESTIMATE = {"estimated_weekly_hours": "2", "length_days": "14", "margin_per_sale": "20"}
SALES = [
    pytest.param("3", True, "$60", id="below-cost-is-a-hobby"),
    pytest.param("4", False, "$80", id="equal-is-not-a-hobby"),
    pytest.param("5", False, "$100", id="above-cost-is-not-a-hobby"),
]


@pytest.fixture(autouse=True)
def _hourly_value(workspace):
    set_hourly_value(workspace, "20")


def _create_url(candidate) -> str:
    return reverse("pilots:create", args=[candidate.code])


def _check_url(candidate) -> str:
    return reverse("pilots:cost_check", args=[candidate.code])


def _figure(page: str, name: str) -> str:
    return re.search(rf'data-figure="{name}">([^<]*)<', page)[1]


# --- the rule -----------------------------------------------------------------------------


def _check(hours="2", days=14, hourly="20", sales=4, margin="20") -> CostCheck:
    return CostCheck(
        weekly_hours=None if hours is None else Decimal(hours),
        length_days=days,
        hourly_value=Decimal(hourly),
        expected_sales=sales,
        margin_per_sale=Decimal(margin),
    )


@pytest.mark.parametrize(("sales", "hobby"), [(3, True), (4, False), (5, False)])
def test_it_is_a_hobby_exactly_when_cost_is_above_margin(sales, hobby):
    check = _check(sales=sales)
    assert check.cost() == Decimal("80.00")
    assert check.margin() == Decimal(20 * sales)
    assert check.is_expensive_hobby() is hobby


def test_weeks_are_days_over_seven_and_compared_unrounded():
    # 1 h a week for 15 days at 1 an hour: 2.142857…, shown as 2.14.
    check = _check(hours="1", days=15, hourly="1", sales=1, margin="2.14")
    assert check.weeks() == Decimal("2.1")
    assert check.cost() == Decimal("2.14")
    assert check.is_expensive_hobby()  # 2.1428… > 2.14, even if both show 2.14
    assert not _check(hours="7", days=15, hourly="1", sales=1, margin="15").is_expensive_hobby()


@pytest.mark.parametrize(
    "check",
    [
        _check(hours=None),  # no hours estimate: nothing to price
        _check(sales=None),  # no expected sales: nothing to compare with
        _check(hourly="0", sales=0),  # time has no value set: costs nothing
        _check(hours="0", sales=0),
    ],
    ids=["no-hours", "no-sales", "no-hourly-value", "no-time"],
)
def test_without_both_sides_there_is_no_hobby(check):
    assert not check.is_expensive_hobby()


def test_the_form_asks_for_confirmation_only_for_a_hobby(yellow, workspace):
    data = pilot_data(**ESTIMATE, expected_sales="3")
    form = PilotForm(data=data, candidate=yellow)  # at 20 an hour (the autouse fixture)
    assert form.errors == {"start_anyway": [CONFIRM]}
    assert PilotForm(data={**data, "start_anyway": "on"}, candidate=yellow).is_valid()
    assert PilotForm(data={**data, "expected_sales": "4"}, candidate=yellow).is_valid()
    set_hourly_value(workspace, "0")
    assert PilotForm(data=data, candidate=yellow).is_valid()  # no hourly value: time costs nothing


# --- without JavaScript: the submit -------------------------------------------------------


@pytest.mark.parametrize(("sales", "hobby", "margin"), SALES)
def test_the_submit_stops_only_at_an_expensive_hobby(owner_client, yellow, sales, hobby, margin):
    response = owner_client.post(_create_url(yellow), pilot_data(**ESTIMATE, expected_sales=sales))
    if hobby:
        page = body(response)
        assert response.status_code == 200
        assert not Pilot.objects.exists()
        assert HOBBY in page
        assert CONFIRM in page
        assert START_ANYWAY in page
        assert _figure(page, "expected-cost") == "$80"
        assert _figure(page, "expected-margin") == margin
    else:
        assert response.status_code == 302
        pilot = Pilot.objects.get()
        assert pilot.estimated_weekly_hours == Decimal("2")
        assert pilot.expected_sales == int(sales)


def test_start_anyway_starts_the_hobby_and_keeps_the_estimate(owner_client, yellow):
    data = pilot_data(**ESTIMATE, expected_sales="3", start_anyway="on")
    response = owner_client.post(_create_url(yellow), data)
    pilot = Pilot.objects.get()
    assert response.url == reverse("pilots:detail", args=[pilot.code])
    assert (pilot.estimated_weekly_hours, pilot.expected_sales) == (Decimal("2"), 3)


def test_the_estimate_is_optional(owner_client, yellow):
    response = owner_client.post(_create_url(yellow), pilot_data())
    assert response.status_code == 302
    pilot = Pilot.objects.get()
    assert (pilot.estimated_weekly_hours, pilot.expected_sales) == (None, None)


def test_a_red_hobby_needs_both_confirmations(owner_client, workspace):
    red = make_candidate(workspace, "Taller Sur", ticks=1)
    data = pilot_data(**ESTIMATE, expected_sales="0")
    page = body(owner_client.post(_create_url(red), data))
    assert "Tick this box to start a pilot on a red candidate." in page
    assert CONFIRM in page
    owner_client.post(_create_url(red), {**data, "override": "on"})
    assert not Pilot.objects.exists()
    owner_client.post(_create_url(red), {**data, "override": "on", "start_anyway": "on"})
    assert Pilot.objects.count() == 1


@pytest.mark.parametrize("value", ["-1", "169", "mucho"])
def test_the_hours_estimate_must_be_sensible(owner_client, yellow, value):
    response = owner_client.post(_create_url(yellow), pilot_data(estimated_weekly_hours=value))
    assert response.status_code == 200
    assert 'id="id_estimated_weekly_hours_error"' in body(response)
    assert not Pilot.objects.exists()


def test_the_new_pilot_page_invites_an_estimate(owner_client, yellow):
    page = body(owner_client.get(_create_url(yellow)))
    assert 'name="estimated_weekly_hours"' in page
    assert 'name="expected_sales"' in page
    assert "Estimate the coordination hours a week and the expected sales" in page
    assert HOBBY not in page
    assert START_ANYWAY not in page


# --- with JavaScript: live, through htmx --------------------------------------------------


class _HtmxAround(HTMLParser):
    """Each input's nearest element (itself or an ancestor) with an hx-post: its attributes."""

    VOID = {"area", "br", "col", "embed", "hr", "img", "link", "meta", "source", "wbr"}

    def __init__(self):
        super().__init__()
        self.open: list[dict] = []
        self.by_input: dict[str, dict | None] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input":
            around = [a for a in [*self.open, attrs] if "hx-post" in a]
            self.by_input[attrs.get("name")] = around[-1] if around else None
        elif tag not in self.VOID:
            self.open.append(attrs)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.open:
            self.open.pop()


def test_the_estimate_fields_post_to_the_check_on_change(owner_client, yellow):
    page = body(owner_client.get(_create_url(yellow)))
    parser = _HtmxAround()
    parser.feed(page)
    for name in ("length_days", "margin_per_sale", "estimated_weekly_hours", "expected_sales"):
        htmx = parser.by_input[name]
        assert htmx["hx-post"] == _check_url(yellow)
        assert htmx["hx-trigger"] == "change"
        assert htmx["hx-target"] == "#cost-check"
    assert parser.by_input["offer"] is None  # the package's other fields post nothing
    assert '<div id="cost-check" aria-live="polite">' in page
    assert f'action="{_create_url(yellow)}"' in page  # the submit works without htmx


@pytest.mark.parametrize(("sales", "hobby", "margin"), SALES)
def test_the_live_check_returns_the_verdict(owner_client, yellow, sales, hobby, margin):
    response = owner_client.post(
        _check_url(yellow), pilot_data(**ESTIMATE, expected_sales=sales), HTTP_HX_REQUEST="true"
    )
    page = body(response)
    assert response.status_code == 200
    assert "<html" not in page  # only the fragment
    assert _figure(page, "expected-cost") == "$80"
    assert _figure(page, "expected-margin") == margin
    assert (HOBBY in page) is hobby
    assert (START_ANYWAY in page) is hobby  # offered in place, to tick before submitting
    assert (PAYS in page) is not hobby
    assert CONFIRM not in page  # not an error until the submit
    assert not Pilot.objects.exists()


def test_the_live_check_with_only_hours_asks_for_the_sales(owner_client, yellow):
    page = body(
        owner_client.post(
            _check_url(yellow),
            {"estimated_weekly_hours": "2", "length_days": "14"},
            HTTP_HX_REQUEST="true",
        )
    )
    assert _figure(page, "expected-cost") == "$80"
    assert _figure(page, "expected-margin") == "—"
    assert "Add the expected sales to compare the cost with the margin." in page


def test_the_live_check_ignores_the_rest_of_the_package(owner_client, yellow):
    data = {**ESTIMATE, "expected_sales": "3", "offer": "", "script": ""}
    page = body(owner_client.post(_check_url(yellow), data, HTTP_HX_REQUEST="true"))
    assert HOBBY in page
    assert "This field is required." not in page


def test_the_check_without_htmx_shows_the_whole_page_and_saves_nothing(owner_client, yellow):
    response = owner_client.post(_check_url(yellow), pilot_data(**ESTIMATE, expected_sales="3"))
    page = body(response)
    assert response.status_code == 200
    assert "<html" in page and HOBBY in page
    assert not Pilot.objects.exists()


def test_the_check_is_post_only(owner_client, yellow):
    assert owner_client.get(_check_url(yellow)).status_code == 405


def test_another_workspace_cannot_check_a_candidate(outsider_client, yellow):
    response = outsider_client.post(_check_url(yellow), ESTIMATE, HTTP_HX_REQUEST="true")
    assert response.status_code == 404


def test_visitors_are_sent_to_log_in(yellow):
    assert_login_required(_check_url(yellow), "post")
