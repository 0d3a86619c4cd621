"""The periodic review of a running alliance (monthly or quarterly), and its reminders: the
months since the last review against the targets, cost against margin, the method's "why
doesn't it take off" prompts, and the decision: keep, adjust, change kind, or end. A sales
channel's routine of follow-up (its check-ins) lives here too: the same job reminds of it."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from alliances.models.alliance import (
    CENT,
    CHECK_IN_DAYS,
    Alliance,
    BenefitRule,
    FollowUp,
    Measure,
    State,
    add_months,
)
from alliances.models.logs import MonthFigures, month_figures
from candidates.models import Kind, Status
from pilots.models import DIAGNOSTICS, is_expensive_hobby
from semaforo.lib.fields import WorkspaceCopyField

_DIAGNOSIS = dict(DIAGNOSTICS)
DIAGNOSTIC_FIELDS = tuple(field for field, _label in DIAGNOSTICS)
NOTES_MAX_CHARS = 2000
# A sales channel's routine: days between check-ins.


class Decision(models.TextChoices):
    KEEP = "keep", _("Keep it as it is")
    ADJUST = "adjust", _("Adjust the design or the targets")
    CHANGE_KIND = "change_kind", _("Change its kind")
    END_OPEN_REFERRAL = "open_referral", _("End it: keep an open referral")
    END_DISCARD = "discard", _("End it: discard")


# The decisions that end the alliance, and the candidate's status after each.
ENDINGS = {
    Decision.END_OPEN_REFERRAL: Status.OPEN_REFERRAL,
    Decision.END_DISCARD: Status.DISCARDED,
}
# What a review keeps of its form.
REVIEW_INPUT = ("decision", "new_kind", "notes", *DIAGNOSTIC_FIELDS)


class AlreadyReviewed(Exception):
    """No review is due (a double submit, another tab, a teammate got there first, or the
    alliance is not running): `alliance` is the state it is in now, for the loser to show."""

    def __init__(self, alliance: Alliance):
        super().__init__(alliance.code)
        self.alliance = alliance


def is_review_due(alliance: Alliance, today: date) -> bool:
    """A running alliance whose review date (in the workspace's calendar) has come."""
    due = alliance.next_review_date
    return alliance.is_active() and due is not None and due <= today


def activation_day(alliance: Alliance) -> date:
    """The day it was activated, in the workspace's calendar: where its reviews count from."""
    zone = zoneinfo.ZoneInfo(alliance.workspace.time_zone)
    return timezone.localtime(alliance.activated_at, zone).date()


def next_review_after(alliance: Alliance, today: date) -> date:
    """The first date of the review schedule after `today`: a cadence after the previous one,
    counted from the activation day (so 31 January gives 28 February, then 31 March, not
    the 28th for ever), and never a date already past (a review made months late)."""
    start, months = activation_day(alliance), alliance.review_months()
    step = 1
    while (next_date := add_months(start, months * step)) <= today and next_date < date.max:
        step += 1
    return next_date


def next_check_in_after(follow_up: str, due: date, today: date) -> date:
    """The check-in after the one due on `due`: a week or two later, past `today`."""
    days = timedelta(days=CHECK_IN_DAYS.get(follow_up, 7))
    next_date = due + days
    while next_date <= today:
        next_date += days
    return next_date


# --- the period a review looks at ------------------------------------------------------------


def _amount(value) -> str:
    return format(Decimal(value).quantize(CENT), "f")


def _month_json(month: MonthFigures) -> dict:
    return {
        "month": month.month.isoformat(),
        "referrals": month.referrals,
        "sales": month.sales,
        "revenue": _amount(month.revenue),
        "other": month.other,
        "minutes": month.minutes,
        "clicks": month.clicks,
        "cost": _amount(month.cost()),
        "margin": _amount(month.margin()),
        "hobby": month.is_expensive_hobby(),
    }


@dataclass
class MetricCell:
    """One metric in one month: what it counted against its monthly target."""

    label: str
    measure: str
    value: Decimal
    target: Decimal | None

    def is_money(self) -> bool:
        return self.measure == Measure.REVENUE

    def met(self) -> bool | None:
        """None when the metric has no target."""
        return None if self.target is None else self.value >= self.target


@dataclass
class MonthRow:
    month: date
    cells: list[MetricCell]
    cost: Decimal
    margin: Decimal
    hobby: bool


def _label(metric: dict) -> str:
    measure = metric.get("measure")
    known = measure in Measure.values
    return metric.get("name") or (str(Measure(measure).label) if known else str(measure))


def month_rows(figures: dict) -> list[MonthRow]:
    """A period's figures (as a review keeps them) as rows to show, oldest month first;
    metric labels in the reader's language."""
    metrics = figures.get("metrics") or []
    rows = []
    for index, month in enumerate(figures.get("months") or []):
        cells = [
            MetricCell(
                label=_label(metric),
                measure=metric.get("measure", ""),
                value=Decimal(str(metric["values"][index])),
                target=Decimal(metric["monthly_target"]) if metric.get("monthly_target") else None,
            )
            for metric in metrics
        ]
        rows.append(
            MonthRow(
                month=date.fromisoformat(month["month"]),
                cells=cells,
                cost=Decimal(month["cost"]),
                margin=Decimal(month["margin"]),
                hobby=bool(month.get("hobby")),
            )
        )
    return rows


@dataclass
class Period:
    """The months since the last review (or the activation) up to `end`, month by month."""

    start: date
    end: date
    months: list[MonthFigures]
    metrics: list

    @classmethod
    def of(cls, alliance: Alliance, today: date) -> Period:
        last = alliance.reviews.order_by("-period_end", "-id").first()
        start = last.period_end + timedelta(days=1) if last else activation_day(alliance)
        start = min(start, today)
        metrics = list(alliance.metrics.all())
        return cls(start, today, month_figures(alliance, start, today), metrics)

    def figures(self) -> dict:
        """As a review keeps them: each month's figures, and each metric's value per month
        with its target."""
        metrics = [
            {
                **metric.snapshot(),
                "values": [str(month.value_of(metric.measure)) for month in self.months],
            }
            for metric in self.metrics
        ]
        return {"months": [_month_json(month) for month in self.months], "metrics": metrics}

    def rows(self) -> list[MonthRow]:
        return month_rows(self.figures())

    def cost(self) -> Decimal:
        return sum((month.cost() for month in self.months), Decimal(0))

    def margin(self) -> Decimal:
        return sum((month.margin() for month in self.months), Decimal(0))

    def is_expensive_hobby(self) -> bool:
        """The method's rule over the whole period: coordinating costs more than the margin."""
        return is_expensive_hobby(self.cost(), self.margin())


# --- the review ----------------------------------------------------------------------------


def _kind_changes(alliance: Alliance, new_kind: str, today: date) -> dict:
    """A new kind brings what that kind needs: a sales channel its next check-in, and only a
    referral programme keeps a benefit rule (the old design keeps the old one)."""
    changes: dict = {"kind": new_kind}
    if new_kind == Kind.CHANNEL:
        follow_up = alliance.follow_up or FollowUp.WEEKLY
        changes.update(
            follow_up=follow_up,
            next_check_in_date=today + timedelta(days=CHECK_IN_DAYS[FollowUp(follow_up)]),
        )
    else:
        changes.update(follow_up="", next_check_in_date=None)
    if new_kind != Kind.REFERRAL:
        changes.update(benefit_rule=BenefitRule.NONE, benefit_value=None)
    return changes


def decision_changes(alliance: Alliance, review: Review, today: date) -> dict:
    """What the decision writes on the alliance's row."""
    if review.decision in ENDINGS:
        return {
            "state": State.ENDED,
            "ended_at": timezone.now(),
            "next_review_date": None,
            "next_check_in_date": None,
        }
    changes = {"next_review_date": next_review_after(alliance, today)}
    if review.decision == Decision.CHANGE_KIND:
        changes.update(_kind_changes(alliance, review.new_kind, today))
    return changes


class ReviewQuerySet(models.QuerySet):
    def for_workspace(self, workspace):
        return self.filter(workspace=workspace)

    @transaction.atomic
    def record(self, alliance: Alliance, user: User, data: dict, today: date) -> Review:
        """Keep the review with the period's figures as they stand, and apply the decision.

        The alliance's row is locked and read again: unless it is active with its review
        date come (in the workspace's calendar, `today`), AlreadyReviewed, and nothing is
        written. A double submit, a second tab, a teammate: recorded once (the review date
        is unique per alliance too, and the decision is a compare-and-set on the row)."""
        locked = Alliance.objects.select_for_update().select_related("workspace", "candidate")
        locked = locked.filter(pk=alliance.pk).first()
        if locked is None or not is_review_due(locked, today):
            raise AlreadyReviewed(locked or alliance)
        period = Period.of(locked, today)
        try:
            with transaction.atomic():
                review = self.create(
                    alliance=locked,
                    due_date=locked.next_review_date,
                    period_start=period.start,
                    period_end=period.end,
                    figures=period.figures(),
                    coordination_cost=period.cost(),
                    margin_earned=period.margin(),
                    reviewed_by=user,
                    **{field: data[field] for field in REVIEW_INPUT if field in data},
                )
        except IntegrityError:
            raise AlreadyReviewed(locked) from None
        self._apply(locked, review, user, today)
        return review

    def _apply(self, alliance: Alliance, review: Review, user: User, today: date) -> None:
        changes = decision_changes(alliance, review, today)
        # Compare-and-set, behind the row lock: whatever the database, one decision per date.
        still_due = Alliance.objects.filter(
            pk=alliance.pk, state=State.ACTIVE, next_review_date=review.due_date
        )
        if still_due.update(**changes) != 1:
            raise AlreadyReviewed(alliance)
        for field, value in changes.items():
            setattr(alliance, field, value)
        if review.decision in ENDINGS:
            alliance.candidate.set_status(ENDINGS[Decision(review.decision)])
        elif review.decision == Decision.CHANGE_KIND:
            alliance.save_design(user)  # the new kind in the history; the old design stays


class Review(models.Model):
    """One periodic review: the figures of its period as they stood, and the decision."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="reviews")
    workspace = WorkspaceCopyField(parent="alliance")
    # The review date it closes: one review per date (a double submit, two tabs).
    due_date = models.DateField(_("review date"))
    period_start = models.DateField()
    period_end = models.DateField()
    # Each metric's figure and target per month of the period, as shown at the review.
    figures = models.JSONField(default=dict, blank=True)
    coordination_cost = models.DecimalField(max_digits=20, decimal_places=2, default=Decimal(0))
    margin_earned = models.DecimalField(max_digits=20, decimal_places=2, default=Decimal(0))
    framing_uncomfortable = models.BooleanField(_DIAGNOSIS["framing_uncomfortable"], default=False)
    model_confusing = models.BooleanField(_DIAGNOSIS["model_confusing"], default=False)
    benefit_badly_posed = models.BooleanField(_DIAGNOSIS["benefit_badly_posed"], default=False)
    no_simple_pilot = models.BooleanField(_DIAGNOSIS["no_simple_pilot"], default=False)
    decision = models.CharField(_("decision"), max_length=15, choices=Decision)
    new_kind = models.CharField(_("new kind"), max_length=10, choices=Kind, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=NOTES_MAX_CHARS)
    reviewed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("alliance review")
        verbose_name_plural = _("alliance reviews")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=Decision.values), name="alliance_review_decision_valid"
            ),
            models.CheckConstraint(
                condition=(Q(decision="change_kind") & Q(new_kind__in=Kind.values))
                | (~Q(decision="change_kind") & Q(new_kind="")),
                name="alliance_review_new_kind_with_change",
            ),
            # A review looks back: its period ends on the day it was made, on or after the
            # review date it closes.
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end"))
                & Q(due_date__lte=models.F("period_end")),
                name="alliance_review_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(coordination_cost__gte=0) & Q(margin_earned__gte=0),
                name="alliance_review_amounts_gte_0",
            ),
            models.UniqueConstraint(
                fields=["alliance", "due_date"], name="alliance_review_once_per_date"
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "-created_at"], name="alliance_review_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.alliance}: {self.decision} ({self.due_date})"

    def rows(self) -> list[MonthRow]:
        return month_rows(self.figures)

    def is_expensive_hobby(self) -> bool:
        return is_expensive_hobby(self.coordination_cost, self.margin_earned)

    def prompts(self) -> list[str]:
        """The "why doesn't it take off" prompts ticked, as the page words them."""
        return [str(label) for field, label in DIAGNOSTICS if getattr(self, field)]


# --- a sales channel's check-ins -----------------------------------------------------------


class CheckInQuerySet(models.QuerySet):
    @transaction.atomic
    def record(self, alliance: Alliance, user: User, due: date | None, today: date):
        """The check-in due on `due` (the date the page showed) done: kept, and the next one
        a week or two later. None, with nothing written, when that check-in is no longer
        the one due (a double tap, another tab, a teammate) or the alliance is not a
        running sales channel. `due` None: a channel with no check-in date yet starts its
        routine today."""
        locked = Alliance.objects.select_for_update().filter(pk=alliance.pk).first()
        if locked is None or not (locked.is_active() and locked.kind == Kind.CHANNEL):
            return None
        if locked.next_check_in_date != due:
            return None
        next_date = next_check_in_after(locked.follow_up, due or today, today)
        # Compare-and-set, behind the row lock: one check-in per date.
        if not Alliance.objects.filter(
            pk=locked.pk, state=State.ACTIVE, next_check_in_date=due
        ).update(next_check_in_date=next_date):
            return None
        alliance.next_check_in_date = next_date
        return self.create(alliance=locked, due_date=due or today, done_on=today, done_by=user)


class CheckIn(models.Model):
    """A sales channel's routine follow-up, marked done: one per check-in date."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="check_ins")
    workspace = WorkspaceCopyField(parent="alliance")
    due_date = models.DateField(_("check-in date"))
    done_on = models.DateField(_("done on"))
    done_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "due_date"], name="alliance_check_in_once_per_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alliance}: check-in {self.due_date}"


