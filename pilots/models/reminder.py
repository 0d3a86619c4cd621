"""Review reminders as sent (claimed before sending), and the reminder job's heartbeat."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from pilots.models.pilot import (
    Pilot,
)


class ReminderKind(models.TextChoices):
    DUE = "due", _("Review due")
    OVERDUE = "overdue", _("Review overdue")


class ReminderState(models.TextChoices):
    CLAIMED = "claimed", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Reminder(models.Model):
    """One reminder email: claimed here before it is sent (see pilots/reminders.py)."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=ReminderKind)
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    # The review date it was for: an extended pilot gets reminded again for its new date.
    review_date = models.DateField()
    state = models.CharField(max_length=10, choices=ReminderState, default=ReminderState.CLAIMED)
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=1)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "kind", "recipient", "review_date"], name="reminder_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values), name="reminder_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ReminderState.values), name="reminder_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(state="sent", sent_at__isnull=False) | ~Q(state="sent"),
                name="reminder_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pilot} → {self.recipient} ({self.state})"


class JobHeartbeat(models.Model):
    """When a background job last ran, so the app can tell when reminders stopped."""

    name = models.CharField(max_length=50, unique=True)
    last_run_at = models.DateTimeField()
    last_ok_at = models.DateTimeField(null=True, blank=True)
    last_summary = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_run_at}"

    @classmethod
    def beat(cls, name: str, summary: str, ok: bool) -> None:
        now = timezone.now()
        values = {"last_run_at": now, "last_summary": summary[:300]}
        if ok:
            values["last_ok_at"] = now
        cls.objects.update_or_create(name=name, defaults=values)

    def is_stale(self, now=None) -> bool:
        return (now or timezone.now()) - self.last_run_at > timedelta(days=1)
