"""Pilot workflows that touch several models: start, review, stop."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from enum import Enum

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from candidates.models import Candidate, Evaluation, Status
from pilots.models import (
    MAX_DAYS,
    MAX_TOTAL_COUNT,
    MAX_TOTAL_MINUTES,
    MAX_TOTAL_REVENUE,
    CoordinationEntry,
    Decision,
    Outcome,
    Pilot,
    PilotSettings,
    PilotStatus,
    ResultEntry,
    Review,
    Source,
    new_tracking_code,
)

DECISION_OUTCOME = {
    Decision.PROMOTE: (Outcome.PROMOTED, Status.ALLIANCE),
    Decision.STOP_OPEN_REFERRAL: (Outcome.OPEN_REFERRAL, Status.OPEN_REFERRAL),
    Decision.STOP_DISCARD: (Outcome.DISCARDED, Status.DISCARDED),
}


class AlreadyDone(Exception):
    """Another request (a double click, a second tab, a teammate) got there first: `pilot`
    is the state it left, for the loser to show."""

    def __init__(self, pilot: Pilot):
        super().__init__(pilot.code)
        self.pilot = pilot


class PilotRunning(AlreadyDone):
    """The candidate has a pilot running: one at a time."""


def _lock_candidate(candidate: Candidate) -> None:
    """Serialise the transitions of one candidate (start, open referral). On SQLite the
    IMMEDIATE transaction already holds the write lock; select_for_update is a no-op there."""
    Candidate.objects.select_for_update().filter(pk=candidate.pk).first()


def _hourly_value_now(workspace_id: int) -> Decimal:
    """The workspace's hourly value, its settings row locked until the pilot is saved: a
    change saved meanwhile (PilotSettings.save) either comes first or reprices this pilot."""
    value = (
        PilotSettings.objects.select_for_update()
        .filter(workspace_id=workspace_id)
        .values_list("hourly_value", flat=True)
        .first()
    )
    return value if value is not None else Decimal("0")  # no settings yet: time unpriced


def start_pilot(pilot: Pilot, candidate: Candidate, user: User) -> Pilot:
    """Save a new pilot; the checklist as it stands becomes the pilot's dated prediction,
    and the workspace's hourly value the pilot's own (it prices its coordination).

    Raises PilotRunning (with the running pilot) when the candidate already has one: a double
    click starts one pilot, and the database's one-active-pilot constraint backs this up.
    """
    for _attempt in range(5):
        try:
            with transaction.atomic():
                _lock_candidate(candidate)
                running = candidate.pilots.active().first()
                if running is not None:
                    raise PilotRunning(running)
                pilot.hourly_value = _hourly_value_now(candidate.workspace_id)
                current = candidate.current_evaluation()
                current.reevaluate()  # freezes `current`, starts a prefilled new one
                pilot.workspace = candidate.workspace
                pilot.candidate = candidate
                pilot.start_evaluation = current
                pilot.created_by = user
                pilot.save()
                candidate.status = Status.IN_PILOT
                candidate.save(update_fields=["status", "updated_at"])
                return pilot
        except IntegrityError:
            running = candidate.pilots.active().first()
            if running is not None:  # lost the race to a simultaneous start
                raise PilotRunning(running) from None
            # A tracking-code collision (1 in ~887 million): draw another one.
            if Pilot.objects.filter(tracking_code=pilot.tracking_code).exists():
                pilot.pk = None
                pilot.tracking_code = new_tracking_code()
                continue
            raise
    raise IntegrityError("could not draw a unique tracking code")


# The partner page accepts this many entries per pilot in this window (flood control).
PARTNER_LIMIT, PARTNER_WINDOW = 10, timedelta(minutes=10)


class Appended(Enum):
    SAVED = "saved"
    DUPLICATE = "duplicate"  # the same form sent twice (a double tap): recorded once
    FLOODED = "flooded"  # the partner page's limit


class TotalsTooLarge(Exception):
    """The line would take one of the pilot's totals past what its columns hold."""


def _check_totals(pilot: Pilot, entry: ResultEntry | CoordinationEntry) -> None:
    """Every total derived from the logs must fit its column (see MAX_TOTAL_* in models)."""
    if isinstance(entry, CoordinationEntry):
        minutes = pilot.coordination.aggregate(t=models.Sum("minutes"))["t"] or 0
        if minutes + entry.minutes > MAX_TOTAL_MINUTES:
            raise TotalsTooLarge(
                _("This pilot already has as much coordination time as it can hold.")
            )
        return
    totals = pilot.results.aggregate(
        referrals=models.Sum("referrals"), sales=models.Sum("sales"), revenue=models.Sum("revenue")
    )
    if (totals["referrals"] or 0) + entry.referrals > MAX_TOTAL_COUNT or (
        totals["sales"] or 0
    ) + entry.sales > MAX_TOTAL_COUNT:
        raise TotalsTooLarge(_("This would take the pilot's totals past 1,000,000,000."))
    if (totals["revenue"] or 0) + entry.revenue > MAX_TOTAL_REVENUE:
        raise TotalsTooLarge(_("This would take the pilot's revenue past what it can hold."))


