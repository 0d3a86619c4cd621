"""Alliances: what comes after a green light, or after a pilot promoted at its review
(METHOD.md, "After green: the alliance itself").

The article defines an alliance by what it has, so one stays "in design" until it has it:
the exchange of assets both ways, an operating model in three answers (how a customer is
passed, how they are served, how it is charged), and metrics with a monthly target,
reviewed at a cadence. Only then can it be activated.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User, Workspace
from candidates.models import Asset, Candidate, Kind, Status, validate_assets
from candidates.scoring import Colour
from pilots.models import (
    MAX_TOTAL_COUNT,
    MAX_TOTAL_MINUTES,
    MAX_TOTAL_REVENUE,
    PARTNER_LIMIT,
    PARTNER_WINDOW,
    Appended,
    LandingURLField,
    Outcome,
    Pilot,
    Source,
    TotalsTooLarge,
    new_tracking_code,
)
from semaforo.lib.codes import random_code, random_token
from semaforo.models import Throttle

NOTE_MAX_CHARS = 300
ANSWER_MAX_CHARS = 500
CONTACT_MAX_CHARS = 120
METRIC_NAME_MAX_CHARS = 80
MAX_METRICS = 3
# Bounds that keep every figure inside its column (and any total of a year of them).
MAX_BENEFIT_AMOUNT = Decimal(10) ** 7
MAX_PERCENT = Decimal(100)
MAX_MONTHLY_TARGET = Decimal(10) ** 12
CENT = Decimal("0.01")


class State(models.TextChoices):
    DESIGN = "design", _("In design")
    ACTIVE = "active", pgettext_lazy("an alliance", "Active")
    ENDED = "ended", _("Ended")


class Cadence(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


CADENCE_MONTHS = {Cadence.MONTHLY: 1, Cadence.QUARTERLY: 3}


class BenefitRule(models.TextChoices):
    """A referral programme needs only its benefit rule: if there is a sale, a benefit is
    recognised (METHOD.md)."""

    NONE = "none", _("Not agreed yet")
    PERCENT = "percent", _("A percentage of each sale")
    PER_SALE = "per_sale", _("A fixed amount per sale")
    PER_REFERRAL = "per_referral", _("A fixed amount per referral")


class FollowUp(models.TextChoices):
    """A sales channel needs a routine of follow-up (METHOD.md)."""

    WEEKLY = "weekly", _("Weekly")
    FORTNIGHTLY = "fortnightly", _("Every two weeks")


class Measure(models.TextChoices):
    REFERRALS = "referrals", _("Referrals")
    SALES = "sales", _("Sales")
    REVENUE = "revenue", _("Revenue")
    CUSTOM = "custom", _("Something else")


# The operating model: the three questions, as the design page asks them.
QUESTIONS = {
    "how_passed": _("How is a customer passed to you? (1–2 steps)"),
    "how_served": _("How are they served?"),
    "how_charged": _("How is it charged, and what does each side get?"),
}
# What an alliance in design still lacks to be active, as the page lists it.
UNANSWERED = {
    "how_passed": _("how a customer is passed to you (1–2 steps)"),
    "how_served": _("how they are served"),
    "how_charged": _("how it is charged, and what each side gets"),
}
NO_TARGET = _("a metric with a monthly target")
# What an alliance designed from a promoted pilot takes from it: the partner keeps the same
# tracked link, partner's page and one-pager, and a sale keeps its margin.
CARRIED_OVER = (
    "tracking_code",
    "partner_token",
    "one_pager_token",
    "one_pager_language",
    "margin_per_sale",
)
# A sales channel's follow-up routine: days from one check-in to the next.
CHECK_IN_DAYS = {FollowUp.WEEKLY: 7, FollowUp.FORTNIGHTLY: 14}
# The months the alliance's page shows: this one and the ones before it.
MONTHS_SHOWN = 6
PERCENT_MESSAGE = _("A percentage is at most 100.")


class NotReady(Exception):
    """Activation refused: `missing` says what the design still lacks (translated)."""

    def __init__(self, missing: list[str]):
        super().__init__("; ".join(str(item) for item in missing))
        self.missing = missing


class NotEligible(Exception):
    """Neither a green light nor a pilot promoted at its review: not an alliance (yet)."""


class PilotStillRunning(Exception):
    """The candidate has a pilot running: its review decides what comes next."""

    def __init__(self, pilot: Pilot):
        super().__init__(pilot.code)
        self.pilot = pilot


class AllianceEnded(Exception):
    """The alliance ended meanwhile (another tab, a teammate): its design is no longer edited."""


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 → 28/29 Feb);
    the last date there is, rather than an error, past the year 9999."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if year > date.max.year:
        return date.max
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def in_asset_order(values) -> list[str]:
    """The assets chosen, in the method's order (so two equal choices compare equal)."""
    chosen = set(values or [])
    return [value for value in Asset.values if value in chosen]


