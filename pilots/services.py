"""Pilot workflows that touch several models: start, review, stop."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from candidates.models import Candidate, Status
from pilots.models import (
    MAX_DAYS,
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


def start_pilot(pilot: Pilot, candidate: Candidate, user: User) -> Pilot:
    """Save a new pilot; the checklist as it stands becomes the pilot's dated prediction."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
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
            # A tracking-code collision (1 in ~887 million): draw another one.
            if Pilot.objects.filter(tracking_code=pilot.tracking_code).exists():
                pilot.pk = None
                pilot.tracking_code = new_tracking_code()
                continue
            raise
    raise IntegrityError("could not draw a unique tracking code")


# The partner page accepts this many entries per pilot in this window (flood control).
PARTNER_LIMIT, PARTNER_WINDOW = 10, timedelta(minutes=10)


@transaction.atomic
def record_partner_referral(pilot: Pilot, entry: ResultEntry) -> bool:
    """Save one "I referred someone" from the partner page, unless the pilot is flooded.

    The pilot row is locked so simultaneous posts are counted one after another.
    """
    Pilot.objects.select_for_update().filter(pk=pilot.pk).first()
    recent = pilot.results.filter(
        source=Source.PARTNER, created_at__gte=timezone.now() - PARTNER_WINDOW
    ).count()
    if recent >= PARTNER_LIMIT:
        return False
    entry.pilot, entry.source = pilot, Source.PARTNER
    entry.date, entry.referrals = pilot.workspace.today(), 1
    entry.save()
    return True


def mark_open_referral(candidate: Candidate) -> None:
    candidate.status = Status.OPEN_REFERRAL
    candidate.save(update_fields=["status", "updated_at"])


@transaction.atomic
def record_review(pilot: Pilot, user: User, data: dict) -> Review:
    """Keep the review with the totals at the time, and apply the decision."""
    pilot = Pilot.objects.select_for_update().with_totals().get(pk=pilot.pk)
    hourly = PilotSettings.for_workspace(pilot.workspace).hourly_value
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
        coordination_cost=pilot.coordination_cost(hourly),
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
