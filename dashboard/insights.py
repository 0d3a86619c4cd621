"""What works for us: every finished pilot's prediction (the checklist frozen at its start)
against what happened (its outcome and its measured results).

One query fetches the finished pilots of a workspace (a few columns each); the figures are
counted in Python, so the page costs the same number of queries for 3 pilots or 3,000.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import Workspace
from alliances.models import Alliance, add_months
from candidates.criteria import CRITERIA, CRITERION_FIELDS, Criterion
from candidates.scoring import Colour, Light
from pilots.models import Outcome, Pilot, PilotStatus

# Below this many pilots in a group, a rate says more about luck than about the criterion.
SMALL_SAMPLE = 5
LATEST = 10
# How long after it started an alliance is looked at again: still active, or not?
MILESTONES = (3, 6)

# The bar chart's geometry. Text and rows are in CSS pixels, so the labels keep their size
# (13–14 px) on a phone; the bars are drawn in a nested SVG that stretches to CHART_BAR_SHARE
# percent of the chart's width, where a full bar is CHART_BAR_MAX units long.
CHART_BAR_SHARE, CHART_BAR_MAX = 70, 480
CHART_ROW, CHART_BAR_HEIGHT, CHART_TOP = 62, 16, 34
TICKED_FILL, UNTICKED_FILL = "#1b5e20", "#757575"  # the app's green; a neutral grey


def rate(part: int, whole: int) -> int | None:
    """Whole percent, or None when there is nothing to divide."""
    return round(100 * part / whole) if whole else None


@dataclass
class Group:
    """Finished pilots that share something: a start colour, or a criterion ticked or not."""

    finished: int = 0
    promoted: int = 0
    extended: int = 0
    stopped: int = 0
    referrals: int = 0
    sales: int = 0

    def add(self, row: dict) -> None:
        self.finished += 1
        self.promoted += row["outcome"] == Outcome.PROMOTED
        self.stopped += row["outcome"] != Outcome.PROMOTED
        self.extended += row["extended"]
        self.referrals += row["total_referrals"]
        self.sales += row["total_sales"]

    @property
    def success_rate(self) -> int | None:
        return rate(self.promoted, self.finished)

    @property
    def avg_referrals(self) -> Decimal | None:
        return Decimal(self.referrals) / self.finished if self.finished else None

    @property
    def avg_sales(self) -> Decimal | None:
        return Decimal(self.sales) / self.finished if self.finished else None

    @property
    def is_small(self) -> bool:
        return self.finished < SMALL_SAMPLE


@dataclass
class ColourRow:
    colour: Light
    group: Group = field(default_factory=Group)


@dataclass
class CriterionRow:
    criterion: Criterion
    ticked: Group = field(default_factory=Group)
    unticked: Group = field(default_factory=Group)

    @property
    def groups(self) -> tuple[Group, Group]:
        return self.ticked, self.unticked

    @property
    def is_small(self) -> bool:
        """Too few pilots with it, or without it, to compare the two."""
        return self.ticked.is_small or self.unticked.is_small


def _bar(y: int, group: Group, fill: str, faded: bool) -> dict:
    percent = group.success_rate
    width = 0 if percent is None else round(CHART_BAR_MAX * percent / 100)
    return {
        "y": y,
        "width": width,
        "fill": fill,
        "opacity": "0.45" if faded else "1",
        # A percentage of the chart's width, as text: a float would be localized ("49,7").
        "text_x": f"{CHART_BAR_SHARE * (percent or 0) / 100:g}",
        "text_y": y + CHART_BAR_HEIGHT - 3,
        "percent": percent,
        "group": group,
    }


def chart(rows: list[CriterionRow]) -> dict:
    """Positions for the server-rendered SVG: two bars per criterion (with it, without it),
    faded when the comparison rests on too few pilots."""
    items = []
    for index, row in enumerate(rows):
        top = CHART_TOP + index * CHART_ROW
        items.append(
            {
                "row": row,
                "label_y": top + 12,
                "bars": [
                    _bar(top + 18, row.ticked, TICKED_FILL, row.is_small),
                    _bar(
                        top + 18 + CHART_BAR_HEIGHT + 2, row.unticked, UNTICKED_FILL, row.is_small
                    ),
                ],
            }
        )
    return {
        "bar_share": CHART_BAR_SHARE,
        "bar_max": CHART_BAR_MAX,
        "height": CHART_TOP + len(rows) * CHART_ROW,
        "bar_height": CHART_BAR_HEIGHT,
        "criteria": items,
    }


def _start_light(row: dict) -> Light | None:
    """The light of a pilot's start: its colour, not scored yet, or None (no checklist)."""
    if row["start_evaluation__colour"] is None:
        return None
    if row["start_evaluation__scored_at"] is None:
        return Light.UNSCORED
    return Light(row["start_evaluation__colour"])


