"""The home page after login: what needs attention first. A fixed number of queries,
whatever the amount of data (each section is one query; lists are sliced or paginated)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef

from accounts.models import Workspace
from candidates.models import Candidate, Evaluation, Status
from candidates.scoring import Colour, Light
from pilots.models import (
    CoordinationEntry,
    Pilot,
    PilotStatus,
    ResultEntry,
    Review,
)

ACTIVE_PAGE_SIZE = 10
DUE_LIMIT = 20
BEST_CANDIDATES = 5
RECENT_ITEMS = 8


def _colour_counts(workspace: Workspace) -> list[dict]:
    """Active candidates by the light of their current evaluation: each colour, and those
    not scored yet apart (only when there are some).

    All current evaluations are counted from their index alone (no row is read), then the
    archived candidates' are taken away (read from the candidates' index: usually few).
    """
    current = Evaluation.objects.filter(frozen_at__isnull=True).order_by().with_light()
    counts = Counter(
        dict(current.filter(workspace=workspace).values_list("light").annotate(Count("pk")))
    )
    counts.subtract(
        dict(
            current.filter(candidate__workspace=workspace, candidate__archived_at__isnull=False)
            .values_list("light")
            .annotate(Count("pk"))
        )
    )
    return [
        {"colour": light.value, "label": light.label, "count": counts[light.value]}
        for light in Light
        if light != Light.UNSCORED or counts[light.value] > 0
    ]


def _best_candidates(workspace: Workspace) -> list[Candidate]:
    """The best-scored green and yellow candidates not in a pilot nor decided yet.

    Walks the index of current evaluations best first and stops at the fifth that
    qualifies; ties go to the newest candidate.
    """
    in_pilot = Pilot.objects.filter(candidate=OuterRef("candidate"), status=PilotStatus.ACTIVE)
    evaluations = (
        Evaluation.objects.filter(
            workspace=workspace,
            frozen_at__isnull=True,
            colour__in=[Colour.GREEN, Colour.YELLOW],
            candidate__archived_at__isnull=True,
        )
        .exclude(candidate__status__in=[Status.ALLIANCE, Status.OPEN_REFERRAL, Status.DISCARDED])
        .filter(~Exists(in_pilot))
        .select_related("candidate")
        .order_by("-score", "-candidate_id")[:BEST_CANDIDATES]
    )
    best = []
    for evaluation in evaluations:
        candidate = evaluation.candidate
        candidate.current_score, candidate.current_colour = evaluation.score, evaluation.colour
        best.append(candidate)
    return best


def _recent_activity(workspace: Workspace) -> list[dict]:
    """The latest results, coordination and reviews, merged (three small queries, each
    reading the newest rows of the workspace from an index)."""
    items = []
    for kind, model in (
        ("result", ResultEntry),
        ("coordination", CoordinationEntry),
        ("review", Review),
    ):
        rows = (
            model.objects.filter(workspace=workspace)
            .select_related("pilot__candidate")
            .order_by("-created_at")[:RECENT_ITEMS]
        )
        items += [{"kind": kind, "at": row.created_at, "obj": row} for row in rows]
    return sorted(items, key=lambda item: item["at"], reverse=True)[:RECENT_ITEMS]


def dashboard_context(workspace: Workspace, today: date, page_number) -> dict:
    pilots = Pilot.objects.for_workspace(workspace).active().select_related("candidate")
    active = pilots.with_costs()
    # The due list shows no totals. One more than shown, to know whether to link to all.
    due = list(
        pilots.filter(review_date__lte=today).order_by("review_date", "candidate__name", "id")[
            : DUE_LIMIT + 1
        ]
    )
    running = Paginator(active.order_by("review_date", "id"), ACTIVE_PAGE_SIZE).get_page(
        page_number
    )
    return {
        "today": today,
        "due": due[:DUE_LIMIT],
        "more_due": len(due) > DUE_LIMIT,
        "running": running,
        "colour_counts": _colour_counts(workspace),
        "best": _best_candidates(workspace),
        "hobbies": list(active.expensive_hobbies().order_by("review_date", "id")[:10]),
        "recent": _recent_activity(workspace),
        "has_candidates": Evaluation.objects.filter(workspace=workspace).exists(),
    }