# --- the history on an alliance's page ------------------------------------------------------

HISTORY_SHOWN = 20


@dataclass
class HistoryItem:
    when: object  # a datetime
    kind: str  # "review", "design" or "check_in"
    item: models.Model


def history_of(alliance: Alliance, limit: int = HISTORY_SHOWN) -> list[HistoryItem]:
    """Its reviews, design versions and check-ins, dated, newest first (three queries)."""
    reviews = alliance.reviews.select_related("reviewed_by")[:limit]
    versions = alliance.versions.select_related("created_by")[:limit]
    check_ins = alliance.check_ins.select_related("done_by")[:limit]
    items = [HistoryItem(review.created_at, "review", review) for review in reviews]
    items += [HistoryItem(version.created_at, "design", version) for version in versions]
    items += [HistoryItem(done.created_at, "check_in", done) for done in check_ins]
    return sorted(items, key=lambda entry: entry.when, reverse=True)[:limit]


# --- reminders ------------------------------------------------------------------------------


class ReminderKind(models.TextChoices):
    REVIEW_DUE = "review_due", _("Review due")
    REVIEW_OVERDUE = "review_overdue", _("Review overdue")
    CHECK_IN = "check_in", _("Check-in due")


class ReminderState(models.TextChoices):
    CLAIMED = "claimed", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Reminder(models.Model):
    """One reminder email about an alliance: claimed here before it is sent, so several
    runners of the job never send it twice (see alliances/reminders.py)."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=15, choices=ReminderKind)
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    # The date it was for: the next review (or check-in) gets its own reminder.
    due_date = models.DateField()
    state = models.CharField(max_length=10, choices=ReminderState, default=ReminderState.CLAIMED)
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=1)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("alliance reminder")
        verbose_name_plural = _("alliance reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "kind", "recipient", "due_date"],
                name="alliance_reminder_once",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values), name="alliance_reminder_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ReminderState.values),
                name="alliance_reminder_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(state="sent", sent_at__isnull=False) | ~Q(state="sent"),
                name="alliance_reminder_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alliance} → {self.recipient}: {self.kind} {self.due_date}"
