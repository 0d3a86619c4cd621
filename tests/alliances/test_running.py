"""A running alliance's page: each metric this month against its target (and the last months
as a small chart), cost of coordination against margin month by month with the expensive-
hobby warning, the forms that log results and time, and the partner's link."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from alliances.models import Alliance, Entry, TimeEntry
from pilots.models import MAX_TOTAL_COUNT, Source
from tests.alliances.running import custom_metric, log, log_time, running, url
from tests.conftest import client_for, make_candidate
from tests.page_forms import form_on
from tests.pilots.conftest import TODAY, assert_login_required, body, set_hourly_value

pytestmark = pytest.mark.django_db

THIS_MONTH = re.compile(r'data-metric="(\d)".*?data-figure="this-month">([^<]+)<', re.S)


@pytest.fixture
def active(alliance, owner) -> Alliance:
    return running(alliance, owner, metrics=3)


def this_month(page: str) -> dict[str, str]:
    """Each metric's figure this month, by its position."""
    return dict(THIS_MONTH.findall(page))


def month_row(page: str, month: str) -> str:
    match = re.search(rf'<tr data-month="{month}"[^>]*>.*?</tr>', page, re.S)
    assert match, f"no row for {month}"
    return match.group(0)


def post_form(client, alliance: Alliance, having: str, **changes):
    """Fill in the page's form that has the field `having`, as a browser would send it."""
    action, data = form_on(client.get(url("detail", alliance)), having=having)
    data.update(changes)
    return client.post(action, data)


# --- the page ---------------------------------------------------------------------------------


def test_each_metric_shows_this_month_against_its_target(owner_client, active):
    log(active, referrals=3, sales=1, revenue=Decimal("150.50"))
    log(active, on=TODAY - timedelta(days=40), referrals=9)  # another month
    page = body(owner_client.get(url("detail", active)))
    assert this_month(page) == {"1": "3", "2": "1", "3": "$150.50"}
    assert "3 / 10 this month · 30%" in re.sub(r"<[^>]+>", "", page)
    assert '<progress class="w-100" max="100" value="30"' in page
    # A metric past its target: the bar is full, the figure says by how much.
    assert "$150.50 / $30 this month · 502%" in re.sub(r"<[^>]+>", "", page)


def test_the_chart_draws_the_last_six_months_with_a_text_alternative(owner_client, active):
    log(active, on=date(2026, 7, 15), referrals=4)
    log(active, on=date(2026, 6, 30), referrals=99)  # before the six months shown
    page = body(owner_client.get(url("detail", active)))
    chart = re.search(r'<svg[^>]*aria-describedby="chart-1-desc">.*?</svg>', page, re.S)
    assert chart, "no chart for the first metric"
    assert chart.group(0).count("<rect") == 6
    assert (
        "July 2026: 4. August 2026: 0. September 2026: 0. October 2026: 0. "
        "November 2026: 0. December 2026: 0. Target: 10." in chart.group(0)
    )
    assert "99" not in chart.group(0)
    assert "<script" not in page.split('id="running"')[1].split("</section>")[0]


def test_the_owner_s_own_count_feeds_a_metric_of_something_else(owner_client, alliance, owner):
    active = running(alliance, owner, metrics=2)
    custom_metric(active, "Vouchers handed out")
    response = post_form(owner_client, active, "referrals", other="12", referrals="0")
    assert response.status_code == 302
    page = body(owner_client.get(url("detail", active)))
    assert "Vouchers handed out" in page
    assert this_month(page)["3"] == "12"


def test_the_own_count_is_asked_only_when_a_metric_counts_something_else(owner_client, active):
    page = body(owner_client.get(url("detail", active)))
    assert "Your own count" not in page


def test_an_alliance_in_design_has_no_running_section(owner_client, alliance):
    page = body(owner_client.get(url("detail", alliance)))
    assert 'id="running"' not in page
    assert "Log a result" not in page


def test_month_figures_and_progress_follow_the_business_calendar_across_a_month_end(
    owner_client, active, workspace
):
    workspace.time_zone = "America/Argentina/Buenos_Aires"  # UTC-3
    workspace.save(update_fields=["time_zone"])
    # 30 November, 23:30 in Buenos Aires (already 1 December in UTC): still November there.
    with time_machine.travel(datetime(2026, 12, 1, 2, 30, tzinfo=UTC), tick=False):
        assert workspace.today() == date(2026, 11, 30)
        log(active, on=workspace.today(), referrals=2)
        page = body(owner_client.get(url("detail", active)))
        assert this_month(page)["1"] == "2"
        assert "November 2026: 2." in page
    # An hour later it is 1 December there: a new month starts from nothing.
    with time_machine.travel(datetime(2026, 12, 1, 3, 30, tzinfo=UTC), tick=False):
        log(active, on=workspace.today(), referrals=5)
        page = body(owner_client.get(url("detail", active)))
        assert this_month(page)["1"] == "5"
        assert "November 2026: 2. December 2026: 5." in page
        assert ">2</td>" in month_row(page, "2026-11")
        assert ">5</td>" in month_row(page, "2026-12")


