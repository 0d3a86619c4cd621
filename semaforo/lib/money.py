"""Money and numbers as people read them: the workspace's currency, the reader's separators.

Formatting is babel's (CLDR data), chosen like this:

- English reads amounts the US way: "$1,500.50", "ARS 150,000", "€1,500.50".
- Spanish reads an amount the way the currency's own Spanish-speaking country writes it,
  because that is where the business is: ARS as in Argentina ("$150.000"), MXN as in Mexico
  ("$1,500.50"), UYU as in Uruguay ("$ 1.500,50"), EUR as in Spain ("1.500,50 €"). A currency
  with no such country (USD, BRL) follows the reader's Spanish: Argentine for `es-ar`
  ("US$1.500,50"), and for the neutral `es` the grouping of Django's own `es` formats
  (dot, decimal comma) with the symbol first, as Latin America writes it ("US$ 1.500,50").
- A whole amount drops its decimals in every language ("$150.000", "$1,500"); an amount
  with cents shows the currency's own number of decimals ("$1,500.50").
- A code-like symbol is kept apart from the digits by a no-break space ("ARS 150,000"):
  CLDR's currency spacing rule, which babel does not apply.

Counts (`format_number`) use the reader's language alone: en_US, es_AR, es.
CSV exports keep plain numbers (semaforo/lib/spreadsheet.py), never these.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.numbers import (
    format_currency,
    format_decimal,
    get_currency_name,
    get_currency_symbol,
    get_territory_currencies,
)
from django.conf import settings
from django.utils import translation

# The currencies a workspace can keep its amounts in (ISO 4217): Latin America's, the
# dollar and the euro. The workspace.currency column accepts only these (a constraint).
CURRENCIES = (
    "ARS",
    "BOB",
    "BRL",
    "CLP",
    "COP",
    "CRC",
    "CUP",
    "DOP",
    "EUR",
    "GTQ",
    "HNL",
    "MXN",
    "NIO",
    "PAB",
    "PEN",
    "PYG",
    "USD",
    "UYU",
    "VES",
)
DEFAULT_CURRENCY = "USD"

# Where each currency is written in Spanish: the country that uses it (the euro: Spain).
SPANISH_HOME = {
    "ARS": "es_AR",
    "BOB": "es_BO",
    "CLP": "es_CL",
    "COP": "es_CO",
    "CRC": "es_CR",
    "CUP": "es_CU",
    "DOP": "es_DO",
    "EUR": "es_ES",
    "GTQ": "es_GT",
    "HNL": "es_HN",
    "MXN": "es_MX",
    "NIO": "es_NI",
    "PAB": "es_PA",
    "PEN": "es_PE",
    "PYG": "es_PY",
    "UYU": "es_UY",
    "VES": "es_VE",
}
# The app's languages (settings.LANGUAGES) → the locale of their numbers.
LANGUAGE_LOCALES = {"en": "en_US", "es": "es", "es-ar": "es_AR"}
# The neutral `es`: Django's `es` separators, the symbol first as in Latin America.
NEUTRAL_SPANISH_PATTERN = "¤\xa0#,##0.00"
FRACTION = re.compile(r"\.0+")


def _language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE).lower()


@lru_cache(maxsize=64)
def number_locale(language: str) -> Locale:
    """The babel locale for counts read in `language` (a Django language code)."""
    language = language.lower()
    code = LANGUAGE_LOCALES.get(language) or translation.to_locale(language)
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(LANGUAGE_LOCALES.get(language.split("-")[0], "en_US"))


@lru_cache(maxsize=256)
def _money_format(language: str, currency: str) -> tuple[Locale, str]:
    """The locale and pattern for amounts in `currency` read in `language`."""
    locale = number_locale(language)
    if locale.language == "es" and currency in SPANISH_HOME:
        locale = Locale.parse(SPANISH_HOME[currency])
    elif str(locale) == "es":
        return locale, NEUTRAL_SPANISH_PATTERN
    return locale, locale.currency_formats["standard"].pattern


def _spaced(text: str, symbol: str) -> str:
    """CLDR currency spacing: a symbol that ends (or starts) with a letter next to a digit
    gets a no-break space ("ARS150" → "ARS 150"); "$150" and "US$150" stay as they are."""
    start = text.find(symbol)
    if start < 0:
        return text
    end = start + len(symbol)
    if end < len(text) and text[end].isdigit() and not _is_symbol(symbol[-1]):
        text = f"{text[:end]}\xa0{text[end:]}"
    if start > 0 and text[start - 1].isdigit() and not _is_symbol(symbol[0]):
        text = f"{text[:start]}\xa0{text[start:]}"
    return text


def _is_symbol(char: str) -> bool:
    return unicodedata.category(char).startswith("S")


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def format_money(amount, currency: str, language: str | None = None) -> str:
    """`amount` in `currency`, for a reader of `language` (default: the active one).

    "" for no amount; an unknown currency shows the number alone, with the separators.
    """
    value = _decimal(amount)
    if value is None:
        return "" if amount is None else str(amount)
    language = (language or _language()).lower()
    currency = str(currency or "").upper()
    if currency not in CURRENCIES:
        return format_decimal(value, format="#,##0.00", locale=number_locale(language))
    locale, pattern = _money_format(language, currency)
    if value == value.to_integral_value():
        text = format_currency(
            value, currency, format=FRACTION.sub("", pattern), locale=locale, currency_digits=False
        )
    else:
        text = format_currency(value, currency, format=pattern, locale=locale)
    return _spaced(text, get_currency_symbol(currency, locale))


def format_number(value, language: str | None = None) -> str:
    """A count (or any number) with the reader's grouping: 150000 → "150.000" in es-ar."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    return format_decimal(number, locale=number_locale(language or _language()))


def currency_name(currency: str, language: str | None = None) -> str:
    """ "Peso argentino (ARS)", in the reader's language."""
    locale = number_locale(language or _language())
    name = get_currency_name(currency, locale=locale)
    return f"{name[:1].upper()}{name[1:]} ({currency})"


def currency_choices() -> list[tuple[str, str]]:
    """Every currency a workspace can use, named in the active language, by name."""
    names = [(code, currency_name(code)) for code in CURRENCIES]
    return sorted(names, key=lambda choice: choice[1].casefold())


def _territory(tag: str) -> str | None:
    """ "AR" for "es-AR", "es_ar" or "es-ar"; None without a country (es, es-419)."""
    parts = re.split(r"[-_]", tag.strip())
    if len(parts) > 1 and len(parts[-1]) == 2 and parts[-1].isalpha():
        return parts[-1].upper()
    return None


def _currency_of(territory: str | None) -> str | None:
    if territory is None:
        return None
    for currency in get_territory_currencies(territory, date.today()):
        if currency in CURRENCIES:
            return currency
    return None


def default_currency(*language_tags: str, time_zone: str = "") -> str:
    """A new workspace's currency: the country of the first language tag that names one
    (a browser's es-AR → ARS, es-MX → MXN, en-US → USD), else the time zone's country
    (America/Montevideo → UYU), else the dollar."""
    for tag in language_tags:
        currency = _currency_of(_territory(tag or ""))
        if currency is not None:
            return currency
    territory = get_global("zone_territories").get(time_zone)
    return _currency_of(territory) or DEFAULT_CURRENCY