def _finished_rows(workspace: Workspace) -> list[dict]:
    """Each finished pilot, newest first: its outcome and totals, and its start checklist."""
    return list(
        Pilot.objects.for_workspace(workspace)
        .filter(status=PilotStatus.FINISHED)
        .with_totals()
        .order_by("-finished_at", "-id")
        .values(
            "id",
            "code",
            "candidate__name",
            "outcome",
            "extended",
            "total_referrals",
            "total_sales",
            "start_evaluation__score",
            "start_evaluation__colour",
            "start_evaluation__scored_at",
            *(f"start_evaluation__{name}" for name in CRITERION_FIELDS),
        )
    )


def _tally(rows: list[dict]) -> tuple[dict, list[CriterionRow]]:
    """The finished pilots grouped by the light at their start, and by each criterion."""
    colours = {light: ColourRow(light) for light in Light}
    criteria = [CriterionRow(criterion) for criterion in CRITERIA]
    for row in rows:
        row["light"] = _start_light(row)
        if row["light"] is None:  # no checklist at the start: nothing to compare it with
            continue
        colours[row["light"]].group.add(row)
        if row["light"] == Light.UNSCORED:  # counted apart: no prediction to compare
            continue
        for criterion_row in criteria:
            ticked = row[f"start_evaluation__{criterion_row.criterion.field}"]
            (criterion_row.ticked if ticked else criterion_row.unticked).add(row)
    return colours, criteria


@dataclass
class Milestone:
    """Alliances old enough to look at `months` after they started, and those of them still
    active then (one that ended before counts as not)."""

    months: int
    reached: int = 0
    active: int = 0

    def add(self, started: date, ended: date | None, today: date) -> None:
        when = add_months(started, self.months)
        if when <= today:
            self.reached += 1
            self.active += ended is None or ended >= when

    @property
    def is_small(self) -> bool:
        return self.reached < SMALL_SAMPLE


@dataclass
class LastingRow:
    """The pilots promoted with one light at their start, and the alliances that came of
    them: how many started, and how many were still active 3 and 6 months later."""

    colour: Light
    promoted: int = 0
    activated: int = 0
    milestones: list[Milestone] = field(
        default_factory=lambda: [Milestone(months) for months in MILESTONES]
    )


def _started_alliances(workspace: Workspace) -> dict[int, tuple[date, date | None]]:
    """Each promoted pilot's first alliance that became active: (started, ended) as dates
    where the business is. One query."""
    zone = zoneinfo.ZoneInfo(workspace.time_zone)

    def day(moment: datetime | None) -> date | None:
        return moment and timezone.localtime(moment, zone).date()

    rows = (
        Alliance.objects.for_workspace(workspace)
        .filter(pilot__isnull=False, activated_at__isnull=False)
        .order_by("-activated_at", "-id")
        .values_list("pilot_id", "activated_at", "ended_at")
    )
    # Oldest last, so the first alliance of a pilot is the one kept.
    return {pilot: (day(started), day(ended)) for pilot, started, ended in rows}


def _lasting(workspace: Workspace, rows: list[dict]) -> list[LastingRow]:
    """Of the pilots promoted, by the light at their start: the alliances still active 3 and
    6 months after they started (a light with no pilot promoted is left out)."""
    started = _started_alliances(workspace)
    today = workspace.today()
    lasting = {light: LastingRow(light) for light in Light}
    for row in rows:
        if row["outcome"] != Outcome.PROMOTED or row["light"] is None:
            continue
        group = lasting[row["light"]]
        group.promoted += 1
        if row["id"] in started:
            group.activated += 1
            for milestone in group.milestones:
                milestone.add(*started[row["id"]], today)
    return [group for group in lasting.values() if group.promoted]


def insights_context(workspace: Workspace) -> dict:
    rows = _finished_rows(workspace)
    colours, criteria = _tally(rows)
    for row in rows:
        row["outcome_label"] = Outcome(row["outcome"]).label
        if row["light"]:
            row["colour_label"] = row["light"].label
    yellow = colours[Light.YELLOW].group
    compared = sum(row.group.finished for row in colours.values() if row.colour in Colour)
    return {
        "finished": len(rows),
        "left_out": len(rows) - compared,
        "yellow": yellow,
        "colour_rows": [
            row
            for row in colours.values()
            # green and yellow always; red, and not scored yet, only when it happened
            if row.colour in (Light.GREEN, Light.YELLOW) or row.group.finished
        ],
        "criterion_rows": criteria,
        "chart": chart(criteria),
        "latest": rows[:LATEST],
        "small_sample": SMALL_SAMPLE,
        "lasting": _lasting(workspace, rows),
    }