def test_the_expensive_hobby_warning_is_month_by_month(owner_client, alliance, owner, workspace):
    set_hourly_value(workspace, "60")
    active = running(alliance, owner, margin_per_sale=Decimal("25"))
    log_time(active, 120, on=date(2026, 10, 5))  # October: $120 of time, no sale
    log_time(active, 60, on=date(2026, 11, 5))  # November: $60 of time, 4 sales = $100
    log(active, on=date(2026, 11, 6), sales=4)
    log(active, on=date(2026, 12, 1), sales=1)  # December: a sale, no time
    page = body(owner_client.get(url("detail", active)))
    warning = re.search(r'<div[^>]*data-warning="hobby"[^>]*>.*?</div>', page, re.S)
    assert warning, "no expensive-hobby warning"
    assert 'role="alert"' in warning.group(0)
    assert re.findall(r'data-hobby-month="([\d-]+)"', warning.group(0)) == ["2026-10"]
    assert "data-hobby" in month_row(page, "2026-10")
    assert "$120" in month_row(page, "2026-10")
    assert "data-hobby" not in month_row(page, "2026-11")
    assert "$100" in month_row(page, "2026-11")
    assert "data-hobby" not in month_row(page, "2026-12")


def test_no_warning_when_the_margin_pays_for_the_time(owner_client, alliance, owner, workspace):
    set_hourly_value(workspace, "60")
    active = running(alliance, owner, margin_per_sale=Decimal("30"))
    log_time(active, 60)
    log(active, sales=2)
    assert 'data-warning="hobby"' not in body(owner_client.get(url("detail", active)))


def _queries(client, alliance: Alliance) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("detail", alliance)).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_however_many_months_and_sales(
    owner_client, workspace, owner, django_assert_num_queries
):
    def new(name: str) -> Alliance:
        candidate = make_candidate(workspace, name, ticks=6)
        return running(Alliance.objects.design_for(candidate, owner), owner, metrics=3)

    small, large = new("Uno"), new("Doce")
    log(small, sales=1)
    log_time(small, 10)
    for month in range(12):  # a year of months: 50 sales and time in each
        day = date(2026, 12, 1) - timedelta(days=31 * month)
        for _line in range(5):
            log(large, on=day, sales=10, referrals=2, revenue=Decimal("99.90"))
        log_time(large, 30, on=day)
    owner_client.get(url("detail", small))  # the session's first request aside
    expected = _queries(owner_client, small)
    with django_assert_num_queries(expected):
        owner_client.get(url("detail", large))


# --- logging results and time -----------------------------------------------------------------