def promoted_pilot_of(candidate: Candidate) -> Pilot | None:
    """The candidate's latest pilot promoted at its review: its tracked link carries over."""
    promoted = candidate.pilots.filter(outcome=Outcome.PROMOTED)
    return promoted.order_by("-finished_at", "-id").first()


def unused_tracking_code() -> str:
    """A new tracking code that no pilot and no alliance holds (/r/<code> finds either);
    the unique constraints back this up against a simultaneous draw."""
    while True:
        code = new_tracking_code()
        taken = Pilot.objects.filter(tracking_code=code).exists()
        if not taken and not Alliance.objects.filter(tracking_code=code).exists():
            return code


def is_green(candidate: Candidate) -> bool:
    return candidate.current_evaluation().light() == Colour.GREEN


def _plain(value):
    """A design value as the JSON of a DesignVersion keeps it (amounts to the cent)."""
    if isinstance(value, Decimal):
        return format(value.quantize(CENT), "f")
    return value


class AllianceQuerySet(models.QuerySet):
    def for_workspace(self, workspace: Workspace):
        return self.filter(workspace=workspace)

    def open(self):
        return self.exclude(state=State.ENDED)

    def design_for(self, candidate: Candidate, user: User, pilot: Pilot | None = None):
        """The candidate's alliance in design, created now unless one not ended exists (a
        double tap, another tab: that one is returned). Needs a green light or a pilot
        promoted at its review (`pilot`, or else the candidate's latest promoted one);
        refused while a pilot runs. The candidate's row is locked, and the one-open-alliance
        constraint backs it up."""
        try:
            with transaction.atomic():
                candidate.lock()
                existing = candidate.alliances.open().first()
                if existing is not None:
                    return existing
                return self._create_for(candidate, user, pilot)
        except IntegrityError:
            existing = candidate.alliances.open().first()
            if existing is None:
                raise
            return existing  # lost the race to a simultaneous tap

    def _create_for(self, candidate: Candidate, user: User, pilot: Pilot | None) -> Alliance:
        running = candidate.pilots.active().first()
        if running is not None:
            raise PilotStillRunning(running)
        pilot = pilot or promoted_pilot_of(candidate)
        if pilot is not None and (
            pilot.candidate_id != candidate.pk or pilot.outcome != Outcome.PROMOTED
        ):
            raise ValueError("not a pilot of this candidate promoted at its review")
        if pilot is None and not is_green(candidate):
            raise NotEligible(candidate.code)
        alliance = Alliance(
            workspace=candidate.workspace,
            candidate=candidate,
            pilot=pilot,
            kind=candidate.kind,
            they_bring=in_asset_order(candidate.assets),
            created_by=user,
        )
        alliance.take_links_of(pilot)
        alliance.save()
        candidate.set_status(Status.ALLIANCE)
        return alliance


