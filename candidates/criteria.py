"""The method's 8-point checklist and 5-question smoke filter (METHOD.md)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Criterion:
    field: str
    label: Promise
    help: Promise

    @property
    def note_field(self) -> str:
        return f"{self.field}_note"


# Labels are the method's names: English from METHOD.md, Spanish from the article.
CRITERIA = (
    Criterion(
        "ideal_customer",
        pgettext_lazy("criterion", "Compatible ideal customer"),
        _("Their audience could buy from you without forcing it."),
    ),
    Criterion(
        "transferable_trust",
        pgettext_lazy("criterion", "Transferable trust"),
        _("They recommend and people listen."),
    ),
    Criterion(
        "active_channel",
        pgettext_lazy("criterion", "Active channel"),
        _("They sell today; there is real flow."),
    ),
    Criterion(
        "real_complement",
        pgettext_lazy("criterion", "Real complement"),
        _("They bring a key asset you lack."),
    ),
    Criterion(
        "purchase_context",
        pgettext_lazy("criterion", "Natural purchase context"),
        _("The offer fits organically."),
    ),
    Criterion(
        "easy_execution",
        pgettext_lazy("criterion", "Easy execution"),
        _("A referral takes 1–2 steps."),
    ),
    Criterion(
        "two_sided_benefit",
        pgettext_lazy("criterion", "Clear two-sided benefit"),
        _("Both sides win."),
    ),
    Criterion(
        "measurable",
        pgettext_lazy("criterion", "Measurable"),
        _("A code, link, coupon or simple register."),
    ),
)
CRITERION_FIELDS = tuple(c.field for c in CRITERIA)


# The 60-second smoke filter: no clear answer to all five → no alliance, just a conversation.
FILTER_QUESTIONS = (
    ("filter_customer", _("Who is this business's typical customer?")),
    ("filter_channel", _("How do they reach that customer today? (a real channel, not wishes)")),
    ("filter_asset", _("What concrete asset do they bring? (trust, space, community, logistics…)")),
    ("filter_execution", _("How does it run in 1–2 steps? (refer, serve, charge)")),
    ("filter_measure", _("How do we measure it?")),
)
FILTER_FIELDS = tuple(field for field, _question in FILTER_QUESTIONS)
