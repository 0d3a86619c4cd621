"""Review reminders: who gets which email when, claimed in the database before sending.

Delivery guarantee: each (pilot, kind, recipient, review date) is claimed by inserting a
unique row (or by a compare-and-set on a failed or stale claim) *before* the email is sent,
so two runners never send the same reminder. A send that fails marks the row failed and is
retried on the next run. If the process dies after the mail server accepted the message but
before the row is marked sent, the claim goes stale and is retried after CLAIM_TIMEOUT: in
that one case the reminder may arrive twice (at-least-once); otherwise exactly once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import mailers
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, ReminderPreference
from pilots.models import (
    OVERDUE_AFTER_DAYS,
    JobHeartbeat,
    Pilot,
    Reminder,
    ReminderKind,
    ReminderState,
)
from semaforo.lib.email import build_email
from semaforo.lib.links import site_url

log = logging.getLogger(__name__)

JOB_NAME = "send_review_reminders"
CLAIM_TIMEOUT = timedelta(minutes=15)
# Nobody is nudged about a review forgotten more than this long ago.
OVERDUE_WINDOW_DAYS = 14
MAX_DAYS_AHEAD = 2


@dataclass
class Planned:
    pilot: Pilot
    kind: str
    membership: Membership
    preference: ReminderPreference | None

    @property
    def user(self):
        return self.membership.user


@dataclass
class Outcome:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"reminders: {self.sent} sent, {self.failed} failed, {self.skipped} already taken"


def _utc_today() -> date:
    return timezone.now().date()


def candidate_pilots(today_utc: date | None = None):
    """Active pilots whose review is near enough to need a reminder somewhere on Earth.

    Uses the partial index pilot_due_reminder_idx; costs with what is due, not with history.
    """
    today_utc = today_utc or _utc_today()
    # Any workspace's "today" is within a day of UTC's.
    latest = today_utc + timedelta(days=MAX_DAYS_AHEAD + 1)
    earliest = today_utc - timedelta(days=OVERDUE_AFTER_DAYS + OVERDUE_WINDOW_DAYS + 1)
    return (
        Pilot.objects.active()
        .filter(review_date__range=(earliest, latest), candidate__archived_at__isnull=True)
        .select_related("candidate", "workspace")
        .with_totals()
    )


def kind_due(pilot: Pilot, today: date, days_ahead: int) -> str | None:
    """Which reminder this recipient should have by now (workspace-local `today`)."""
    overdue_on = pilot.review_date + timedelta(days=OVERDUE_AFTER_DAYS)
    if overdue_on <= today <= overdue_on + timedelta(days=OVERDUE_WINDOW_DAYS):
        return ReminderKind.OVERDUE
    if pilot.review_date - timedelta(days=days_ahead) <= today < overdue_on:
        return ReminderKind.DUE
    return None


def plan(today: date | None = None) -> list[Planned]:
    """Every reminder that should have gone out by now and has not been sent."""
    pilots = list(candidate_pilots(today))
    if not pilots:
        return []
    workspace_ids = {p.workspace_id for p in pilots}
    memberships = Membership.objects.filter(workspace_id__in=workspace_ids).select_related("user")
    members: dict[int, list[Membership]] = {}
    for m in memberships:
        if m.user.is_active:
            members.setdefault(m.workspace_id, []).append(m)
    user_ids = {m.user_id for ms in members.values() for m in ms}
    preferences = {p.user_id: p for p in ReminderPreference.objects.filter(user_id__in=user_ids)}
    done = set(
        Reminder.objects.filter(pilot__in=pilots, state=ReminderState.SENT).values_list(
            "pilot_id", "kind", "recipient_id", "review_date"
        )
    )
    planned = []
    for pilot in pilots:
        local_today = today or pilot.workspace.today()
        for membership in members.get(pilot.workspace_id, []):
            preference = preferences.get(membership.user_id)
            if preference is not None and not preference.enabled:
                continue
            days_ahead = preference.days_ahead if preference else 0
            kind = kind_due(pilot, local_today, days_ahead)
            if kind is None:
                continue
            if (pilot.pk, kind, membership.user_id, pilot.review_date) in done:
                continue
            planned.append(Planned(pilot, kind, membership, preference))
    return planned


def claim(item: Planned) -> Reminder | None:
    """Take this reminder for this runner, or None if another runner has it (or sent it)."""
    now = timezone.now()
    key = {
        "pilot": item.pilot,
        "kind": item.kind,
        "recipient": item.user,
        "review_date": item.pilot.review_date,
    }
    return take_claim(Reminder.objects, key, now)


def take_claim(reminders, key: dict, now):
    """The reminder row with this `key`, claimed for this runner: a new row (its unique key
    refuses a second), or one to retry (a failed send, or a claim left by a runner that died
    mid-send) taken with a compare-and-set. None when another runner has it, or sent it.
    `reminders`: the manager of any model with the reminders' state and claim columns."""
    try:
        with transaction.atomic():
            return reminders.create(**key, state=ReminderState.CLAIMED, claimed_at=now)
    except IntegrityError:
        pass
    retryable = Q(state=ReminderState.FAILED) | Q(
        state=ReminderState.CLAIMED, claimed_at__lt=now - CLAIM_TIMEOUT
    )
    existing = reminders.filter(**key).filter(retryable).first()
    if existing is None:
        return None
    taken = reminders.filter(
        pk=existing.pk, state=existing.state, claimed_at=existing.claimed_at
    ).update(state=ReminderState.CLAIMED, claimed_at=now, attempts=F("attempts") + 1)
    if taken != 1:
        return None  # another runner won the compare-and-set
    existing.refresh_from_db()
    return existing


