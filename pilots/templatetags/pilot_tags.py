from django import template

register = template.Library()


@register.filter
def review_state(pilot, today):
    """{{ pilot|review_state:today }} → upcoming / due / overdue / done."""
    return pilot.review_state(today)


@register.filter
def days_left(pilot, today):
    return pilot.days_left(today)