class Alliance(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.PROTECT, related_name="alliances")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="alliances")
    # The pilot promoted at its review, if it came from one: its tracked link carries over.
    pilot = models.ForeignKey(
        Pilot, on_delete=models.PROTECT, null=True, blank=True, related_name="alliances"
    )
    code = models.CharField(max_length=12, unique=True, default=random_code, editable=False)
    kind = models.CharField(
        _("kind of relationship"), max_length=10, choices=Kind, default=Kind.ALLIANCE
    )
    state = models.CharField(max_length=10, choices=State, default=State.DESIGN, editable=False)
    # The exchange of assets, both ways.
    they_bring = models.JSONField(
        _("what they bring"), default=list, blank=True, validators=[validate_assets]
    )
    they_bring_note = models.CharField(
        _("what they bring, in a line"), max_length=NOTE_MAX_CHARS, blank=True
    )
    we_bring = models.JSONField(
        _("what we bring"), default=list, blank=True, validators=[validate_assets]
    )
    we_bring_note = models.CharField(
        _("what we bring, in a line"), max_length=NOTE_MAX_CHARS, blank=True
    )
    # The operating model in three answers.
    how_passed = models.CharField(QUESTIONS["how_passed"], max_length=ANSWER_MAX_CHARS, blank=True)
    how_served = models.CharField(QUESTIONS["how_served"], max_length=ANSWER_MAX_CHARS, blank=True)
    how_charged = models.CharField(
        QUESTIONS["how_charged"], max_length=ANSWER_MAX_CHARS, blank=True
    )
    review_cadence = models.CharField(
        _("how often it is reviewed"), max_length=10, choices=Cadence, default=Cadence.MONTHLY
    )
    next_review_date = models.DateField(_("next review"), null=True, blank=True, editable=False)
    our_contact = models.CharField(
        _("person responsible on our side"), max_length=CONTACT_MAX_CHARS, blank=True
    )
    their_contact = models.CharField(
        _("person responsible on their side"), max_length=CONTACT_MAX_CHARS, blank=True
    )
    # A referral programme: what the partner gets when a sale happens.
    benefit_rule = models.CharField(
        _("benefit for the partner"), max_length=15, choices=BenefitRule, default=BenefitRule.NONE
    )
    benefit_value = models.DecimalField(
        _("benefit (percent or amount)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_BENEFIT_AMOUNT)],
    )
    # A sales channel: the routine of follow-up.
    follow_up = models.CharField(
        _("follow-up routine"), max_length=15, choices=FollowUp, blank=True
    )
    # What a sale is worth to us: prices the margin against coordination (expensive hobby).
    margin_per_sale = models.DecimalField(
        _("margin per sale"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    # The partner's links, carried over from the pilot promoted (or new): the tracked link,
    # the partner's page and the agreement (the one-pager). None: no such link (revoked).
    tracking_code = models.CharField(max_length=12, unique=True, null=True, blank=True)
    landing_address = LandingURLField(
        _("landing address"),
        blank=True,
        max_length=500,
        help_text=_("For the tracked link: the web page it leads to, starting with https://."),
    )
    partner_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    one_pager_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    one_pager_language = models.CharField(
        _("partner's language"), max_length=8, choices=settings.LANGUAGES, blank=True
    )
    # A sales channel's next check-in (its follow-up routine), while active.
    next_check_in_date = models.DateField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    activated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = AllianceQuerySet.as_manager()

    class Meta:
        verbose_name = _("alliance")
        verbose_name_plural = _("alliances")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="alliance_kind_valid"),
            models.CheckConstraint(
                condition=Q(state__in=State.values), name="alliance_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(review_cadence__in=Cadence.values), name="alliance_cadence_valid"
            ),
            models.CheckConstraint(
                condition=Q(benefit_rule__in=BenefitRule.values),
                name="alliance_benefit_rule_valid",
            ),
            models.CheckConstraint(
                condition=Q(follow_up__in=["", *FollowUp.values]), name="alliance_follow_up_valid"
            ),
            models.CheckConstraint(
                condition=Q(margin_per_sale__gte=0), name="alliance_margin_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(benefit_value__isnull=True)
                | (Q(benefit_value__gte=0) & Q(benefit_value__lte=MAX_BENEFIT_AMOUNT)),
                name="alliance_benefit_value_range",
            ),
            models.CheckConstraint(
                condition=~Q(benefit_rule=BenefitRule.PERCENT)
                | Q(benefit_value__isnull=True)
                | Q(benefit_value__lte=MAX_PERCENT),
                name="alliance_benefit_percent_le_100",
                violation_error_code="percent",
                violation_error_message=PERCENT_MESSAGE,
            ),
            # The dates say the state: activated once active (with a review ahead), ended
            # once ended, neither while in design.
            models.CheckConstraint(
                condition=(
                    Q(state=State.DESIGN) & Q(activated_at__isnull=True) & Q(ended_at__isnull=True)
                )
                | (
                    Q(state=State.ACTIVE)
                    & Q(activated_at__isnull=False)
                    & Q(next_review_date__isnull=False)
                    & Q(ended_at__isnull=True)
                )
                | (Q(state=State.ENDED) & Q(ended_at__isnull=False)),
                name="alliance_dates_match_state",
            ),
            # One alliance at a time per candidate (a double tap, two tabs, a teammate).
            models.UniqueConstraint(
                fields=["candidate"],
                condition=~Q(state="ended"),
                name="alliance_one_open_per_candidate",
            ),
        ]
        indexes = [
            # The alliances list: a workspace's, newest first.
            models.Index(fields=["workspace", "-created_at"], name="alliance_list_idx"),
            # send_review_reminders: active alliances whose review date is near.
            models.Index(
                fields=["next_review_date"],
                condition=Q(state="active"),
                name="alliance_review_due_idx",
            ),
            # send_review_reminders: active sales channels whose check-in is near.
            models.Index(
                fields=["next_check_in_date"],
                condition=Q(state="active", next_check_in_date__isnull=False),
                name="alliance_check_in_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} – {self.get_kind_display()}"

    def is_in_design(self) -> bool:
        return self.state == State.DESIGN

    def is_active(self) -> bool:
        return self.state == State.ACTIVE

    def is_ended(self) -> bool:
        return self.state == State.ENDED

    def review_months(self) -> int:
        return CADENCE_MONTHS[Cadence(self.review_cadence)]

    def gaps(self, metrics=None) -> list[tuple[str, str]]:
        """(field, phrase) for each thing an active alliance needs and this design lacks;
        `metrics` are the rows about to be saved (a form's), else the stored ones."""
        metrics = self.metrics.all() if metrics is None else metrics
        gaps = [
            (field, UNANSWERED[field]) for field in QUESTIONS if not getattr(self, field).strip()
        ]
        if not any(m is not None and m.monthly_target for m in metrics):
            gaps.append(("metrics", NO_TARGET))
        return gaps

    def missing(self, metrics=None) -> list[str]:
        """What this design still lacks to be active, as phrases to show."""
        return [phrase for _field, phrase in self.gaps(metrics)]

    def can_activate(self) -> bool:
        return self.is_in_design() and not self.gaps()

    def activate(self, user: User, today: date) -> bool:
        """In design → active, with the first review a cadence from `today`; False when it
        is no longer in design (a double tap, another tab: activated once). Raises NotReady
        with the missing list unless the three answers and a metric's target are there."""
        with transaction.atomic():
            locked = Alliance.objects.select_for_update().get(pk=self.pk)
            if not locked.is_in_design():
                return False
            if missing := locked.missing():
                raise NotReady(missing)
            changes = {
                "state": State.ACTIVE,
                "activated_at": timezone.now(),
                "activated_by": user,
                "next_review_date": add_months(today, locked.review_months()),
                "next_check_in_date": locked.first_check_in(today),
            }
            # Compare-and-set, behind the row lock: whatever the database, one activation.
            if not Alliance.objects.filter(pk=self.pk, state=State.DESIGN).update(**changes):
                return False
        for field, value in changes.items():
            setattr(self, field, value)
        return True

    @transaction.atomic
    def write_design(self, user: User, metrics: list[Metric | None], fields: list[str]) -> None:
        """Save these design `fields` (set on self) and the metric rows (position 1–3; None
        empties one), and keep the design in the history. The row is locked: an alliance
        that ended meanwhile raises AllianceEnded; an active one must stay complete
        (NotReady)."""
        locked = Alliance.objects.select_for_update().filter(pk=self.pk).first()
        if locked is None or locked.is_ended():
            raise AllianceEnded(self.code)
        if locked.is_active():
            if missing := self.missing(metrics):
                raise NotReady(missing)
            fields = [field for field in fields if field != "kind"]  # a review's decision
        self.save(update_fields=fields)
        self.set_metrics(metrics)
        self.save_design(user)

    def set_metrics(self, rows: list[Metric | None]) -> None:
        """Row n of the page is the metric at position n: saving the same rows twice (a
        double tap) writes the same rows, never more."""
        getattr(self, "_prefetched_objects_cache", {}).pop("metrics", None)  # read them anew
        for position, row in enumerate(rows, start=1):
            if row is None:
                self.metrics.filter(position=position).delete()
                continue
            values = {f: getattr(row, f) for f in ("measure", "name", "monthly_target")}
            self.metrics.update_or_create(position=position, defaults=values)

    def snapshot(self) -> dict:
        """The design as plain JSON: what a DesignVersion keeps."""
        data = {field: _plain(getattr(self, field)) for field in DESIGN_FIELDS}
        data["metrics"] = [metric.snapshot() for metric in self.metrics.all()]
        return data

    def save_design(self, user: User) -> DesignVersion | None:
        """Keep the design as it now stands in the history, unless it is the latest version
        already (the same form sent twice): adjusting keeps the old version."""
        data = self.snapshot()
        latest = self.versions.order_by("-created_at", "-id").first()
        if latest is not None and latest.data == data:
            return None
        return DesignVersion.objects.create(alliance=self, data=data, created_by=user)

    def describe(self, currency: str) -> list[tuple[str, str]]:
        """The design as it stands, as (label, text) rows to show."""
        return describe(self.snapshot(), currency)

    # Running it: the partner's links, and what flows in (results, coordination, clicks).

    def first_check_in(self, today: date) -> date | None:
        """A sales channel's routine starts with its activation: the first check-in."""
        if self.kind != Kind.CHANNEL or not self.follow_up:
            return None
        return today + timedelta(days=CHECK_IN_DAYS[FollowUp(self.follow_up)])

    def take_links_of(self, pilot: Pilot | None) -> None:
        """The promoted pilot's links and margin carry over (an ended alliance of the same
        pilot gives them up); from a green light, a new tracking code and partner's page."""
        if pilot is None:
            self.tracking_code, self.partner_token = unused_tracking_code(), random_token()
            return
        Alliance.objects.filter(pilot=pilot, state=State.ENDED).update(
            tracking_code=None, partner_token=None, one_pager_token=None
        )
        for field in CARRIED_OVER:
            setattr(self, field, getattr(pilot, field))
        self.landing_address = pilot.landing_url

    def landing_url(self) -> str:
        """Where the tracked link leads (the promoted pilot's, unless changed)."""
        return self.landing_address

    def tracked_path(self) -> str | None:
        """The tracked link the partner shares (served by the partners app), if it has one."""
        if not (self.tracking_code and self.landing_url()):
            return None
        return reverse("partners:track", args=[self.tracking_code])

    def is_referral_programme(self) -> bool:
        return self.kind == Kind.REFERRAL and self.benefit_rule != BenefitRule.NONE

    def takes_sales_from_partner(self) -> bool:
        """The partner's page offers "A sale was made" to a sales channel or a referral
        programme (a strategic alliance's partner passes customers: referrals)."""
        return self.kind in (Kind.CHANNEL, Kind.REFERRAL)

    @transaction.atomic
    def record(self, entry: Entry | TimeEntry, *, flood_limit: bool = False) -> Appended:
        """Add a line to one of the alliance's logs, once per form (its one-time
        `form_token`), as Pilot.record does: the row is locked, so simultaneous posts count
        one after another. A referral programme's line owes its benefit in the same
        transaction (one per line: recorded once, owed once). An ended alliance takes no
        more lines (AllianceEnded)."""
        locked = Alliance.objects.select_for_update().get(pk=self.pk)
        if locked.is_ended():
            raise AllianceEnded(self.code)
        model = type(entry)
        if entry.form_token and model.objects.filter(form_token=entry.form_token).exists():
            return Appended.DUPLICATE
        if flood_limit and not Throttle.objects.hit(
            "partner-alliance", self.code, limit=PARTNER_LIMIT, window=PARTNER_WINDOW
        ):
            return Appended.FLOODED
        self.check_room_for(entry)
        entry.alliance = self
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            if entry.form_token and model.objects.filter(form_token=entry.form_token).exists():
                return Appended.DUPLICATE
            raise
        if isinstance(entry, Entry):
            locked.owe_benefit_for(entry)
        return Appended.SAVED

    def owe_benefit_for(self, entry: Entry) -> Benefit | None:
        """A referral programme owes its partner for this line, under its rule as it is now."""
        if not self.is_referral_programme():
            return None
        amount = benefit_owed(self.benefit_rule, self.benefit_value, entry)
        if amount <= 0:
            return None
        return Benefit.objects.create(entry=entry, alliance=self, owed_on=entry.date, amount=amount)

    def record_partner_entry(self, entry: Entry, *, sale: bool) -> Appended:
        """Save one "I referred someone" (or "A sale was made") from the partner's page,
        dated today where the business is, unless the page is flooded."""
        entry.source = Source.PARTNER
        entry.date = self.workspace.today()
        entry.referrals, entry.sales = (0, 1) if sale else (1, 0)
        return self.record(entry, flood_limit=True)

    def check_room_for(self, entry: Entry | TimeEntry) -> None:
        """Every total derived from the logs must fit its column (pilots' MAX_TOTAL_*)."""
        if isinstance(entry, TimeEntry):
            minutes = self.time_entries.aggregate(t=models.Sum("minutes"))["t"] or 0
            if minutes + entry.minutes > MAX_TOTAL_MINUTES:
                raise TotalsTooLarge(
                    _("This alliance already has as much coordination time as it can hold.")
                )
            return
        totals = self.entries.aggregate(
            referrals=models.Sum("referrals"),
            sales=models.Sum("sales"),
            revenue=models.Sum("revenue"),
            other=models.Sum("other"),
        )
        counts = [(totals[f] or 0) + getattr(entry, f) for f in ("referrals", "sales", "other")]
        if max(counts) > MAX_TOTAL_COUNT:
            raise TotalsTooLarge(_("This would take the alliance's totals past 1,000,000,000."))
        if (totals["revenue"] or 0) + entry.revenue > MAX_TOTAL_REVENUE:
            raise TotalsTooLarge(_("This would take the alliance's revenue past what it can hold."))

    def figures(self, today: date, months: int = MONTHS_SHOWN) -> list[MonthFigures]:
        """This month and the `months` - 1 before it, oldest first (a few queries, however
        many lines they hold)."""
        return month_figures(self, add_months(today.replace(day=1), 1 - months), today)

    def progress(self, figures: list[MonthFigures]) -> list[MetricProgress]:
        """Each metric over these months (the last one: this month) against its target."""
        return [MetricProgress.over(metric, figures) for metric in self.metrics.all()]


# What a design is made of (the metrics aside): what the history keeps.
DESIGN_FIELDS = (
    "kind",
    "they_bring",
    "they_bring_note",
    "we_bring",
    "we_bring_note",
    "how_passed",
    "how_served",
    "how_charged",
    "review_cadence",
    "our_contact",
    "their_contact",
    "benefit_rule",
    "benefit_value",
    "follow_up",
    "margin_per_sale",
    "landing_address",
)


class Metric(models.Model):
    """How we know it works: 1–3 per alliance, each at a position (the row on the page)."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="metrics")
    position = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_METRICS)]
    )
    measure = models.CharField(_("what it counts"), max_length=10, choices=Measure)
    name = models.CharField(_("name of the metric"), max_length=METRIC_NAME_MAX_CHARS, blank=True)
    monthly_target = models.DecimalField(
        _("monthly target"),
        max_digits=15,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(CENT), MaxValueValidator(MAX_MONTHLY_TARGET)],
    )

    class Meta:
        verbose_name = _("metric")
        verbose_name_plural = _("metrics")
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(measure__in=Measure.values), name="metric_measure_valid"
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1) & Q(position__lte=MAX_METRICS),
                name="metric_position_1_to_3",
            ),
            models.CheckConstraint(
                condition=Q(monthly_target__isnull=True)
                | (Q(monthly_target__gt=0) & Q(monthly_target__lte=MAX_MONTHLY_TARGET)),
                name="metric_target_range",
            ),
            models.CheckConstraint(
                condition=~Q(measure=Measure.CUSTOM) | ~Q(name=""),
                name="metric_custom_has_name",
            ),
            # At most 3 metrics per alliance, one per row of the page.
            models.UniqueConstraint(
                fields=["alliance", "position"], name="metric_one_per_position"
            ),
        ]

    def __str__(self) -> str:
        return self.label()

    def label(self) -> str:
        return self.name or str(self.get_measure_display())

    def snapshot(self) -> dict:
        fields = ("position", "measure", "name", "monthly_target")
        return {field: _plain(getattr(self, field)) for field in fields}


class DesignVersion(models.Model):
    """The history of an alliance's design: one version per save that changed it."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="versions")
    data = models.JSONField()
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("design version")
        verbose_name_plural = _("design versions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.alliance_id} @ {self.created_at:%Y-%m-%d %H:%M}"

    def describe(self, currency: str) -> list[tuple[str, str]]:
        return describe(self.data, currency)


# The logs and the design's words refer to Alliance, and its verbs use them: imported once
# Alliance exists (alliances/models/__init__.py imports this module first).
from alliances.models.design_text import describe  # noqa: E402
from alliances.models.logs import (  # noqa: E402
    Benefit,
    Entry,
    MetricProgress,
    MonthFigures,
    TimeEntry,
    benefit_owed,
    month_figures,
)
