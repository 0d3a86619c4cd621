"""The alliance's agreement (its one-pager): the assets named as the partner reads them, and,
on the alliance's page, the link and the form that make or revoke it."""

from __future__ import annotations

from django import template
from django.urls import reverse

from alliances.forms import AgreementForm
from alliances.models import Alliance
from candidates.models import Asset

register = template.Library()


@register.filter
def asset_labels(values) -> list[str]:
    """An exchange's assets (what one side brings), by their names, in the method's order."""
    chosen = set(values or [])
    return [str(asset.label) for asset in Asset if asset.value in chosen]


@register.simple_tag(takes_context=True)
def agreement_url(context, alliance: Alliance) -> str:
    """The absolute address of the agreement to send the partner; "" while there is none."""
    if not alliance.one_pager_token:
        return ""
    path = reverse("partners:one_pager", args=[alliance.one_pager_token])
    return context["request"].build_absolute_uri(path)


@register.simple_tag
def agreement_form(alliance: Alliance) -> AgreementForm:
    return AgreementForm(instance=alliance)
