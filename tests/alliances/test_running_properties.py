"""Whatever the numbers: the benefit owed is the rule's exact amount to the cent, and whatever
is typed in the running alliance's forms (the owner's result line, the partner's sale, a
payment), never a 500, and the pages still open."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliances.models import BenefitRule, Entry, benefit_owed
from pilots.models import MAX_ENTRY_COUNT
from tests.alliances.running import referral_programme, url
from tests.page_forms import form_on

EXAMPLES = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
cents = st.integers(min_value=0, max_value=10**12 - 1).map(lambda n: Decimal(n) / 100)
number = st.one_of(
    st.integers(min_value=-(2**64), max_value=2**64).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=None).map(str),
    st.sampled_from(["", "0", "0.001", "1e13", "9999999999.99", "1,5", "\x00", "٣"]),
)


def _programme(alliance, owner):
    """The running referral programme, made at the first example (the fixture's alliance,
    activated, stays active for the examples after it)."""
    if alliance.is_active():
        return alliance
    return referral_programme(alliance, owner, "percent", "12.5")


@given(revenue=cents, percent=st.integers(min_value=0, max_value=10_000))
def test_a_percentage_is_owed_exactly_to_the_cent(revenue, percent):
    rate = Decimal(percent) / 100
    amount = benefit_owed(BenefitRule.PERCENT, rate, Entry(revenue=revenue))
    assert amount == (revenue * rate / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert 0 <= amount <= revenue
    assert amount.as_tuple().exponent == -2


@given(
    count=st.integers(min_value=0, max_value=MAX_ENTRY_COUNT),
    value=st.integers(min_value=0, max_value=10**9).map(lambda n: Decimal(n) / 100),
)
def test_a_fixed_amount_is_owed_per_sale_and_per_referral(count, value):
    assert benefit_owed(BenefitRule.PER_SALE, value, Entry(sales=count)) == count * value
    assert benefit_owed(BenefitRule.PER_REFERRAL, value, Entry(referrals=count)) == count * value
    assert len((count * value).as_tuple().digits) <= 20  # the column's max_digits


@pytest.mark.django_db
@EXAMPLES
@given(referrals=number, sales=number, revenue=number, other=number, date=number, minutes=number)
def test_whatever_the_owner_types_never_fails(
    owner_client, alliance, owner, referrals, sales, revenue, other, date, minutes
):
    programme = _programme(alliance, owner)
    page = owner_client.get(url("detail", programme))
    for having, changes in (
        ("referrals", {"referrals": referrals, "sales": sales, "revenue": revenue, "other": other}),
        ("minutes", {"minutes": minutes, "date": date, "kind": "meeting"}),
    ):
        action, data = form_on(page, having=having)
        response = owner_client.post(action, {**data, **changes})
        assert response.status_code in (302, 400)
    assert owner_client.get(url("detail", programme)).status_code == 200
    assert owner_client.get(url("ledger", programme)).status_code == 200


@pytest.mark.django_db
@EXAMPLES
@given(amount=number, paid_on=number, line=number)
def test_whatever_the_partner_or_the_payer_sends_never_fails(
    owner_client, alliance, owner, amount, paid_on, line
):
    programme = _programme(alliance, owner)
    partner = reverse("partners:page", args=[programme.partner_token])
    response = Client().post(partner, {"action": "sale", "revenue": amount})
    assert response.status_code in (302, 400, 429)
    response = owner_client.post(url("mark_paid", programme), {"lines": [line], "paid_on": paid_on})
    assert response.status_code in (302, 400)
    assert owner_client.get(url("ledger", programme)).status_code == 200
