"""The pilot's logs: results (referrals, sales, revenue), clicks on its tracked link, and
coordination time."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from pilots.models.pilot import (
    MAX_ENTRY_COUNT,
    Pilot,
)
from semaforo.lib.fields import WorkspaceCopyField


class Source(models.TextChoices):
    OWNER = "owner", _("Owner")
    PARTNER = "partner", _("Partner")


# A line of the results log can be taken back by whoever recorded it, for this long
# (the dashboard's one-tap +1, a mistyped result).
UNDO_WINDOW = timedelta(minutes=10)
# Marks a line recorded by the dashboard's one tap: only these are offered for undo there.
QUICK_TOKEN_PREFIX = "quick-"  # noqa: S105 (a label, not a secret)


class ResultEntryQuerySet(models.QuerySet):
    def latest_taps_to_undo(self, user, pilots) -> dict:
        """Each pilot's latest one-tap +1 this person can still take back, by pilot id."""
        recent = self.filter(
            pilot__in=pilots,
            created_by=user,
            form_token__startswith=QUICK_TOKEN_PREFIX,  # a +1, never a whole line of the log
            created_at__gte=timezone.now() - UNDO_WINDOW,
        ).order_by("created_at")
        return {entry.pilot_id: entry for entry in recent}

    def undo(self, pilot: Pilot, token: str, user) -> bool:
        """Take back the line with this one-time token, if this person recorded it on this
        pilot within UNDO_WINDOW; False when there is nothing (already undone, too late)."""
        recent = timezone.now() - UNDO_WINDOW
        lines = self.filter(pilot=pilot, form_token=token, created_by=user, created_at__gte=recent)
        deleted, _rows = lines.delete()
        return bool(deleted)


class ResultLine(models.Model):
    """What a dated line of results holds, for a pilot's log and an alliance's alike:
    referrals, sales, revenue, who sent it (the owner or the partner, with the referred
    person's details only with their consent) and the one-time token of its form."""

    date = models.DateField(_("date"))
    referrals = models.PositiveIntegerField(
        _("referrals"), default=0, validators=[MaxValueValidator(MAX_ENTRY_COUNT)]
    )
    sales = models.PositiveIntegerField(
        _("sales"), default=0, validators=[MaxValueValidator(MAX_ENTRY_COUNT)]
    )
    revenue = models.DecimalField(
        _("revenue"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    source = models.CharField(max_length=10, choices=Source, default=Source.OWNER)
    contact_name = models.CharField(_("name of the person referred"), max_length=120, blank=True)
    contact_info = models.CharField(_("their phone or email"), max_length=120, blank=True)
    consent = models.BooleanField(_("they agreed to be contacted"), default=False)
    # The one-time token of the form that sent it: a double tap records the line once.
    form_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class ResultEntry(ResultLine):
    """A dated line of the pilot's results log."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="results")
    # The pilot's, copied on insert: the dashboard's recent activity reads the newest rows
    # of one workspace from an index, however long its history.
    workspace = WorkspaceCopyField(parent="pilot")

    objects = ResultEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(revenue__gte=0), name="result_revenue_gte_0"),
            models.CheckConstraint(
                condition=Q(source__in=Source.values), name="result_source_valid"
            ),
            # Personal data only with consent.
            models.CheckConstraint(
                condition=(Q(contact_name="") & Q(contact_info="")) | Q(consent=True),
                name="result_contact_needs_consent",
            ),
        ]
        indexes = [
            # The dashboard's recent activity: a workspace's newest first.
            models.Index(fields=["workspace", "-created_at"], name="result_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.pilot}: {self.date} +{self.referrals}"

    def can_be_undone_by(self, user, now=None) -> bool:
        return (
            bool(self.form_token)
            and self.created_by_id == user.pk
            and self.created_at >= (now or timezone.now()) - UNDO_WINDOW
        )


class ClickDayQuerySet(models.QuerySet):
    """For the clicks on a tracked link, a pilot's or an alliance's (`owner`)."""

    def count_click(self, day: date, **owner) -> None:
        """One more click on the tracked link that day (no personal data kept)."""
        if self.filter(**owner, date=day).update(count=models.F("count") + 1):
            return
        _row, created = self.get_or_create(**owner, date=day, defaults={"count": 1})
        if not created:  # another click created the row between our update and insert
            self.filter(**owner, date=day).update(count=models.F("count") + 1)


class ClickDay(models.Model):
    """Clicks on a pilot's tracked link, counted per day: no personal data at all."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="click_days")
    date = models.DateField()
    count = models.PositiveIntegerField(default=0)

    objects = ClickDayQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pilot", "date"], name="click_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.pilot}: {self.date} × {self.count}"


class CoordinationKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    MESSAGES = "messages", _("Messages")
    ADJUSTMENTS = "adjustments", _("Adjustments")
    OTHER = "other", _("Other")


class CoordinationEntry(models.Model):
    """Time spent coordinating a pilot: the method's silent killer."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="coordination")
    # The pilot's, copied on insert: the dashboard's recent activity reads the newest rows
    # of one workspace from an index, however long its history.
    workspace = WorkspaceCopyField(parent="pilot")
    date = models.DateField(_("date"))
    minutes = models.PositiveIntegerField(
        _("minutes"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    kind = models.CharField(_("what it was"), max_length=12, choices=CoordinationKind)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # The one-time token of the form that sent it: a double tap records the line once.
    form_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("coordination time")
        verbose_name_plural = _("coordination time")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1) & Q(minutes__lte=24 * 60),
                name="coordination_minutes_range",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=CoordinationKind.values), name="coordination_kind_valid"
            ),
        ]
        indexes = [
            # The dashboard's recent activity: a workspace's newest first.
            models.Index(fields=["workspace", "-created_at"], name="coordination_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.pilot}: {self.minutes} min {self.kind}"
