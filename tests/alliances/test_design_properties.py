"""Whatever is typed on the design page: never a 500, and the alliance's pages still open.
And months are added by the calendar, whatever the day."""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliances.models import add_months
from tests.alliances.conftest import design_data, design_url, detail_url

EXAMPLES = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

number = st.one_of(
    st.integers(min_value=-(2**64), max_value=2**64).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=None).map(str),
    st.sampled_from(["", "0", "0.001", "100.01", "1e13", "999999999999.99", "1,5", "\x00"]),
)
text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "Estética Titán", "<b>x</b>", "\x00", "a\x1bb", "ñ" * 501]),
)


@pytest.mark.django_db
@EXAMPLES
@given(
    target=number,
    benefit=number,
    rule=st.sampled_from(["none", "percent", "per_sale", "per_referral", "junk"]),
    answer=text,
    name=text,
)
def test_no_input_breaks_the_design(owner, alliance, target, benefit, rule, answer, name):
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    data = design_data(
        action="activate",
        metric_1_target=target,
        metric_2_measure="custom",
        metric_2_name=name,
        benefit_rule=rule,
        benefit_value=benefit,
        how_served=answer,
    )
    response = client.post(design_url(alliance), data)
    assert response.status_code in (302, 400), data
    for url in (design_url(alliance), detail_url(alliance)):
        assert client.get(url).status_code in (200, 302), url


@given(
    day=st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    months=st.sampled_from([1, 3]),
)
def test_a_month_later_is_the_same_day_or_the_month_s_last(day, months):
    later = add_months(day, months)
    if later == date.max:
        return
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    last = calendar.monthrange(later.year, later.month)[1]
    assert later.day == min(day.day, last)
