"""Before a pilot starts: what it is expected to cost, and whether there is time for it.

Two checks the new-pilot page shows, both warnings (the owner decides):

- the cost check: the method's "expensive hobby" rule applied to the owner's own estimate,
  before any time is spent (METHOD.md, coordination cost rule);
- the capacity guard: "fewer proposals, better qualified" — the coordination time the
  running pilots take, against the hours a week the owner said they can give.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import models
from django.db.models.functions import Coalesce

from accounts.models import Workspace
from pilots.models import CoordinationEntry, Pilot, PilotSettings, is_expensive_hobby

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
DAYS_A_WEEK = 7


@dataclass(frozen=True)
class CostCheck:
    """Expected coordination cost against expected margin, from the owner's estimate.

    cost = hours a week × weeks (length in days / 7) × value of an hour;
    margin = expected sales × margin per sale. It is an expensive hobby exactly when
    cost > margin: equal is not a hobby. Without an hours estimate, or without expected
    sales, there is nothing to compare and no verdict.
    """

    weekly_hours: Decimal | None
    length_days: int | None
    hourly_value: Decimal
    expected_sales: int | None
    margin_per_sale: Decimal

    def has_estimate(self) -> bool:
        return self.weekly_hours is not None and self.length_days is not None

    def has_both_sides(self) -> bool:
        return self.has_estimate() and self.expected_sales is not None

    def weeks(self) -> Decimal | None:
        if self.length_days is None:
            return None
        return (Decimal(self.length_days) / DAYS_A_WEEK).quantize(TENTH)

    def cost(self) -> Decimal | None:
        if not self.has_estimate():
            return None
        return (self._cost_times_seven() / DAYS_A_WEEK).quantize(CENT)

    def margin(self) -> Decimal | None:
        if self.expected_sales is None:
            return None
        return (self.expected_sales * self.margin_per_sale).quantize(CENT)

    def is_expensive_hobby(self) -> bool:
        if not self.has_both_sides():
            return False
        # Compared times 7, so that a 15-day pilot is not rounded into (or out of) a hobby.
        margin_times_seven = DAYS_A_WEEK * self.expected_sales * self.margin_per_sale
        return is_expensive_hobby(self._cost_times_seven(), margin_times_seven)

    def _cost_times_seven(self) -> Decimal:
        return self.weekly_hours * self.length_days * self.hourly_value


def weekly_load_minutes(workspace: Workspace, today: date) -> Decimal:
    """Minutes a week the workspace's active pilots take now, in one query.

    Per active pilot, the larger of: the coordination time logged over the last 7 days
    (today and the 6 days before), and the weekly estimate given at its start. So a pilot
    with nothing logged yet counts at its estimate, and one that takes more time than
    estimated counts at what it really takes. A pilot with neither counts as 0.
    Counted in minutes, so that three 20-minute calls make exactly one hour.
    """
    since = today - timedelta(days=DAYS_A_WEEK - 1)
    recent = (
        CoordinationEntry.objects.filter(
            pilot=models.OuterRef("pk"), date__gte=since, date__lte=today
        )
        .values("pilot")
        .annotate(total=models.Sum("minutes"))
        .values("total")[:1]
    )
    rows = (
        Pilot.objects.for_workspace(workspace)
        .active()
        .annotate(recent_minutes=Coalesce(models.Subquery(recent), 0))
        .values_list("recent_minutes", "estimated_weekly_hours")
    )
    return sum(
        (max(Decimal(minutes), (estimate or 0) * 60) for minutes, estimate in rows), Decimal(0)
    )


@dataclass(frozen=True)
class Capacity:
    """The hours a week the owner can give (None: no guard) and what pilots take now."""

    weekly_hours: Decimal | None
    load_minutes: Decimal

    @classmethod
    def measure(cls, workspace: Workspace, settings: PilotSettings, today: date) -> Capacity:
        return cls(settings.weekly_hours, weekly_load_minutes(workspace, today))

    @property
    def load(self) -> Decimal:
        """Hours a week, for display."""
        return (self.load_minutes / 60).quantize(TENTH)

    def load_with(self, estimate: Decimal | None) -> Decimal:
        return ((self.load_minutes + (estimate or 0) * 60) / 60).quantize(TENTH)

    def is_guarded(self) -> bool:
        return self.weekly_hours is not None

    def is_exceeded_by(self, estimate: Decimal | None) -> bool:
        """Exactly when load + this pilot's estimate > capacity (reaching it is fine)."""
        if self.weekly_hours is None:
            return False
        return self.load_minutes + (estimate or 0) * 60 > self.weekly_hours * 60
