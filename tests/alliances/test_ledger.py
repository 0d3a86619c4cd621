"""A referral programme's ledger: the benefit owed for each line of results under its rule
(a percentage of the sale, or a fixed amount per sale or per referral), exact to the cent;
owed once per line, paid once with a date; totals owed and paid per month; a CSV export."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from alliances.models import (
    MAX_BENEFIT_AMOUNT,
    Alliance,
    Benefit,
    BenefitRule,
    Entry,
    benefit_owed,
)
from pilots.models import MAX_ENTRY_COUNT
from tests.alliances.running import log, referral_programme, running, url
from tests.conftest import client_for, make_candidate
from tests.page_forms import form_on
from tests.pilots.conftest import TODAY, body

pytestmark = pytest.mark.django_db


def owed(alliance: Alliance) -> list[Decimal]:
    return list(alliance.benefits.order_by("entry_id").values_list("amount", flat=True))


def month_figures(page: str, month: str) -> dict[str, str]:
    row = re.search(rf'<tr data-month="{month}">.*?</tr>', page, re.S)
    assert row, f"no row for {month}"
    return dict(re.findall(r'data-figure="(\w+)">([^<]*)<', row.group(0)))


# --- the rule, exact --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "value", "line", "amount"),
    [
        (BenefitRule.PERCENT, "12.5", {"revenue": "1000.10"}, "125.01"),  # 125.0125
        (BenefitRule.PERCENT, "12.5", {"revenue": "0.20"}, "0.03"),  # 0.025: half up
        (BenefitRule.PERCENT, "10", {"revenue": "0.10"}, "0.01"),
        (BenefitRule.PERCENT, "33.33", {"revenue": "99999999.99"}, "33330000.00"),
        (BenefitRule.PERCENT, "100", {"revenue": "9999999999.99"}, "9999999999.99"),
        (BenefitRule.PER_SALE, "7.35", {"sales": 3}, "22.05"),
        (BenefitRule.PER_SALE, "10000000", {"sales": MAX_ENTRY_COUNT}, "1000000000000.00"),
        (BenefitRule.PER_REFERRAL, "2.50", {"referrals": 7, "sales": 2}, "17.50"),
    ],
)
def test_the_benefit_owed_is_exact_to_the_cent(rule, value, line, amount):
    entry = Entry(**{key: Decimal(v) if key == "revenue" else v for key, v in line.items()})
    assert benefit_owed(rule, Decimal(value), entry) == Decimal(amount)


def test_each_line_recorded_owes_its_benefit(alliance, owner):
    programme = referral_programme(alliance, owner, "percent", "12.5")
    log(programme, sales=1, revenue=Decimal("1000.10"))
    log(programme, sales=1, revenue=Decimal("80"))
    log(programme, referrals=3)  # no sale: nothing owed under a percentage
    assert owed(programme) == [Decimal("125.01"), Decimal("10.00")]
    benefit = programme.benefits.first()
    assert (benefit.owed_on, benefit.paid_on, benefit.workspace_id) == (
        TODAY,
        None,
        programme.workspace_id,
    )


def test_a_fixed_amount_per_sale_and_per_referral(workspace, owner):
    per_sale = referral_programme(
        Alliance.objects.design_for(make_candidate(workspace, "Uno", ticks=6), owner),
        owner,
        "per_sale",
        "15",
    )
    per_referral = referral_programme(
        Alliance.objects.design_for(make_candidate(workspace, "Dos", ticks=6), owner),
        owner,
        "per_referral",
        "2.5",
    )
    for programme in (per_sale, per_referral):
        log(programme, referrals=4, sales=2)
    assert owed(per_sale) == [Decimal("30.00")]
    assert owed(per_referral) == [Decimal("10.00")]


def test_only_a_referral_programme_owes_a_benefit(alliance, owner):
    strategic = running(alliance, owner)  # a strategic alliance: no benefit rule
    log(strategic, sales=5, revenue=Decimal(500))
    assert not Benefit.objects.exists()


def test_the_largest_benefits_fit_their_column(alliance, owner):
    programme = referral_programme(alliance, owner, "per_sale", str(MAX_BENEFIT_AMOUNT))
    for _line in range(3):
        log(programme, sales=MAX_ENTRY_COUNT)
    assert owed(programme) == [Decimal(10) ** 12] * 3
    [month] = programme.benefits.ledger(TODAY, TODAY)
    assert month.owed == 3 * Decimal(10) ** 12


def test_a_sale_sent_twice_by_a_double_tap_owes_once(owner_client, alliance, owner):
    programme = referral_programme(alliance, owner, "per_sale", "20")
    action, data = form_on(owner_client.get(url("detail", programme)), having="referrals")
    data.update(sales="1")
    owner_client.post(action, data)
    owner_client.post(action, data)
    assert Entry.objects.filter(alliance=programme).count() == 1
    assert owed(programme) == [Decimal("20.00")]


# --- paid once, with its date -----------------------------------------------------------------


def test_marking_paid_twice_pays_once_with_the_first_date(alliance, owner):
    programme = referral_programme(alliance, owner, "per_sale", "20")
    first, second = log(programme, sales=1), log(programme, sales=2)
    day = TODAY
    assert Benefit.objects.mark_paid(programme, [first.pk, second.pk], day) == 2
    assert Benefit.objects.mark_paid(programme, [first.pk, second.pk], day + timedelta(1)) == 0
    assert set(programme.benefits.values_list("paid_on", flat=True)) == {day}


def test_mark_paid_touches_only_this_alliance_s_lines(alliance, owner, outsider):
    programme = referral_programme(alliance, owner, "per_sale", "20")
    theirs = referral_programme(
        Alliance.objects.design_for(
            make_candidate(outsider.workspaces().get(), "Ajena", ticks=6), outsider
        ),
        outsider,
        "per_sale",
        "20",
    )
    their_line = log(theirs, sales=1)
    assert Benefit.objects.mark_paid(programme, [their_line.pk], TODAY) == 0
    assert theirs.benefits.get().paid_on is None


def test_a_line_is_not_paid_before_it_was_owed(alliance, owner):
    programme = referral_programme(alliance, owner, "per_sale", "20")
    line = log(programme, sales=1)
    assert Benefit.objects.mark_paid(programme, [line.pk], TODAY - timedelta(days=1)) == 0


def test_the_database_refuses_a_payment_before_the_line_was_owed(alliance, owner):
    programme = referral_programme(alliance, owner, "per_sale", "20")
    log(programme, sales=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        programme.benefits.update(paid_on=TODAY - timedelta(days=1))


def test_the_page_marks_the_ticked_lines_paid_once(owner_client, alliance, owner):
    programme = referral_programme(alliance, owner, "per_sale", "20")
    first, second, third = (log(programme, on=date(2026, 12, 7), sales=1) for _ in range(3))
    page = owner_client.get(url("ledger", programme))
    action, data = form_on(page, having="paid_on")
    data.update(lines=[str(first.pk), str(second.pk)], paid_on="2026-12-08")
    response = owner_client.post(action, data, follow=True)
    assert "2 lines marked paid." in body(response)
    again = owner_client.post(action, {**data, "paid_on": "2026-12-09"}, follow=True)
    assert "Lines already paid, or owed after that date, were left as they were." in body(again)
    paid = dict(programme.benefits.values_list("entry_id", "paid_on"))
    assert paid == {first.pk: date(2026, 12, 8), second.pk: date(2026, 12, 8), third.pk: None}


def test_a_paid_line_offers_no_box_to_tick(owner_client, alliance, owner):
    programme = referral_programme(alliance, owner, "per_sale", "20")
    paid, unpaid = log(programme, sales=1), log(programme, sales=1)
    Benefit.objects.mark_paid(programme, [paid.pk], TODAY)
    page = body(owner_client.get(url("ledger", programme)))
    assert f'name="lines" value="{unpaid.pk}"' in page
    assert f'name="lines" value="{paid.pk}"' not in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"lines": []}, "Tick the lines you paid."),
        ({"paid_on": "2026-12-10"}, "This date is in the future."),
        ({"paid_on": ""}, "This field is required."),
        ({"lines": ["1; DROP TABLE"]}, "Tick the lines you paid."),
        ({"lines": [str(n) for n in range(401)]}, "Mark at most 400 lines at a time."),
    ],
)
def test_a_bad_payment_comes_back_with_the_errors(owner_client, alliance, owner, changes, message):
    programme = referral_programme(alliance, owner, "per_sale", "20")
    line = log(programme, sales=1)
    action, data = form_on(owner_client.get(url("ledger", programme)), having="paid_on")
    data.update({"lines": [str(line.pk)], "paid_on": "2026-12-09", **changes})
    response = owner_client.post(action, data)
    assert response.status_code == 400
    assert message in body(response)
    assert programme.benefits.get().paid_on is None


# --- totals per month -------------------------------------------------------------------------


def test_the_ledger_totals_owed_and_paid_per_month_exactly(owner_client, alliance, owner):
    programme = referral_programme(alliance, owner, "percent", "12.5")
    november = [
        log(programme, on=date(2026, 11, day), sales=1, revenue=Decimal("0.80"))
        for day in (3, 4, 5)
    ]
    december = log(programme, sales=1, revenue=Decimal("1000.10"))
    Benefit.objects.mark_paid(programme, [november[0].pk], date(2026, 11, 30))
    months = {month.month: month for month in programme.benefits.ledger(date(2026, 1, 1), TODAY)}
    assert len(months) == 12
    assert (months[date(2026, 11, 1)].owed, months[date(2026, 11, 1)].paid) == (
        Decimal("0.30"),
        Decimal("0.10"),
    )
    assert months[date(2026, 12, 1)].owed == Decimal("125.01")
    assert months[date(2026, 12, 1)].unpaid == Decimal("125.01")
    assert december.benefit.amount == Decimal("125.01")
    page = body(owner_client.get(url("ledger", programme)))
    assert month_figures(page, "2026-11") == {"owed": "$0.30", "paid": "$0.10", "unpaid": "$0.20"}
    assert month_figures(page, "total") == {
        "owed": "$125.31",
        "paid": "$0.10",
        "unpaid": "$125.21",
    }


def test_the_ledger_shows_a_year_at_a_time(owner_client, alliance, owner):
    programme = referral_programme(alliance, owner, "per_sale", "20")
    log(programme, on=date(2025, 12, 31), sales=2)
    log(programme, sales=1)
    this_year = body(owner_client.get(url("ledger", programme)))
    assert 'data-month="2025-12"' not in this_year
    assert month_figures(this_year, "total")["owed"] == "$20"
    last_year = body(owner_client.get(url("ledger", programme) + "?year=2025"))
    assert month_figures(last_year, "2025-12")["owed"] == "$40"
    assert month_figures(last_year, "total")["owed"] == "$40"
    for junk in ("?year=0", "?year=99999", "?year=abc", "?page=-1"):
        assert owner_client.get(url("ledger", programme) + junk).status_code == 200


def test_a_ledger_without_a_rule_says_so(owner_client, alliance, owner):
    page = body(owner_client.get(url("ledger", running(alliance, owner))))
    assert "No benefit rule is agreed" in page


def test_the_ledger_page_shows_what_people_typed_as_text(owner_client, alliance, owner):
    programme = referral_programme(alliance, owner, "per_sale", "20")
    log(programme, sales=1, note='<script>alert("x")</script>')
    html = owner_client.get(url("ledger", programme)).content.decode()
    assert "<script>alert" not in html


# --- the export -------------------------------------------------------------------------------


def _rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    delimiter = ";" if ";" in text.splitlines()[0] else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def test_the_ledger_exports_as_csv_formula_safe(owner_client, alliance, owner):
    programme = referral_programme(alliance, owner, "percent", "12.5")
    first = log(programme, on=date(2026, 11, 3), sales=1, revenue=Decimal("1000.10"))
    log(programme, sales=2, revenue=Decimal("80"), note='=HYPERLINK("http://x")')
    Benefit.objects.mark_paid(programme, [first.pk], date(2026, 11, 30))
    response = owner_client.get(url("ledger_export", programme))
    assert response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]
    header, *rows = _rows(response)
    assert header == ["Date", "Referrals", "Sales", "Revenue", "Benefit owed", "Paid on", "Note"]
    assert rows == [
        ["2026-11-03", "0", "1", "1000.10", "125.01", "2026-11-30", ""],
        ["2026-12-09", "0", "2", "80.00", "10.00", "", '\'=HYPERLINK("http://x")'],
    ]


def test_the_export_follows_the_spanish_spreadsheet_conventions(alliance, owner):
    programme = referral_programme(alliance, owner, "percent", "12.5")
    log(programme, sales=1, revenue=Decimal("1000.10"))
    client = client_for(owner, HTTP_ACCEPT_LANGUAGE="es")
    text = client.get(url("ledger_export", programme)).content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Fecha;")
    assert text.splitlines()[1] == "2026-12-09;0;1;1000,10;125,01;;"
