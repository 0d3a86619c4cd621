"""The pilot's review: the decision, with the totals and the checklist at the time."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from candidates.models import Evaluation, Status
from pilots.models.pilot import (
    TOTAL_DIGITS,
    Outcome,
    Pilot,
)
from semaforo.lib.fields import WorkspaceCopyField


class Decision(models.TextChoices):
    PROMOTE = "promote", _("Promote to strategic alliance")
    EXTEND = "extend", _("Extend once")
    STOP_OPEN_REFERRAL = "open_referral", _("Stop: keep an open referral")
    STOP_DISCARD = "discard", _("Stop: discard")


# What each final decision makes of the pilot and of its candidate.
DECISION_OUTCOME = {
    Decision.PROMOTE: (Outcome.PROMOTED, Status.ALLIANCE),
    Decision.STOP_OPEN_REFERRAL: (Outcome.OPEN_REFERRAL, Status.OPEN_REFERRAL),
    Decision.STOP_DISCARD: (Outcome.DISCARDED, Status.DISCARDED),
}
# What the review form gives a review (the rest is the pilot's totals at the time).
REVIEW_INPUT = (
    "decision",
    "new_review_date",
    "notes",
    "framing_uncomfortable",
    "model_confusing",
    "benefit_badly_posed",
    "no_simple_pilot",
)

# The method's "why a good alliance doesn't take off" prompts.
DIAGNOSTICS = (
    ("framing_uncomfortable", _("The framing is uncomfortable for the partner")),
    ("model_confusing", _("The operating model is confusing")),
    ("benefit_badly_posed", _("The benefit is badly posed")),
    ("no_simple_pilot", _("There is no simple way to try it without commitment")),
)
_DIAGNOSIS = dict(DIAGNOSTICS)


class Review(models.Model):
    """The day-14 review: totals at the time, the re-run checklist, and a decision."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="reviews")
    # The pilot's, copied on insert: the dashboard's recent activity reads the newest rows
    # of one workspace from an index, however long its history.
    workspace = WorkspaceCopyField(parent="pilot")
    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("decision"), max_length=15, choices=Decision)
    new_review_date = models.DateField(_("new review date"), null=True, blank=True)
    framing_uncomfortable = models.BooleanField(_DIAGNOSIS["framing_uncomfortable"], default=False)
    model_confusing = models.BooleanField(_DIAGNOSIS["model_confusing"], default=False)
    benefit_badly_posed = models.BooleanField(_DIAGNOSIS["benefit_badly_posed"], default=False)
    no_simple_pilot = models.BooleanField(_DIAGNOSIS["no_simple_pilot"], default=False)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    referrals = models.PositiveIntegerField(default=0)
    sales = models.PositiveIntegerField(default=0)
    revenue = models.DecimalField(max_digits=TOTAL_DIGITS, decimal_places=2, default=Decimal("0"))
    coordination_minutes = models.PositiveIntegerField(default=0)
    coordination_cost = models.DecimalField(
        max_digits=TOTAL_DIGITS, decimal_places=2, default=Decimal("0")
    )
    margin_earned = models.DecimalField(
        max_digits=TOTAL_DIGITS, decimal_places=2, default=Decimal("0")
    )
    reviewed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=Decision.values), name="review_decision_valid"
            ),
            models.CheckConstraint(
                condition=Q(decision="extend", new_review_date__isnull=False)
                | (~Q(decision="extend") & Q(new_review_date__isnull=True)),
                name="review_extension_has_date",
            ),
            # A pilot is extended at most once…
            models.UniqueConstraint(
                fields=["pilot"],
                condition=Q(decision="extend"),
                name="review_one_extension_per_pilot",
            ),
            # …and finished by one decision (a double submit, two tabs, a teammate).
            models.UniqueConstraint(
                fields=["pilot"],
                condition=~Q(decision="extend"),
                name="review_one_final_decision_per_pilot",
            ),
        ]
        indexes = [
            # The dashboard's recent activity: a workspace's newest first.
            models.Index(fields=["workspace", "-created_at"], name="review_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.pilot}: {self.decision}"
