"""The home page after login: what needs attention first. A fixed number of queries,
whatever the amount of data (each section is one query; lists are sliced or paginated)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Sum

from accounts.models import Workspace
from alliances.models import (
    Alliance,
    Benefit,
    Entry,
    MetricProgress,
    MonthFigures,
    State,
    TimeEntry,
)
from candidates.models import Candidate, Evaluation, Status
from candidates.scoring import Colour, Light
from pilots.models import (
    CoordinationEntry,
    Pilot,
    PilotSettings,
    PilotStatus,
    ResultEntry,
    Review,
)

ACTIVE_PAGE_SIZE = 10
DUE_LIMIT = 20
BEST_CANDIDATES = 5
RECENT_ITEMS = 8
ALLIANCES_SHOWN = 10
HOBBIES_SHOWN = 10


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
        **_alliances(workspace, today),
    }


@dataclass
class _ThisMonth:
    """This calendar month of the workspace's active alliances, summed per alliance."""

    first: date
    hourly_value: Decimal
    results: dict[int, dict]  # alliance id → referrals, sales, revenue, other
    minutes: dict[int, int]  # alliance id → minutes of coordination

    def of(self, alliance_id: int, margin_per_sale: Decimal) -> MonthFigures:
        return MonthFigures(
            self.first,
            **self.results.get(alliance_id, {}),
            minutes=self.minutes.get(alliance_id, 0),
            hourly_value=self.hourly_value,
            margin_per_sale=margin_per_sale,
        )


def _this_month(workspace: Workspace, today: date) -> tuple[_ThisMonth, list[dict]]:
    """This month's sums for every active alliance of the workspace, and the rows of those
    with coordination time (what a hobby alert names): three queries (the hourly value, the
    results and the time, each grouped by alliance), whatever the number of lines."""
    first = today.replace(day=1)
    hourly = PilotSettings.objects.filter(workspace=workspace).values_list("hourly_value")
    running = {
        "alliance__workspace": workspace,
        "alliance__state": State.ACTIVE,
        "date__gte": first,
        "date__lte": today,
    }
    results = Entry.objects.filter(**running).order_by().values("alliance")
    results = results.annotate(
        referrals=Sum("referrals"), sales=Sum("sales"), revenue=Sum("revenue"), other=Sum("other")
    )
    time = TimeEntry.objects.filter(**running).order_by()
    time = time.values(
        "alliance", "alliance__code", "alliance__candidate__name", "alliance__margin_per_sale"
    ).annotate(minutes=Sum("minutes"))
    time = list(time)
    month = _ThisMonth(
        first,
        (hourly.first() or (None,))[0] or Decimal(0),
        {row.pop("alliance"): row for row in results},
        {row["alliance"]: row["minutes"] for row in time},
    )
    return month, time


def _first_active(workspace: Workspace) -> list[Alliance]:
    """The first active alliances, reviews due first, one more than shown (to know whether
    to say there are more), with their metrics: two queries (one when there is none)."""
    return list(
        Alliance.objects.for_workspace(workspace)
        .filter(state=State.ACTIVE)
        .select_related("candidate")
        .prefetch_related("metrics")
        .order_by("next_review_date", "candidate__name", "id")[: ALLIANCES_SHOWN + 1]
    )


def _against_targets(alliance: Alliance, month: _ThisMonth, today: date) -> None:
    """This month against each metric's target, and whether its review is due."""
    figures = month.of(alliance.pk, alliance.margin_per_sale)
    metrics = [metric for metric in alliance.metrics.all() if metric.monthly_target]
    alliance.this_month = [MetricProgress.over(metric, [figures]) for metric in metrics]
    alliance.review_is_due = alliance.next_review_date <= today


def _alliance_hobbies(time: list[dict], month: _ThisMonth) -> list[dict]:
    """Active alliances whose coordination this month costs more than the margin it brought
    in (the one rule: MonthFigures.is_expensive_hobby)."""
    hobbies = []
    for row in time:
        figures = month.of(row["alliance"], row["alliance__margin_per_sale"])
        if figures.is_expensive_hobby():
            hobbies.append({**row, "cost": figures.cost(), "margin": figures.margin()})
    hobbies.sort(key=lambda row: (row["alliance__candidate__name"], row["alliance"]))
    return hobbies[:HOBBIES_SHOWN]


def _alliances(workspace: Workspace, today: date) -> dict:
    """The alliances' part of the dashboard: the active ones against this month's targets,
    the benefits owed and not paid yet, and this month's expensive hobbies. Six queries
    however many alliances, months and lines there are; two while none is active."""
    shown = _first_active(workspace)
    owed = Benefit.objects.filter(workspace=workspace, paid_on__isnull=True)
    owed = owed.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    hobbies = []
    if shown:  # else no alliance is active: nothing ran this month
        month, time = _this_month(workspace, today)
        for alliance in shown:
            _against_targets(alliance, month, today)
        hobbies = _alliance_hobbies(time, month)
    return {
        "alliances": shown[:ALLIANCES_SHOWN],
        "more_alliances": len(shown) > ALLIANCES_SHOWN,
        "benefits_owed": owed,
        "alliance_hobbies": hobbies,
    }
