"""Pilots: the method's answer to a yellow light (METHOD.md).

A small, measurable pilot of 2–4 weeks: one simple offer, a recommendation script of at
most 3 lines, one way to measure, and a review on day 14.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from enum import Enum

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User, Workspace
from candidates.models import Candidate, Evaluation, Status
from semaforo.lib.codes import random_code, random_token
from semaforo.models import Throttle

MIN_DAYS, MAX_DAYS = 14, 28
DEFAULT_REVIEW_AFTER_DAYS = 14
# A review still not done this many days after its date is "overdue" (and gets a nudge).
OVERDUE_AFTER_DAYS = 3
SCRIPT_MAX_LINES = 3
SCRIPT_LINE_MAX_CHARS = 200
# Bounds that keep every derived total inside its column on SQLite and PostgreSQL: one
# line of the results log counts at most MAX_ENTRY_COUNT referrals or sales, and a pilot's
# totals stay under these (checked when a line is added, under the pilot's row lock).
MAX_ENTRY_COUNT = 100_000
MAX_TOTAL_COUNT = 1_000_000_000
MAX_TOTAL_REVENUE = Decimal("10") ** 13
MAX_TOTAL_MINUTES = 10_000_000
# Money columns for totals: margin (< 10^8) × sales (≤ 10^9) < 10^17, with room to spare.
TOTAL_DIGITS = 20
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


# Only web addresses: a javascript:, data: or relative "landing" would be an open door.
http_url = URLValidator(
    schemes=["http", "https"],
    message=_("Enter a full web address starting with http:// or https://."),
)


class LandingURLField(models.URLField):
    default_validators = [http_url]


def new_tracking_code() -> str:
    # 31^6 ≈ 887 million codes; uniqueness is still enforced by the database.
    return random_code(6)


class PilotSettings(models.Model):
    """What the workspace's coordination time is worth (for the expensive-hobby rule)."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, primary_key=True, related_name="pilot_settings"
    )
    hourly_value = models.DecimalField(
        _("value of one hour of your time"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Used to price coordination time against the margin a pilot brings in."),
    )
    # Empty: no capacity guard. See pilots/costs.py for how the load is counted.
    weekly_hours = models.DecimalField(
        _("hours a week you can give to partnerships"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_(
            "Optional. The new-pilot page warns you before a pilot would take more time "
            "than this. Leave empty for no warning."
        ),
    )

    class Meta:
        verbose_name = _("pilot settings")
        verbose_name_plural = _("pilot settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(hourly_value__gte=0), name="pilot_settings_hourly_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(weekly_hours__isnull=True) | Q(weekly_hours__gte=0),
                name="pilot_settings_weekly_hours_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return str(self.workspace)

    @transaction.atomic
    def save(self, *args, **kwargs):
        """Also reprices the pilots still running. Each pilot carries its own hourly value
        (Pilot.hourly_value): copied from here when it starts, updated here while it runs,
        settled when it finishes, so a later change never rewrites a finished pilot's costs.
        This row is written first: a pilot starting meanwhile reads the value under this
        row's lock (Pilot.start), so it either starts with the new value or is
        repriced here."""
        super().save(*args, **kwargs)
        fields = kwargs.get("update_fields")
        if fields is None or "hourly_value" in fields:
            Pilot.objects.for_workspace(self.workspace_id).active().exclude(
                hourly_value=self.hourly_value
            ).update(hourly_value=self.hourly_value)

    @classmethod
    def for_workspace(cls, workspace: Workspace) -> PilotSettings:
        settings, _created = cls.objects.get_or_create(workspace=workspace)
        return settings

    @classmethod
    def hourly_value_now(cls, workspace_id: int) -> Decimal:
        """The workspace's hourly value, its row locked until the caller's transaction ends:
        a change saved meanwhile (save()) either comes first or reprices the new pilot."""
        locked = cls.objects.select_for_update().filter(workspace_id=workspace_id)
        value = locked.values_list("hourly_value", flat=True).first()
        return value if value is not None else Decimal("0")  # no settings yet: time unpriced


class Measurement(models.TextChoices):
    DISCOUNT_CODE = "discount_code", _("Discount code")
    TRACKED_LINK = "tracked_link", _("Tracked link")
    COUPON = "coupon", _("Coupon")
    SIMPLE_REGISTER = "register", _("Simple register")


class PilotStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    FINISHED = "finished", _("Finished")


class Outcome(models.TextChoices):
    PROMOTED = "promoted", _("Promoted to strategic alliance")
    OPEN_REFERRAL = "open_referral", _("Stopped: open referral")
    DISCARDED = "discarded", _("Stopped: discarded")


class ReviewState(models.TextChoices):
    UPCOMING = "upcoming", _("Running")
    DUE = "due", _("Review due")
    OVERDUE = "overdue", _("Review overdue")
    DONE = "done", _("Finished")


class AlreadyDone(Exception):
    """Another request (a double click, a second tab, a teammate) got there first: `pilot`
    is the state it left, for the loser to show."""

    def __init__(self, pilot: Pilot):
        super().__init__(pilot.code)
        self.pilot = pilot


class PilotRunning(AlreadyDone):
    """The candidate has a pilot running: one at a time."""


class TotalsTooLarge(Exception):
    """The line would take one of the pilot's totals past what its columns hold."""


class Appended(Enum):
    SAVED = "saved"
    DUPLICATE = "duplicate"  # the same form sent twice (a double tap): recorded once
    FLOODED = "flooded"  # the partner page's limit


# The partner page accepts this many entries per pilot in this window (flood control).
PARTNER_LIMIT, PARTNER_WINDOW = 10, 10 * 60  # entries, seconds


def is_expensive_hobby(cost: Decimal, margin: Decimal) -> bool:
    """The method's rule: coordinating costs more than the margin that comes in (equal is
    not a hobby, and no time spent is no hobby)."""
    return cost > 0 and cost > margin


class PilotQuerySet(models.QuerySet):
    def for_workspace(self, workspace: Workspace):
        return self.filter(workspace=workspace)

    def active(self):
        return self.filter(status=PilotStatus.ACTIVE)

    def due(self, today: date):
        """Active pilots whose review date has come: the dashboard's first list."""
        return self.active().filter(review_date__lte=today)

    def with_totals(self):
        """Results and coordination totals, as subqueries (no row multiplication)."""
        results = ResultEntry.objects.filter(pilot=models.OuterRef("pk")).values("pilot")
        coordination = CoordinationEntry.objects.filter(pilot=models.OuterRef("pk")).values("pilot")

        def total(qs, field, output):
            return Coalesce(
                models.Subquery(
                    qs.annotate(t=models.Sum(field)).values("t")[:1], output_field=output
                ),
                models.Value(0, output_field=output),
            )

        return self.annotate(
            total_referrals=total(results, "referrals", models.IntegerField()),
            total_sales=total(results, "sales", models.IntegerField()),
            total_revenue=total(
                results,
                "revenue",
                models.DecimalField(max_digits=TOTAL_DIGITS, decimal_places=2),
            ),
            total_minutes=total(coordination, "minutes", models.IntegerField()),
        )

    def with_costs(self):
        """with_totals(), and each pilot's coordination cost (its time priced at its own
        hourly value) and margin earned, exact, in SQL: for rules over many rows."""
        money = models.DecimalField(max_digits=30, decimal_places=4)
        # Divided by a bound decimal: SQLite stores a whole hourly value as an integer and
        # would divide integers (13 min at 50 → 10, not 10.83); a decimal makes it use REALs.
        cost = Cast(models.F("total_minutes"), money) * models.F("hourly_value")
        cost = models.ExpressionWrapper(cost / models.Value(Decimal(60), money), output_field=money)
        margin = models.ExpressionWrapper(
            Cast(models.F("total_sales"), money) * models.F("margin_per_sale"), output_field=money
        )
        return self.with_totals().annotate(cost=cost, margin=margin)

    def expensive_hobbies(self):
        """Needs with_costs(): is_expensive_hobby() in SQL."""
        return self.filter(Q(cost__gt=0) & Q(cost__gt=models.F("margin")))


class Pilot(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.PROTECT, related_name="pilots")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="pilots")
    code = models.CharField(max_length=12, unique=True, default=random_code, editable=False)
    # The checklist as it stood when the pilot started: the prediction to compare with.
    start_evaluation = models.ForeignKey(
        Evaluation, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    offer = models.CharField(_("offer"), max_length=200)
    script = models.TextField(
        _("recommendation script"), max_length=SCRIPT_MAX_LINES * (SCRIPT_LINE_MAX_CHARS + 2)
    )
    measurement = models.CharField(_("how it is measured"), max_length=15, choices=Measurement)
    tracking_code = models.CharField(
        _("tracking code"), max_length=12, unique=True, default=new_tracking_code, editable=False
    )
    landing_url = LandingURLField(_("landing address"), blank=True, max_length=500)
    start_date = models.DateField(_("start date"))
    length_days = models.PositiveSmallIntegerField(
        _("length in days"), validators=[MinValueValidator(MIN_DAYS), MaxValueValidator(MAX_DAYS)]
    )
    review_date = models.DateField(_("review date"))
    target = models.PositiveIntegerField(
        _("target (referrals)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_TOTAL_COUNT)],
    )
    margin_per_sale = models.DecimalField(
        _("margin per sale"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    # What an hour of coordination is worth for this pilot: the workspace's value when it
    # started (and while it runs); once finished, its costs never change again.
    hourly_value = models.DecimalField(
        _("value of one hour of your time"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    partner_token = models.CharField(
        max_length=64, unique=True, null=True, blank=True, default=random_token
    )
    # The cost check before the start (pilots/costs.py): both optional.
    estimated_weekly_hours = models.DecimalField(
        _("coordination hours a week (estimate)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("168"))],
    )
    expected_sales = models.PositiveIntegerField(
        _("expected sales"), null=True, blank=True, validators=[MaxValueValidator(MAX_TOTAL_COUNT)]
    )
    # The partner one-pager: read-only, created on demand, revocable (None = no page).
    one_pager_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    one_pager_language = models.CharField(
        _("partner's language"), max_length=8, choices=settings.LANGUAGES, blank=True
    )
    partner_benefit = models.CharField(_("what the partner gets"), max_length=300, blank=True)
    our_benefit = models.CharField(_("what your business gets"), max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=PilotStatus, default=PilotStatus.ACTIVE)
    outcome = models.CharField(max_length=15, choices=Outcome, blank=True)
    extended = models.BooleanField(default=False)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = PilotQuerySet.as_manager()

    class Meta:
        verbose_name = _("pilot")
        verbose_name_plural = _("pilots")
        constraints = [
            models.CheckConstraint(
                condition=Q(length_days__gte=MIN_DAYS) & Q(length_days__lte=MAX_DAYS),
                name="pilot_length_2_to_4_weeks",
            ),
            models.CheckConstraint(
                condition=Q(review_date__gt=models.F("start_date")), name="pilot_review_after_start"
            ),
            models.CheckConstraint(condition=Q(margin_per_sale__gte=0), name="pilot_margin_gte_0"),
            models.CheckConstraint(condition=Q(hourly_value__gte=0), name="pilot_hourly_gte_0"),
            models.CheckConstraint(
                condition=Q(estimated_weekly_hours__isnull=True) | Q(estimated_weekly_hours__gte=0),
                name="pilot_estimated_hours_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(one_pager_language__in=["", *LANGUAGE_CODES]),
                name="pilot_one_pager_language_valid",
            ),
            models.CheckConstraint(
                condition=Q(measurement__in=Measurement.values), name="pilot_measurement_valid"
            ),
            models.CheckConstraint(
                condition=(Q(status=PilotStatus.ACTIVE) & Q(outcome=""))
                | (Q(status=PilotStatus.FINISHED) & Q(outcome__in=Outcome.values)),
                name="pilot_outcome_matches_status",
            ),
            # The method runs one pilot at a time per candidate (two tabs, a double click).
            models.UniqueConstraint(
                fields=["candidate"],
                condition=Q(status="active"),
                name="pilot_one_active_per_candidate",
            ),
        ]
        indexes = [
            # The dashboard's due list and the reminder job: active pilots by review date.
            models.Index(
                fields=["workspace", "review_date"],
                condition=Q(status="active"),
                name="pilot_active_review_idx",
            ),
            # send_review_reminders: active pilots whose review date is near, all workspaces.
            models.Index(
                fields=["review_date"],
                condition=Q(status="active"),
                name="pilot_due_reminder_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} – {self.offer}"

    @property
    def end_date(self) -> date:
        return self.start_date + timedelta(days=self.length_days)

    def script_lines(self) -> list[str]:
        return [line for line in self.script.splitlines() if line.strip()]

    def tracked_path(self) -> str:
        """The tracked link the partner shares (served by the partners app)."""
        return reverse("partners:track", args=[self.tracking_code])

    def share_text(self, tracked_url: str) -> str:
        """The offer and the 3-line script as plain text to paste in WhatsApp or an email."""
        lines = [self.offer, "", *self.script_lines(), ""]
        if self.landing_url:
            lines.append(gettext("Link: %(url)s") % {"url": tracked_url})
        lines.append(gettext("Code: %(code)s") % {"code": self.tracking_code})
        return "\n".join(lines)

    def is_active(self) -> bool:
        return self.status == PilotStatus.ACTIVE

    def review_state(self, today: date) -> ReviewState:
        if not self.is_active():
            return ReviewState.DONE
        if today < self.review_date:
            return ReviewState.UPCOMING
        if today < self.review_date + timedelta(days=OVERDUE_AFTER_DAYS):
            return ReviewState.DUE
        return ReviewState.OVERDUE

    def is_review_due(self, today: date) -> bool:
        return self.review_state(today) in (ReviewState.DUE, ReviewState.OVERDUE)

    def days_left(self, today: date) -> int:
        return max((self.end_date - today).days, 0)

    def coordination_cost(self) -> Decimal:
        """Needs with_totals(): the time spent coordinating, priced at the pilot's hourly value."""
        return (Decimal(self.total_minutes) * self.hourly_value / 60).quantize(Decimal("0.01"))

    def margin_earned(self) -> Decimal:
        """Needs with_totals(): sales so far times the margin per sale."""
        return (self.total_sales * self.margin_per_sale).quantize(Decimal("0.01"))

    def is_expensive_hobby(self) -> bool:
        """Needs with_totals(): coordinating costs more than the margin that comes in."""
        # The exact cost, not the cent-rounded one shown, as expensive_hobbies() compares it.
        cost = Decimal(self.total_minutes) * self.hourly_value / 60
        return is_expensive_hobby(cost, self.margin_earned())

    def progress_percent(self) -> int | None:
        """Needs with_totals(): referrals against the target, capped at 100."""
        if not self.target:
            return None
        return min(100, round(100 * self.total_referrals / self.target))

    def latest_extension_date(self) -> date:
        """An extension keeps the review within 4 weeks of the start."""
        return self.start_date + timedelta(days=MAX_DAYS)

    # The verbs: each is one transaction, safe against a double tap, a second tab and a
    # teammate (a row lock and the database's constraints), and raises what the loser shows.

    def start(self, candidate: Candidate, user: User) -> Pilot:
        """Save this new pilot; the checklist as it stands becomes its dated prediction, and
        the workspace's hourly value its own (it prices its coordination).

        Raises PilotRunning (with the running pilot) when the candidate already has one: a
        double click starts one pilot, and the one-active-pilot constraint backs this up.
        """
        try:
            with transaction.atomic():
                candidate.lock()
                running = candidate.pilots.active().first()
                if running is not None:
                    raise PilotRunning(running)
                self.hourly_value = PilotSettings.hourly_value_now(candidate.workspace_id)
                # A tracking-code collision (1 in ~887 million): draw another one. The
                # unique constraint backs this up against a simultaneous draw.
                while Pilot.objects.filter(tracking_code=self.tracking_code).exists():
                    self.tracking_code = new_tracking_code()
                self.start_evaluation = candidate.current_evaluation()
                self.start_evaluation.reevaluate()  # freezes it, starts a prefilled new one
                self.workspace, self.candidate, self.created_by = (
                    candidate.workspace,
                    candidate,
                    user,
                )
                self.save()
                candidate.set_status(Status.IN_PILOT)
                return self
        except IntegrityError:
            running = candidate.pilots.active().first()
            if running is not None:  # lost the race to a simultaneous start
                raise PilotRunning(running) from None
            raise

    @transaction.atomic
    def record(self, entry: ResultEntry | CoordinationEntry, *, flood_limit: bool = False):
        """Add a line to one of the pilot's logs, once per form (its one-time `form_token`);
        returns an Appended. The pilot row is locked, so simultaneous posts (a double tap,
        the partner's flood) count one after another; the token's constraint backs it up.
        """
        Pilot.objects.select_for_update().filter(pk=self.pk).first()
        model = type(entry)
        if entry.form_token and model.objects.filter(form_token=entry.form_token).exists():
            return Appended.DUPLICATE
        if flood_limit and not Throttle.objects.hit(
            "partner-pilot", self.code, limit=PARTNER_LIMIT, window=PARTNER_WINDOW
        ):
            return Appended.FLOODED
        self.check_room_for(entry)
        entry.pilot = self
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            if entry.form_token and model.objects.filter(form_token=entry.form_token).exists():
                return Appended.DUPLICATE
            raise
        return Appended.SAVED

    def record_partner_referral(self, entry: ResultEntry):
        """Save one "I referred someone" from the partner page, unless it is flooded."""
        entry.source = Source.PARTNER
        entry.date, entry.referrals = self.workspace.today(), 1
        return self.record(entry, flood_limit=True)

    def check_room_for(self, entry: ResultEntry | CoordinationEntry) -> None:
        """Every total derived from the logs must fit its column (MAX_TOTAL_*)."""
        if isinstance(entry, CoordinationEntry):
            minutes = self.coordination.aggregate(t=models.Sum("minutes"))["t"] or 0
            if minutes + entry.minutes > MAX_TOTAL_MINUTES:
                raise TotalsTooLarge(
                    _("This pilot already has as much coordination time as it can hold.")
                )
            return
        totals = self.results.aggregate(
            referrals=models.Sum("referrals"),
            sales=models.Sum("sales"),
            revenue=models.Sum("revenue"),
        )
        counts = (
            (totals["referrals"] or 0) + entry.referrals,
            (totals["sales"] or 0) + entry.sales,
        )
        if max(counts) > MAX_TOTAL_COUNT:
            raise TotalsTooLarge(_("This would take the pilot's totals past 1,000,000,000."))
        if (totals["revenue"] or 0) + entry.revenue > MAX_TOTAL_REVENUE:
            raise TotalsTooLarge(_("This would take the pilot's revenue past what it can hold."))

    @transaction.atomic
    def record_review(self, user: User, data: dict, answers: dict | None = None) -> Review:
        """Keep the review with the totals at the time, and apply the decision; `answers`
        are the checklist's ticks and notes changed on the review page, saved first, so the
        re-run checklist frozen with the review is the one the page showed.

        The pilot row is locked and its state read again: a second decision on the same
        review (a double submit, another tab, a teammate) raises AlreadyDone.
        """
        pilot = Pilot.objects.select_for_update().with_totals().get(pk=self.pk)
        if not pilot.is_active() or (data["decision"] == Decision.EXTEND and pilot.extended):
            raise AlreadyDone(pilot)
        if answers:
            Evaluation.objects.filter(candidate=pilot.candidate_id).record_answers(answers)
        evaluation = pilot.candidate.current_evaluation()
        evaluation.reevaluate()
        review = Review.objects.create(
            pilot=pilot,
            evaluation=evaluation,
            reviewed_by=user,
            **{field: data[field] for field in REVIEW_INPUT if field in data},
            **pilot.totals_for_review(),
        )
        if review.decision == Decision.EXTEND:
            pilot.extend(review.new_review_date)
        else:
            pilot.finish(Decision(review.decision))
        return review

    def totals_for_review(self) -> dict:
        """Needs with_totals(): what a review keeps of the pilot at its time."""
        return {
            "referrals": self.total_referrals,
            "sales": self.total_sales,
            "revenue": self.total_revenue,
            "coordination_minutes": self.total_minutes,
            "coordination_cost": self.coordination_cost(),
            "margin_earned": self.margin_earned(),
        }

    def extend(self, new_review_date: date) -> None:
        """Extend once: the pilot stretches to the new review date, within 4 weeks of start."""
        needed = (new_review_date - self.start_date).days
        assert new_review_date <= self.latest_extension_date()
        self.review_date = new_review_date
        self.length_days = max(self.length_days, needed)
        self.extended = True
        self.save(update_fields=["review_date", "length_days", "extended"])

    def finish(self, decision: Decision) -> None:
        """The review's final decision: the pilot's outcome, and the candidate's status."""
        self.outcome, status = DECISION_OUTCOME[decision]
        self.status = PilotStatus.FINISHED
        self.finished_at = timezone.now()
        self.save(update_fields=["status", "outcome", "finished_at"])
        self.candidate.set_status(status)


# The logs and the reviews refer to Pilot, and Pilot's verbs write them: imported once Pilot
# exists (pilots/models/__init__.py imports this module first).
from pilots.models.logs import (  # noqa: E402
    CoordinationEntry,
    ResultEntry,
    Source,
)
from pilots.models.reviews import (  # noqa: E402
    DECISION_OUTCOME,
    REVIEW_INPUT,
    Decision,
    Review,
)