@transaction.atomic
def append_entry(
    pilot: Pilot, entry: ResultEntry | CoordinationEntry, *, flood_limit: bool = False
) -> Appended:
    """Add a line to one of the pilot's logs, once per form (its one-time `form_token`).

    The pilot row is locked, so simultaneous posts (a double tap, the partner's flood) are
    counted one after another; the token's unique constraint backs the check up.
    """
    Pilot.objects.select_for_update().filter(pk=pilot.pk).first()
    model = type(entry)
    if entry.form_token and model.objects.filter(form_token=entry.form_token).exists():
        return Appended.DUPLICATE
    if flood_limit:
        recent = pilot.results.filter(
            source=Source.PARTNER, created_at__gte=timezone.now() - PARTNER_WINDOW
        ).count()
        if recent >= PARTNER_LIMIT:
            return Appended.FLOODED
    _check_totals(pilot, entry)
    entry.pilot = pilot
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        if entry.form_token and model.objects.filter(form_token=entry.form_token).exists():
            return Appended.DUPLICATE
        raise
    return Appended.SAVED


def record_partner_referral(pilot: Pilot, entry: ResultEntry) -> Appended:
    """Save one "I referred someone" from the partner page, unless the pilot is flooded."""
    entry.source = Source.PARTNER
    entry.date, entry.referrals = pilot.workspace.today(), 1
    return append_entry(pilot, entry, flood_limit=True)


@transaction.atomic
def mark_open_referral(candidate: Candidate) -> None:
    """No meetings, no expectations. Raises PilotRunning while a pilot runs: its review
    decides how it stops (the review can keep an open referral)."""
    _lock_candidate(candidate)
    running = candidate.pilots.active().first()
    if running is not None:
        raise PilotRunning(running)
    candidate.status = Status.OPEN_REFERRAL
    candidate.save(update_fields=["status", "updated_at"])


@transaction.atomic
def record_review(pilot: Pilot, user: User, data: dict, answers: dict | None = None) -> Review:
    """Keep the review with the totals at the time, and apply the decision; `answers` are
    the checklist's ticks and notes changed on the review page, saved first, so the
    re-run checklist frozen with the review is the one the page showed.

    The pilot row is locked and its state read again: a second decision on the same review
    (a double submit, another tab, a teammate) raises AlreadyDone and changes nothing.
    """
    pilot = Pilot.objects.select_for_update().with_totals().get(pk=pilot.pk)
    if not pilot.is_active() or (data["decision"] == Decision.EXTEND and pilot.extended):
        raise AlreadyDone(pilot)
    if answers:
        Evaluation.objects.filter(candidate=pilot.candidate_id).record_answers(answers)
    candidate = pilot.candidate
    evaluation = candidate.current_evaluation()
    evaluation.reevaluate()
    review = Review.objects.create(
        pilot=pilot,
        evaluation=evaluation,
        decision=data["decision"],
        new_review_date=data.get("new_review_date"),
        notes=data.get("notes", ""),
        framing_uncomfortable=data.get("framing_uncomfortable", False),
        model_confusing=data.get("model_confusing", False),
        benefit_badly_posed=data.get("benefit_badly_posed", False),
        no_simple_pilot=data.get("no_simple_pilot", False),
        referrals=pilot.total_referrals,
        sales=pilot.total_sales,
        revenue=pilot.total_revenue,
        coordination_minutes=pilot.total_minutes,
        coordination_cost=pilot.coordination_cost(),
        margin_earned=pilot.margin_earned(),
        reviewed_by=user,
    )
    if review.decision == Decision.EXTEND:
        extend(pilot, review.new_review_date)
    else:
        outcome, status = DECISION_OUTCOME[Decision(review.decision)]
        pilot.status = PilotStatus.FINISHED
        pilot.outcome = outcome
        pilot.finished_at = timezone.now()
        pilot.save(update_fields=["status", "outcome", "finished_at"])
        candidate.status = status
        candidate.save(update_fields=["status", "updated_at"])
    return review


def extend(pilot: Pilot, new_review_date: date) -> None:
    """Extend once: the pilot stretches to the new review date, within 4 weeks of start."""
    needed = (new_review_date - pilot.start_date).days
    assert needed <= MAX_DAYS and new_review_date <= pilot.start_date + timedelta(days=MAX_DAYS)
    pilot.review_date = new_review_date
    pilot.length_days = max(pilot.length_days, needed)
    pilot.extended = True
    pilot.save(update_fields=["review_date", "length_days", "extended"])
