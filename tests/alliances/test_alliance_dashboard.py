"""The dashboard's alliances: each active one against this month's targets, reviews due, the
benefits owed and not paid, and this month's expensive hobbies; in a fixed number of queries
however many alliances, months and sales there are."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alliances.models import Alliance, Benefit, Entry, State, TimeEntry, add_months
from tests.alliances.conftest import complete
from tests.conftest import make_candidate
from tests.pilots.conftest import TODAY, body, set_hourly_value

pytestmark = pytest.mark.django_db

URL = reverse("dashboard:home")
LAST_MONTH = TODAY.replace(day=1) - timedelta(days=1)


def _running(workspace, owner, name: str, *, metrics: int = 3, since=None, **fields) -> Alliance:
    """An active alliance (referrals 10, sales 20, revenue 30 a month as its targets),
    activated on `since`: its first review a month after."""
    alliance = complete(
        Alliance.objects.design_for(make_candidate(workspace, name, ticks=6), owner), metrics
    )
    if fields:
        Alliance.objects.filter(pk=alliance.pk).update(**fields)
        alliance.refresh_from_db()
    assert alliance.activate(owner, since or TODAY - timedelta(days=10))
    return alliance


def _section(page: str) -> str:
    if 'id="alliances-title"' not in page:
        return ""
    rest = page[page.index('id="alliances-title"') :]
    return rest[: rest.index("</section>")]


def _hobbies(page: str) -> str:
    match = re.search(r'data-part="alliance-hobbies">(.*?)</ul>', page, re.S)
    return match[1] if match else ""


def _items(section: str) -> list[str]:
    return section.split('class="list-group-item alliance-item"')[1:]


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _dashboard(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return body(response)


# --- this month against the targets ------------------------------------------------------------


def test_an_active_alliance_shows_this_month_against_each_target(owner_client, workspace, owner):
    alliance = _running(workspace, owner, "Gimnasio Titán")
    Entry.objects.create(alliance=alliance, date=TODAY, referrals=3, sales=2, revenue=10)
    Entry.objects.create(alliance=alliance, date=TODAY.replace(day=1), referrals=1, sales=3)
    Entry.objects.create(alliance=alliance, date=TODAY, revenue=Decimal("5.50"))
    # Last month's lines belong to last month.
    Entry.objects.create(alliance=alliance, date=LAST_MONTH, referrals=50, sales=50, revenue=500)
    section = _section(_dashboard(owner_client))
    text = _text(section)
    assert reverse("alliances:detail", args=[alliance.code]) in section
    assert "Gimnasio Titán · Referral program" in text
    assert "Referrals: 4 / 10" in text and 'value="40"' in section
    assert "Sales: 5 / 20" in text and 'value="25"' in section
    assert "Revenue: $15.50 / $30" in text and 'value="52"' in section
    assert f'href="{reverse("alliances:list")}"' in section


def test_a_target_beaten_fills_the_bar_and_says_by_how_much(owner_client, workspace, owner):
    alliance = _running(workspace, owner, "Farmacia", metrics=1)
    Entry.objects.create(alliance=alliance, date=TODAY, referrals=25)
    section = _section(_dashboard(owner_client))
    assert "Referrals: 25 / 10" in _text(section)
    assert 'value="100"' in section and ">250%</progress>" in section


def test_a_metric_without_a_target_is_left_out(owner_client, workspace, owner):
    alliance = _running(workspace, owner, "Librería", metrics=2)
    alliance.metrics.filter(position=2).update(monthly_target=None)
    assert "Sales:" not in _text(_section(_dashboard(owner_client)))


def test_reviews_due_come_first_with_a_badge_and_a_link_to_the_review(
    owner_client, workspace, owner
):
    later = _running(workspace, owner, "Aaa Más Tarde")
    due = _running(workspace, owner, "Zeta Hoy", since=add_months(TODAY, -1))
    overdue = _running(workspace, owner, "Mitad Atrasada", since=TODAY - timedelta(days=45))
    items = _items(_section(_dashboard(owner_client)))
    assert [re.search(r'href="/alliances/(\w+)/"', item)[1] for item in items] == [
        overdue.code,
        due.code,
        later.code,
    ]
    for item, alliance in zip(items[:2], (overdue, due), strict=True):
        assert "Review due" in item
        assert reverse("alliances:review", args=[alliance.code]) in item
    assert "Review due" not in items[2]
    assert "Next review:" in items[2]


def test_only_active_alliances_are_listed(owner_client, workspace, owner):
    _running(workspace, owner, "Activa")
    Alliance.objects.design_for(make_candidate(workspace, "En Diseño", ticks=6), owner)
    ended = _running(workspace, owner, "Terminada")
    Alliance.objects.filter(pk=ended.pk).update(state=State.ENDED, ended_at=timezone.now())
    text = _text(_section(_dashboard(owner_client)))
    assert "Activa" in text
    assert "En Diseño" not in text and "Terminada" not in text


def test_the_first_ten_are_shown_with_a_link_to_all(owner_client, workspace, owner):
    for number in range(11):
        _running(workspace, owner, f"Socia {number:02}", metrics=1)
    section = _section(_dashboard(owner_client))
    assert len(_items(section)) == 10
    assert "Socia 10" not in section
    assert f'href="{reverse("alliances:list")}">All alliances</a>' in section


def test_without_alliances_or_anything_owed_the_section_stays_away(owner_client, workspace):
    assert 'id="alliances-title"' not in _dashboard(owner_client)


# --- benefits owed -----------------------------------------------------------------------------


def _owe(alliance: Alliance, amount: str, paid: bool = False) -> Benefit:
    entry = Entry.objects.create(alliance=alliance, date=LAST_MONTH, sales=1)
    return Benefit.objects.create(
        entry=entry,
        alliance=alliance,
        owed_on=entry.date,
        amount=Decimal(amount),
        paid_on=TODAY if paid else None,
    )


def test_the_benefits_owed_and_not_paid_are_summed(owner_client, workspace, owner, outsider):
    one = _running(workspace, owner, "Uno", kind="referral")
    two = _running(workspace, owner, "Dos", kind="referral")
    _owe(one, "1500")
    _owe(two, "250.50")
    _owe(two, "999", paid=True)
    elsewhere = _running(outsider.workspaces().get(), outsider, "Ajena")
    _owe(elsewhere, "7777")
    text = _text(_section(_dashboard(owner_client)))
    assert "Benefits owed to partners, not paid yet: $1,750.50" in text


def test_what_is_owed_shows_even_once_the_alliance_ended(owner_client, workspace, owner):
    ended = _running(workspace, owner, "Terminada")
    _owe(ended, "80")
    Alliance.objects.filter(pk=ended.pk).update(state=State.ENDED, ended_at=timezone.now())
    assert "not paid yet: $80" in _text(_section(_dashboard(owner_client)))


# --- expensive hobbies -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "alerted"),
    [(29, False), (30, False), (31, True)],
    ids=["cost-below-margin", "cost-equal-to-margin", "cost-above-margin"],
)
def test_the_hobby_alert_appears_exactly_when_this_months_cost_exceeds_the_margin(
    owner_client, workspace, owner, minutes, alerted
):
    set_hourly_value(workspace, "60")
    alliance = _running(workspace, owner, "Hobby Caro", margin_per_sale=Decimal("30"))
    Entry.objects.create(alliance=alliance, date=TODAY, sales=1)
    TimeEntry.objects.create(alliance=alliance, date=TODAY, minutes=minutes, kind="meeting")
    # Last month's time is last month's: it does not count now.
    TimeEntry.objects.create(alliance=alliance, date=LAST_MONTH, minutes=600, kind="meeting")
    hobbies = _text(_hobbies(_dashboard(owner_client)))
    assert ("Hobby Caro" in hobbies) is alerted
    if alerted:
        assert "Hobby Caro · cost $31 vs margin $30" in hobbies


def test_a_month_of_meetings_and_no_sale_is_a_hobby_next_to_the_pilots(
    owner_client, workspace, owner
):
    set_hourly_value(workspace, "60")
    alliance = _running(workspace, owner, "Solo Reuniones")
    TimeEntry.objects.create(alliance=alliance, date=TODAY, minutes=90, kind="meeting")
    page = _dashboard(owner_client)
    assert "Expensive hobbies" in page
    assert "Coordinating these alliances this month costs more" in page
    assert reverse("alliances:detail", args=[alliance.code]) in _hobbies(page)
    assert "cost $90 vs margin $0" in _text(_hobbies(page))


def test_no_hobby_alert_without_an_hourly_value(owner_client, workspace, owner):
    alliance = _running(workspace, owner, "Sin Valor")
    TimeEntry.objects.create(alliance=alliance, date=TODAY, minutes=600, kind="meeting")
    assert "Expensive hobbies" not in _dashboard(owner_client)


# --- isolation ---------------------------------------------------------------------------------


def test_another_workspace_sees_none_of_it(owner_client, outsider_client, workspace, owner):
    set_hourly_value(workspace, "60")
    alliance = _running(workspace, owner, "Nuestra Alianza", since=add_months(TODAY, -1))
    TimeEntry.objects.create(alliance=alliance, date=TODAY, minutes=600, kind="meeting")
    _owe(alliance, "100")
    page = _dashboard(outsider_client)
    assert "Nuestra Alianza" not in page
    assert 'id="alliances-title"' not in page
    assert "Expensive hobbies" not in page
    assert "Nuestra Alianza" in _dashboard(owner_client)


# --- a fixed number of queries -----------------------------------------------------------------


def _queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        page = _dashboard(client)
    return len(queries), page


def _busy(alliance: Alliance, sales: int) -> None:
    """Four months of lines, `sales` of them this month; time, and a benefit owed."""
    for months_ago in range(1, 4):
        day = add_months(TODAY, -months_ago)
        Entry.objects.create(alliance=alliance, date=day, referrals=2, sales=1, revenue=40)
        TimeEntry.objects.create(alliance=alliance, date=day, minutes=30, kind="meeting")
    for number in range(sales):
        Entry.objects.create(alliance=alliance, date=TODAY, sales=1, revenue=30 + number)
    TimeEntry.objects.create(alliance=alliance, date=TODAY, minutes=240, kind="messages")
    _owe(alliance, "12")


def test_the_dashboard_costs_the_same_queries_for_one_alliance_or_five_and_any_sales(
    owner_client, workspace, owner, django_assert_num_queries
):
    set_hourly_value(workspace, "60")
    first = _running(workspace, owner, "Primera", since=add_months(TODAY, -4))
    _busy(first, sales=1)
    _dashboard(owner_client)  # the session learns the workspace
    at_one, page = _queries(owner_client)
    assert len(_items(_section(page))) == 1
    assert "Primera" in _hobbies(page)

    for number in range(4):
        _busy(_running(workspace, owner, f"Otra {number}", since=add_months(TODAY, -1)), sales=30)
    _busy(first, sales=29)
    with django_assert_num_queries(at_one):
        page = _dashboard(owner_client)
    section = _section(page)
    assert len(_items(section)) == 5
    assert "Sales: 30 / 20" in _text(section)
    assert "not paid yet: $72" in _text(section)  # 6 benefits of $12


def test_the_alliances_cost_the_dashboard_six_queries_and_two_while_none_runs(
    owner_client, workspace, owner
):
    _dashboard(owner_client)
    without, _page = _queries(owner_client)
    _busy(_running(workspace, owner, "Una"), sales=3)
    with_one, _page = _queries(owner_client)
    # The alliances shown and the benefits owed always; their metrics, the hourly value,
    # this month's results and this month's time once one is active.
    assert with_one - without == 4
