from django import template

register = template.Library()


@register.filter
def review_state(pilot, today):
    """{{ pilot|review_state:today }} → upcoming / due / overdue / done."""
    return pilot.review_state(today)


@register.filter
def days_left(pilot, today):
    return pilot.days_left(today)


@register.simple_tag
def one_time_token() -> str:
    """{% one_time_token as token %}: a fresh token for a form that appends a line once."""
    from semaforo.lib.codes import random_token

    return random_token()


@register.simple_tag
def referrals_and_sales(referrals: int, sales: int) -> str:
    """{% referrals_and_sales r s %} → "1 referral, 3 sales", each noun in its plural form
    and each count with the reader's grouping."""
    from django.utils.translation import ngettext

    from semaforo.lib.money import format_number

    return ", ".join(
        [
            # The msgids of {% blocktranslate count n=… %}{{ n }} referral… in the templates.
            ngettext("%(n)s referral", "%(n)s referrals", referrals)
            % {"n": format_number(referrals)},
            ngettext("%(n)s sale", "%(n)s sales", sales) % {"n": format_number(sales)},
        ]
    )