def build_reminder_email(item: Planned):
    """The reminder, in the recipient's language, amounts in the workspace's currency. Sent
    by the worker, with no request: its links start with SITE_URL (`make run` gives the
    worker http://HOST:PORT), else LOCAL_SITE_URL (semaforo/lib/links.py)."""
    pilot = item.pilot
    language = item.user.language or settings.LANGUAGE_CODE
    base = site_url()
    context = {
        "pilot": pilot,
        "candidate": pilot.candidate,
        "kind": item.kind,
        "currency": pilot.workspace.currency,
        "review_url": base + reverse("pilots:review", args=[pilot.code]),
        "preferences_url": base + reverse("accounts:preferences"),
        "cost": pilot.coordination_cost(),
        "margin": pilot.margin_earned(),
    }
    return build_email("review-reminder", [item.user.email], context, language=language)


def handle_one_reminder(item: Planned, outcome: Outcome, *, mailer=None) -> bool:
    """Claim, send and record one reminder. True if an email went out.

    run_once() passes the round's open mail connection, so that a round does not connect
    to the mail server per email.
    """
    reminder = claim(item)
    if reminder is None:
        outcome.skipped += 1
        return False
    email = partial(build_reminder_email, item)
    return deliver(reminder, email, item.user.email, outcome, mailer=mailer)


def deliver(reminder, email, address: str, outcome: Outcome, *, mailer=None) -> bool:
    """Build (`email()`) and send a claimed reminder's email, and record how it went on its
    row (any model with the reminders' state, sent_at and last_error): sent, or failed
    with the error, to be retried by a later round. True if it went out."""
    rows = type(reminder).objects.filter(pk=reminder.pk)
    try:
        message = email()
        if mailer is None:
            message.send()
        else:
            mailer.send_messages([message])
    except Exception as error:  # any backend failure: record it, retry next run
        if mailer is not None:
            mailer.close()  # it may be broken: the next send opens a fresh one
        rows.update(state=ReminderState.FAILED, last_error=str(error)[:500])
        outcome.failed += 1
        outcome.errors.append(f"{address}: {error}")
        log.warning("%s %s to %s failed: %s", type(reminder).__name__, reminder.pk, address, error)
        return False
    rows.update(state=ReminderState.SENT, sent_at=timezone.now(), last_error="")
    outcome.sent += 1
    return True


def run_once(
    today: date | None = None, dry_run: bool = False, beat: bool = True
) -> tuple[Outcome, list[Planned]]:
    """One round of the pilots' reminders. `beat`: record the job's heartbeat with this
    round's summary (send_review_reminders records one for pilots and alliances together)."""
    outcome = Outcome()
    planned = plan(today)
    if dry_run:
        return outcome, planned
    mailer = mailers.default
    try:
        mailer.open()  # one connection for the whole round
    except Exception as error:  # each send retries it, and fails and is recorded as usual
        log.warning("could not connect to the mail server: %s", error)
    try:
        for item in planned:
            handle_one_reminder(item, outcome, mailer=mailer)
    finally:
        mailer.close()
    if beat:
        JobHeartbeat.beat(JOB_NAME, outcome.summary(), ok=outcome.failed == 0)
    return outcome, planned
