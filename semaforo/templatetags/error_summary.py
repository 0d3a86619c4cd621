"""{% error_summary form other_form %}: after a failed submit, every error of the page's
forms in one list at the top of the main region, each linking to its field.

Each template puts it in base.html's `error_summary` block, right after <main>: without
JavaScript it is the first thing there; with it, static/js/error-summary.js moves the
focus to it (it is scrolled into view and read out) and its links focus the field.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template

register = template.Library()


@dataclass(frozen=True)
class Item:
    message: str
    label: str = ""
    anchor: str = ""  # the id of the control to go to; none for an error of the whole form


def anchor_for(field) -> str:
    """The id of a bound field's first control: its own, or the first of a group (radio
    buttons, check boxes, a split widget: "id_decision_0"), as Django's labels do."""
    if field.is_hidden or not field.auto_id:
        return ""
    return field.id_for_label or f"{field.auto_id}_0"


def items_for(form) -> list[Item]:
    """A form's errors in the page's order: the whole form's first, then field by field."""
    if form is None or not getattr(form, "is_bound", False) or not form.errors:
        return []
    items = [Item(str(message)) for message in form.non_field_errors()]
    for field in form:
        for message in field.errors:
            anchor = anchor_for(field)
            label = str(field.label) if anchor and field.label else ""
            items.append(Item(str(message), label, anchor))
    return items


@register.inclusion_tag("_error_summary.html")
def error_summary(*forms) -> dict:
    return {"items": [item for form in forms for item in items_for(form)]}
