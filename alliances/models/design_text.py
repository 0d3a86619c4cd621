"""An alliance's design in words: a snapshot (what a DesignVersion keeps) as (label, text)
rows to show, on the alliance's page and in its design history."""

from __future__ import annotations

from decimal import Decimal

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from alliances.models.alliance import (
    QUESTIONS,
    Alliance,
    BenefitRule,
    Cadence,
    FollowUp,
    Measure,
    Metric,
)
from candidates.models import Asset, Kind
from semaforo.lib.money import format_money, format_number


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else str(value or "")


def _figure(value) -> str:
    """A count or a percentage, without ".00" when whole."""
    number = Decimal(value)
    return format_number(number.quantize(Decimal(1)) if number == number.to_integral() else number)


def _metric_text(metric: dict, currency: str) -> str:
    label = metric.get("name") or _label(Measure, metric.get("measure"))
    target = metric.get("monthly_target")
    if not target:
        return label
    if metric.get("measure") == Measure.REVENUE:
        shown = format_money(target, currency)
    else:
        shown = _figure(target)
    return _("%(metric)s: %(target)s a month") % {"metric": label, "target": shown}


def _metrics_text(data: dict, currency: str) -> str:
    return "\n".join(_metric_text(metric, currency) for metric in data.get("metrics") or [])


def _benefit_text(data: dict, currency: str) -> str:
    rule, value = data.get("benefit_rule"), data.get("benefit_value")
    if rule not in BenefitRule.values or rule == BenefitRule.NONE:
        return ""
    label = _label(BenefitRule, rule)
    if value is None:
        return label
    if rule == BenefitRule.PERCENT:
        return _("%(rule)s: %(value)s%%") % {"rule": label, "value": _figure(value)}
    return _("%(rule)s: %(value)s") % {"rule": label, "value": format_money(value, currency)}


def _exchange_text(data: dict, field: str) -> str:
    assets = ", ".join(_label(Asset, value) for value in data.get(field) or [])
    return "; ".join(text for text in (assets, data.get(f"{field}_note")) if text)


def _named(field: str) -> str:
    return capfirst(Alliance._meta.get_field(field).verbose_name)


def describe(data: dict, currency: str) -> list[tuple[str, str]]:
    """A design (a snapshot) as (label, text) rows to show, empty answers left out."""
    rows = [
        (_named("kind"), _label(Kind, data.get("kind"))),
        (_named("they_bring"), _exchange_text(data, "they_bring")),
        (_named("we_bring"), _exchange_text(data, "we_bring")),
        *[(question, data.get(field) or "") for field, question in QUESTIONS.items()],
        (capfirst(Metric._meta.verbose_name_plural), _metrics_text(data, currency)),
        (_named("review_cadence"), _label(Cadence, data.get("review_cadence"))),
        (_named("our_contact"), data.get("our_contact") or ""),
        (_named("their_contact"), data.get("their_contact") or ""),
        (_named("benefit_rule"), _benefit_text(data, currency)),
        (_named("follow_up"), _label(FollowUp, data.get("follow_up"))),
    ]
    return [(str(label), str(text)) for label, text in rows if text]
