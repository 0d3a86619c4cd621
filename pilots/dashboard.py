"""The home page after login: what needs attention first. A fixed number of queries,
whatever the amount of data (each section is one query; lists are sliced or paginated)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Value
from django.db.models.functions import Cast

from accounts.models import Workspace
from candidates.models import Candidate, Evaluation, Status
from candidates.scoring import Colour
from pilots.models import (
    CoordinationEntry,
    JobHeartbeat,
    Pilot,
    PilotSettings,
    ResultEntry,
    Review,
)
from pilots.reminders import JOB_NAME

ACTIVE_PAGE_SIZE = 10
DUE_LIMIT = 20
BEST_CANDIDATES = 5
RECENT_ITEMS = 8


def _colour_counts(workspace: Workspace) -> list[dict]:
    counts = (
        Candidate.objects.for_workspace(workspace)
        .active()
        .with_current()
        .aggregate(**{c.value: Count("pk", filter=Q(current_colour=c.value)) for c in Colour})
    )
    return [{"colour": c.value, "label": c.label, "count": counts[c.value]} for c in Colour]


def _hobby_alerts(pilots, hourly: Decimal):
    """Active pilots where coordination costs more than the margin earned, in SQL."""
    money = DecimalField(max_digits=16, decimal_places=4)
    cost = ExpressionWrapper(
        Cast(F("total_minutes"), money) * Value(hourly, money) / 60, output_field=money
    )
    margin = ExpressionWrapper(
        Cast(F("total_sales"), money) * F("margin_per_sale"), output_field=money
    )
    return (
        pilots.annotate(cost=cost, margin=margin)
        .filter(total_minutes__gt=0, cost__gt=F("margin"))
        .order_by("review_date", "id")
    )


def _recent_activity(workspace: Workspace) -> list[dict]:
    """The latest results, coordination and reviews, merged (three small queries)."""
    results = ResultEntry.objects.filter(pilot__workspace=workspace).select_related(
        "pilot__candidate"
    )
    coordination = CoordinationEntry.objects.filter(pilot__workspace=workspace).select_related(
        "pilot__candidate"
    )
    reviews = Review.objects.filter(pilot__workspace=workspace).select_related("pilot__candidate")
    items = [
        *(
            {"kind": "result", "at": r.created_at, "obj": r}
            for r in results.order_by("-created_at")[:RECENT_ITEMS]
        ),
        *(
            {"kind": "coordination", "at": c.created_at, "obj": c}
            for c in coordination.order_by("-created_at")[:RECENT_ITEMS]
        ),
        *(
            {"kind": "review", "at": r.created_at, "obj": r}
            for r in reviews.order_by("-created_at")[:RECENT_ITEMS]
        ),
    ]
    return sorted(items, key=lambda item: item["at"], reverse=True)[:RECENT_ITEMS]


def dashboard_context(workspace: Workspace, today: date, page_number) -> dict:
    hourly = PilotSettings.for_workspace(workspace).hourly_value
    active = (
        Pilot.objects.for_workspace(workspace).active().with_totals().select_related("candidate")
    )
    due = list(
        active.filter(review_date__lte=today).order_by("review_date", "candidate__name", "id")
    )
    running = Paginator(active.order_by("review_date", "id"), ACTIVE_PAGE_SIZE).get_page(
        page_number
    )
    best = list(
        Candidate.objects.for_workspace(workspace)
        .active()
        .with_current()
        .exclude(current_colour=Colour.RED)
        .exclude(status__in=[Status.ALLIANCE, Status.OPEN_REFERRAL, Status.DISCARDED])
        .exclude(pilots__status="active")
        .order_by("-current_score", "-created_at", "id")[:BEST_CANDIDATES]
    )
    return {
        "today": today,
        "hourly": hourly,
        "due": due[:DUE_LIMIT],
        "more_due": len(due) > DUE_LIMIT,
        "running": running,
        "colour_counts": _colour_counts(workspace),
        "best": best,
        "hobbies": list(_hobby_alerts(active, hourly)[:10]),
        "recent": _recent_activity(workspace),
        "has_candidates": Evaluation.objects.filter(candidate__workspace=workspace).exists(),
        "heartbeat": JobHeartbeat.objects.filter(name=JOB_NAME).first(),
    }
