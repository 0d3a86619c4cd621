"""`{{ amount|money:request.workspace.currency }}` and `{{ count|number }}`.

Built in (settings.TEMPLATES), so every template prints amounts and counts the same way:
the workspace's currency with the reader's separators (semaforo/lib/money.py).
"""

from __future__ import annotations

from django import template

from semaforo.lib.money import format_money, format_number

register = template.Library()


@register.filter
def money(amount, currency: str) -> str:
    return format_money(amount, currency)


@register.filter
def number(value) -> str:
    return format_number(value)