def test_the_owner_logs_a_result_from_the_page(owner_client, active, owner):
    response = post_form(
        owner_client, active, "referrals", referrals="2", sales="1", revenue="80", note="Ana"
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#running")
    entry = Entry.objects.get(alliance=active)
    assert (entry.referrals, entry.sales, entry.revenue, entry.date) == (2, 1, 80, TODAY)
    assert (entry.source, entry.created_by) == (Source.OWNER, owner)
    page = body(owner_client.get(url("detail", active)))
    assert "Result logged." in page
    assert this_month(page) == {"1": "2", "2": "1", "3": "$80"}


def test_a_result_sent_twice_is_recorded_once(owner_client, active):
    action, data = form_on(owner_client.get(url("detail", active)), having="referrals")
    data.update(sales="1")
    owner_client.post(action, data)
    response = owner_client.post(action, data, follow=True)
    assert "Already recorded: it was sent twice." in body(response)
    assert Entry.objects.filter(alliance=active).count() == 1


def test_the_owner_logs_coordination_time(owner_client, active):
    response = post_form(owner_client, active, "minutes", minutes="45", kind="meeting")
    assert response.status_code == 302
    line = TimeEntry.objects.get(alliance=active)
    assert (line.minutes, line.date) == (45, TODAY)
    page = body(owner_client.get(url("detail", active)))
    assert "Coordination time logged." in page
    assert "45 min" in month_row(page, "2026-12")


def test_time_sent_twice_is_recorded_once(owner_client, active):
    action, data = form_on(owner_client.get(url("detail", active)), having="minutes")
    data.update(minutes="30", kind="messages")
    owner_client.post(action, data)
    owner_client.post(action, data)
    assert TimeEntry.objects.filter(alliance=active).count() == 1


@pytest.mark.parametrize(
    ("having", "changes", "message"),
    [
        ("referrals", {"referrals": "0"}, "Enter at least one referral, sale, revenue or a note."),
        ("referrals", {"date": "2026-12-10", "sales": "1"}, "This date is in the future."),
        ("referrals", {"sales": "100001"}, "100000"),
        ("referrals", {"revenue": "99999999999"}, "digits"),
        ("minutes", {"minutes": "1441", "kind": "meeting"}, "1440"),
        ("minutes", {"minutes": "0", "kind": "meeting"}, "1"),
    ],
)
def test_bad_input_comes_back_with_the_errors(owner_client, active, having, changes, message):
    response = post_form(owner_client, active, having, **changes)
    assert response.status_code == 400
    page = body(response)
    assert message in page
    assert "There is a problem" in page
    assert not Entry.objects.exists() and not TimeEntry.objects.exists()


def test_totals_stay_inside_their_columns(owner_client, active):
    Entry.objects.bulk_create(
        Entry(alliance=active, date=TODAY, sales=100_000) for _ in range(MAX_TOTAL_COUNT // 100_000)
    )
    response = post_form(owner_client, active, "referrals", sales="1")
    assert response.status_code == 400
    assert "This would take the alliance's totals past 1,000,000,000." in body(response)


def test_nothing_is_logged_once_the_alliance_has_ended(owner_client, active):
    action, data = form_on(owner_client.get(url("detail", active)), having="referrals")
    Alliance.objects.filter(pk=active.pk).update(state="ended", ended_at=datetime.now(UTC))
    response = owner_client.post(action, {**data, "sales": "1"}, follow=True)
    assert "Results and time are logged while the alliance is active." in body(response)
    assert not Entry.objects.exists()


def test_the_partner_link_is_revoked_and_renewed(owner_client, active):
    first = active.partner_token
    assert first in body(owner_client.get(url("detail", active)))
    owner_client.post(url("partner_link", active), {"action": "revoke"})
    active.refresh_from_db()
    assert active.partner_token is None
    assert "The partner link is revoked." in body(owner_client.get(url("detail", active)))
    owner_client.post(url("partner_link", active), {"action": "new"})
    active.refresh_from_db()
    assert active.partner_token not in (None, first)


def test_a_member_logs_results_too(member, active):
    client = client_for(member)
    assert post_form(client, active, "referrals", referrals="1").status_code == 302


# --- what people type, and who may come in ----------------------------------------------------


def test_what_people_type_is_shown_as_text(owner_client, active):
    script = '<script>alert("x")</script>'
    log(active, referrals=1, note=script)
    log(active, referrals=1, note='"><img src=x onerror=alert(1)>')
    TimeEntry.objects.create(alliance=active, date=TODAY, minutes=5, kind="other", note=script)
    active.metrics.filter(position=1).update(name=script, measure="custom")
    html = owner_client.get(url("detail", active)).content.decode()
    assert script not in html
    assert "<img src=x" not in html
    assert escape(script) in html


def _new_urls(alliance: Alliance) -> dict[str, tuple[str, str]]:
    """Each URL of the running alliance, with the method it takes and a wrong one."""
    return {
        "result_add": ("post", "get"),
        "time_add": ("post", "get"),
        "partner_link": ("post", "get"),
        "ledger": ("get", "post"),
        "mark_paid": ("post", "get"),
        "ledger_export": ("get", "post"),
    }


def test_another_workspace_gets_404_on_every_url(outsider_client, active):
    before = (active.partner_token, Entry.objects.count(), TimeEntry.objects.count())
    for name, (method, _wrong) in _new_urls(active).items():
        response = getattr(outsider_client, method)(
            url(name, active), {"sales": "1", "minutes": "5", "action": "new"}
        )
        assert response.status_code == 404, name
    active.refresh_from_db()
    assert (active.partner_token, Entry.objects.count(), TimeEntry.objects.count()) == before


def test_visitors_are_sent_to_log_in(active):
    for name, (method, _wrong) in _new_urls(active).items():
        assert_login_required(url(name, active), method)


def test_wrong_methods_get_405(owner_client, active):
    for name, (_method, wrong) in _new_urls(active).items():
        assert getattr(owner_client, wrong)(url(name, active)).status_code == 405, name
