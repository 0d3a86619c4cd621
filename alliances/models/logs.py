"""What flows in while an alliance runs, as during a pilot: its results (referrals, sales,
revenue, and the owner's own count), coordination time, clicks on its tracked link, and, for
a referral programme, the benefit owed for each sale."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from alliances.models.alliance import Alliance, BenefitRule, Measure, Metric
from pilots.models import (
    MAX_ENTRY_COUNT,
    ClickDayQuerySet,
    CoordinationKind,
    PilotSettings,
    ResultLine,
    Source,
    is_expensive_hobby,
)
from semaforo.lib.fields import WorkspaceCopyField

MAX_ENTRY_MINUTES = 24 * 60
CENT = Decimal("0.01")


class Entry(ResultLine):
    """A dated line of the alliance's log: as a pilot's, and the owner's own count (for a
    metric that counts something else)."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="entries")
    workspace = WorkspaceCopyField(parent="alliance")
    other = models.PositiveIntegerField(
        _("your own count"), default=0, validators=[MaxValueValidator(MAX_ENTRY_COUNT)]
    )

    class Meta:
        verbose_name = _("alliance result")
        verbose_name_plural = _("alliance results")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revenue__gte=0), name="alliance_entry_revenue_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(source__in=Source.values), name="alliance_entry_source_valid"
            ),
            models.CheckConstraint(
                condition=(Q(contact_name="") & Q(contact_info="")) | Q(consent=True),
                name="alliance_entry_contact_needs_consent",
            ),
        ]
        indexes = [
            # The alliance page's months: an alliance's lines by date.
            models.Index(fields=["alliance", "date"], name="alliance_entry_month_idx"),
            # The dashboard's recent activity: a workspace's newest first.
            models.Index(fields=["workspace", "-created_at"], name="alliance_entry_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.alliance}: {self.date} +{self.referrals}/{self.sales}"


class TimeEntry(models.Model):
    """Coordination time spent on the alliance: what its margin has to pay for."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="time_entries")
    workspace = WorkspaceCopyField(parent="alliance")
    date = models.DateField(_("date"))
    minutes = models.PositiveIntegerField(
        _("minutes"), validators=[MinValueValidator(1), MaxValueValidator(MAX_ENTRY_MINUTES)]
    )
    kind = models.CharField(_("what it was"), max_length=15, choices=CoordinationKind)
    note = models.CharField(_("note"), max_length=300, blank=True)
    form_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("alliance coordination time")
        verbose_name_plural = _("alliance coordination time")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1) & Q(minutes__lte=MAX_ENTRY_MINUTES),
                name="alliance_time_minutes_range",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=CoordinationKind.values), name="alliance_time_kind_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["alliance", "date"], name="alliance_time_month_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.alliance}: {self.date} {self.minutes} min"


class ClickDay(models.Model):
    """Clicks on the alliance's tracked link, counted per day: no personal data at all."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="click_days")
    date = models.DateField()
    count = models.PositiveIntegerField(default=0)

    objects = ClickDayQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alliance", "date"], name="alliance_click_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.alliance}: {self.date} × {self.count}"


def benefit_owed(rule: str, value: Decimal | None, entry: Entry) -> Decimal:
    """What a line of results earns the partner under a benefit rule, to the cent (half up):
    a percentage of its revenue, or a fixed amount per sale or per referral. Exact: Decimal
    throughout (12.5 % of 1,000.10 is 125.0125, owed as 125.01)."""
    if value is None:
        return Decimal(0)
    if rule == BenefitRule.PERCENT:
        amount = entry.revenue * value / 100
    elif rule == BenefitRule.PER_SALE:
        amount = entry.sales * value
    elif rule == BenefitRule.PER_REFERRAL:
        amount = entry.referrals * value
    else:
        return Decimal(0)
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class MonthLedger:
    """One calendar month of a referral programme's ledger (by the month the benefit was
    owed): what was owed, and how much of that has been paid."""

    month: date  # its first day
    owed: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)
    lines: int = 0
    paid_lines: int = 0

    @property
    def unpaid(self) -> Decimal:
        return self.owed - self.paid


class BenefitQuerySet(models.QuerySet):
    def mark_paid(self, alliance: Alliance, ids: Iterable[int], paid_on: date) -> int:
        """Mark these lines of the alliance's ledger paid on `paid_on`; how many were.
        Compare-and-set on "not paid yet": a double tap (or a teammate) pays a line once,
        and the first date stays. A line owed after `paid_on` is left as it is."""
        unpaid = self.filter(alliance=alliance, pk__in=list(ids), paid_on__isnull=True)
        return unpaid.filter(owed_on__lte=paid_on).update(paid_on=paid_on)

    def ledger(self, first: date, last: date) -> list[MonthLedger]:
        """Owed and paid per calendar month from `first`'s to `last`'s, oldest first.

        Summed here, in Decimal, from one query of (date, amount, paid): exact on every
        database (SQLite would add the amounts as floating point)."""
        months = {month: MonthLedger(month) for month in month_starts(first, last)}
        rows = self.filter(owed_on__gte=first_of_month(first), owed_on__lte=last)
        for owed_on, amount, paid_on in rows.values_list("owed_on", "amount", "paid_on"):
            month = months[first_of_month(owed_on)]
            month.owed += amount
            month.lines += 1
            if paid_on is not None:
                month.paid += amount
                month.paid_lines += 1
        return list(months.values())


