"""Money and counts as each reader reads them (semaforo/lib/money.py and its filters)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from semaforo.lib.money import (
    CURRENCIES,
    currency_choices,
    currency_name,
    default_currency,
    format_money,
    format_number,
)

NBSP = "\xa0"

# (language, currency, amount, shown): ARS, MXN, EUR and USD in each language.
SHOWN = [
    # English: the US way; a foreign symbol that is letters stands apart from the digits.
    ("en", "USD", "1500", "$1,500"),
    ("en", "USD", "1500.5", "$1,500.50"),
    ("en", "ARS", "150000", f"ARS{NBSP}150,000"),
    ("en", "MXN", "1500.5", "MX$1,500.50"),
    ("en", "EUR", "1500.5", "€1,500.50"),
    # Rioplatense Spanish: pesos as Argentina writes them, dollars as Argentines write them.
    ("es-ar", "ARS", "150000", "$150.000"),
    ("es-ar", "ARS", "150000.75", "$150.000,75"),
    ("es-ar", "USD", "1500", "US$1.500"),
    ("es-ar", "USD", "1500.5", "US$1.500,50"),
    ("es-ar", "MXN", "1500.5", "$1,500.50"),
    ("es-ar", "EUR", "1500.5", f"1.500,50{NBSP}€"),
    # Neutral Spanish: each currency as its own country writes it; the dollar, which has no
    # one Spanish-speaking country, with Django's `es` separators and the symbol first.
    ("es", "ARS", "150000", "$150.000"),
    ("es", "MXN", "150000", "$150,000"),
    ("es", "MXN", "1500.5", "$1,500.50"),
    ("es", "EUR", "1500", f"1.500{NBSP}€"),
    ("es", "USD", "1500", f"US${NBSP}1.500"),
    ("es", "USD", "1500.5", f"US${NBSP}1.500,50"),
    ("es", "UYU", "1500.5", f"${NBSP}1.500,50"),
    ("es", "CLP", "1500", "$1.500"),
]


@pytest.mark.parametrize(("language", "currency", "amount", "shown"), SHOWN)
def test_amounts_show_the_currency_with_the_readers_separators(language, currency, amount, shown):
    assert format_money(Decimal(amount), currency, language) == shown


def test_a_whole_amount_drops_the_decimals_and_cents_keep_two():
    assert format_money(Decimal("150000.00"), "ARS", "es-ar") == "$150.000"
    assert format_money(Decimal("0.50"), "USD", "en") == "$0.50"
    assert format_money(Decimal("0"), "USD", "en") == "$0"


def test_the_active_language_is_the_default_reader():
    with translation.override("es-ar"):
        assert format_money(Decimal("150000"), "ARS") == "$150.000"
        assert format_number(150000) == "150.000"
    with translation.override("en"):
        assert format_money(Decimal("150000"), "ARS") == f"ARS{NBSP}150,000"
        assert format_number(150000) == "150,000"


def test_nothing_shows_nothing_and_an_unknown_currency_shows_the_number_alone():
    assert format_money(None, "USD", "en") == ""
    assert format_money("", "USD", "en") == ""
    assert format_money(Decimal("1500"), "XXX", "en") == "1,500.00"
    assert format_money(Decimal("1500"), "", "es") == "1.500,00"


def test_big_amounts_and_counts_are_grouped():
    # The largest totals the columns hold (pilots/models/pilot.py: MAX_TOTAL_REVENUE and counts).
    assert format_money(Decimal("9999999999999.99"), "ARS", "es-ar") == "$9.999.999.999.999,99"
    assert format_number(1_000_000_000, "es") == "1.000.000.000"
    assert format_number(1_000_000_000, "en") == "1,000,000,000"
    assert format_number(7, "es-ar") == "7"


@given(
    amount=st.decimals(min_value=0, max_value=10**13, places=2),
    currency=st.sampled_from(CURRENCIES),
)
def test_every_amount_in_every_currency_and_language_formats(amount, currency):
    for language in ("en", "es", "es-ar"):
        shown = format_money(amount, currency, language)
        assert shown and any(ch.isdigit() for ch in shown)


@pytest.mark.parametrize(
    ("tags", "time_zone", "currency"),
    [
        (["es-AR"], "", "ARS"),
        (["es-ar"], "", "ARS"),  # the Rioplatense language of the app
        (["es-UY", "es-ar"], "", "UYU"),  # an Uruguayan reads es-ar and pays in pesos uruguayos
        (["es-MX", "es"], "", "MXN"),
        (["es-ES"], "", "EUR"),
        (["en-US"], "", "USD"),
        (["es", "es-419"], "America/Bogota", "COP"),  # no country in the language: the zone's
        (["en-GB"], "Europe/London", "USD"),  # neither currency is on the list: the dollar
        ([], "UTC", "USD"),
    ],
)
def test_a_new_workspaces_currency_follows_where_the_business_is(tags, time_zone, currency):
    assert default_currency(*tags, time_zone=time_zone) == currency


def test_currencies_are_named_in_the_readers_language_and_listed_by_name():
    assert currency_name("ARS", "es-ar") == "Peso argentino (ARS)"
    assert currency_name("USD", "en") == "US Dollar (USD)"
    with translation.override("es"):
        choices = currency_choices()
    assert {code for code, _name in choices} == set(CURRENCIES)
    names = [name for _code, name in choices]
    assert names == sorted(names, key=str.casefold)


def test_the_filters_are_built_in_to_every_template():
    template = Template("{{ amount|money:currency }} · {{ count|number }}")
    with translation.override("es-ar"):
        shown = template.render(
            Context({"amount": Decimal("150000"), "currency": "ARS", "count": 2500})
        )
    assert shown == "$150.000 · 2.500"
