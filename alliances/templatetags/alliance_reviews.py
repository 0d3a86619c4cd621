"""`{% alliance_history alliance as entries %}`: an alliance's reviews, design versions and
check-ins, dated, newest first (templates/alliances/_reviews.html)."""

from __future__ import annotations

from django import template

from alliances.models import Alliance, history_of

register = template.Library()


@register.simple_tag
def alliance_history(alliance: Alliance) -> list:
    return history_of(alliance)