class Benefit(models.Model):
    """What a referral programme owes its partner for one line of results (a sale, or a
    referral under a per-referral rule): one per line, so a line recorded once owes once."""

    entry = models.OneToOneField(
        Entry, on_delete=models.CASCADE, primary_key=True, related_name="benefit"
    )
    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="benefits")
    workspace = WorkspaceCopyField(parent="alliance")
    owed_on = models.DateField(_("owed since"))  # the date of the line it is for
    amount = models.DecimalField(_("amount owed"), max_digits=20, decimal_places=2)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    objects = BenefitQuerySet.as_manager()

    class Meta:
        verbose_name = _("benefit owed")
        verbose_name_plural = _("benefits owed")
        ordering = ["-owed_on", "-entry_id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="benefit_amount_gte_0"),
            # Paid once it was owed (BenefitQuerySet.mark_paid leaves earlier dates out).
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True) | Q(paid_on__gte=models.F("owed_on")),
                name="benefit_paid_after_owed",
            ),
        ]
        indexes = [
            models.Index(fields=["alliance", "owed_on"], name="benefit_month_idx"),
            # The dashboard: what each workspace still owes.
            models.Index(
                fields=["workspace"], condition=Q(paid_on__isnull=True), name="benefit_unpaid_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alliance}: {self.amount} ({self.owed_on})"


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def month_starts(first: date, last: date) -> list[date]:
    """The first day of each calendar month from `first`'s to `last`'s."""
    months, day = [], first_of_month(first)
    while day <= last:
        months.append(day)
        if day.year == date.max.year and day.month == 12:
            break
        day = (day + timedelta(days=32)).replace(day=1)
    return months


@dataclass
class MonthFigures:
    """One calendar month of an alliance: what was logged, and what it cost and earned."""

    month: date  # its first day
    referrals: int = 0
    sales: int = 0
    revenue: Decimal = Decimal(0)
    other: int = 0
    minutes: int = 0
    clicks: int = 0
    hourly_value: Decimal = Decimal(0)
    margin_per_sale: Decimal = Decimal(0)

    def cost(self) -> Decimal:
        """Coordination time priced at the workspace's hourly value."""
        return (Decimal(self.minutes) * self.hourly_value / 60).quantize(CENT)

    def margin(self) -> Decimal:
        return (self.sales * self.margin_per_sale).quantize(CENT)

    def is_expensive_hobby(self) -> bool:
        """The method's rule, month by month: coordinating costs more than the margin."""
        return is_expensive_hobby(Decimal(self.minutes) * self.hourly_value / 60, self.margin())

    def value_of(self, measure: str):
        """What a metric of this measure counted this month (something else: the owner's
        own count)."""
        return self.other if measure == Measure.CUSTOM else getattr(self, measure)


def month_figures(alliance: Alliance, first: date, last: date) -> list[MonthFigures]:
    """Each calendar month from `first`'s to `last`'s, oldest first, in three queries
    (results, time, clicks: each grouped by month from its (alliance, date) index)."""
    months = month_starts(first, last)
    hourly = PilotSettings.for_workspace(alliance.workspace).hourly_value
    figures = {
        month: MonthFigures(month, hourly_value=hourly, margin_per_sale=alliance.margin_per_sale)
        for month in months
    }
    span = {"date__gte": months[0], "date__lte": last} if months else {"pk__in": []}
    by_month = {"month": TruncMonth("date", output_field=models.DateField())}
    rows = [
        (
            alliance.entries.filter(**span).annotate(**by_month).values("month"),
            {
                "referrals": Sum("referrals"),
                "sales": Sum("sales"),
                "revenue": Sum("revenue"),
                "other": Sum("other"),
            },
        ),
        (
            alliance.time_entries.filter(**span).annotate(**by_month).values("month"),
            {"minutes": Sum("minutes")},
        ),
        (
            alliance.click_days.filter(**span).annotate(**by_month).values("month"),
            {"clicks": Sum("count")},
        ),
    ]
    for queryset, sums in rows:
        for row in queryset.annotate(**sums).order_by():
            target = figures.get(row["month"])
            for field in sums:
                if target is not None and row[field] is not None:
                    setattr(target, field, row[field])
    return [figures[month] for month in months]


@dataclass
class MetricProgress:
    """A metric over the months shown: this month's figure against its monthly target."""

    metric: Metric
    months: list[tuple[date, Decimal]]  # (first day, figure), oldest first; the last: now

    @classmethod
    def over(cls, metric: Metric, figures: list[MonthFigures]) -> MetricProgress:
        months = [(month.month, Decimal(month.value_of(metric.measure))) for month in figures]
        return cls(metric, months)

    @property
    def value(self) -> Decimal:
        return self.months[-1][1] if self.months else Decimal(0)

    @property
    def target(self) -> Decimal | None:
        return self.metric.monthly_target

    def percent(self) -> int | None:
        """This month's figure as a whole percent of the target (past 100 when beaten)."""
        if not self.target:
            return None
        return int((100 * self.value / self.target).to_integral_value(rounding=ROUND_HALF_UP))

    def bar_percent(self) -> int:
        """The progress bar's fill: the percent, up to a full bar."""
        return min(100, self.percent() or 0)

    def is_money(self) -> bool:
        return self.metric.measure == Measure.REVENUE
