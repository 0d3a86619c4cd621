"""Alliance reminders: a running alliance's review (on its date, then one "overdue" nudge three
days later) and a sales channel's check-in (on its date), emailed to each opted-in member of
its workspace, in their language, on the date in the workspace's calendar. The same job sends
the pilots' reminders (alliances/management/commands/send_review_reminders.py).

Delivery guarantee, as for the pilots' (pilots/reminders.py): each (alliance, kind, recipient,
date) is claimed by inserting a unique row (or by a compare-and-set on a failed or stale claim)
*before* the email is sent, so two runners never send the same reminder. A send that fails
marks the row failed and is retried on the next run. If the process dies after the mail server
accepted the message but before the row is marked sent, the claim goes stale and is retried
after CLAIM_TIMEOUT: in that one case the reminder may arrive twice (at-least-once); otherwise
exactly once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import mailers
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, ReminderPreference
from alliances.models import (
    Alliance,
    Period,
    Reminder,
    ReminderKind,
    ReminderState,
    State,
)
from pilots.models import OVERDUE_AFTER_DAYS
from pilots.reminders import OVERDUE_WINDOW_DAYS, Outcome, deliver, take_claim
from semaforo.lib.email import build_email
from semaforo.lib.links import site_url

log = logging.getLogger(__name__)

# A check-in nobody was reminded of within a week is not: the next one comes by then.
CHECK_IN_WINDOW_DAYS = 6


@dataclass
class Planned:
    alliance: Alliance
    kind: str
    membership: Membership
    due_date: date  # the review (or check-in) date it is about
    today: date  # the workspace's day it was planned on

    @property
    def user(self):
        return self.membership.user


def _utc_today() -> date:
    return timezone.now().date()


def candidate_alliances(today_utc: date | None = None):
    """Running alliances whose review or check-in is near enough to need a reminder
    somewhere on Earth (any workspace's "today" is within a day of UTC's).

    Uses the partial indexes alliance_review_due_idx and alliance_check_in_due_idx: costs
    with what is due, not with history."""
    today_utc = today_utc or _utc_today()
    latest = today_utc + timedelta(days=1)
    reviews_from = today_utc - timedelta(days=OVERDUE_AFTER_DAYS + OVERDUE_WINDOW_DAYS + 1)
    check_ins_from = today_utc - timedelta(days=CHECK_IN_WINDOW_DAYS + 1)
    near = Q(next_review_date__range=(reviews_from, latest)) | Q(
        next_check_in_date__range=(check_ins_from, latest)
    )
    return (
        Alliance.objects.filter(near, state=State.ACTIVE, candidate__archived_at__isnull=True)
        .select_related("candidate", "workspace")
        .order_by("id")
    )


def kinds_due(alliance: Alliance, today: date) -> list[tuple[str, date]]:
    """(kind, date) of each reminder its members should have by now (workspace's `today`):
    the review on its date, or once overdue the nudge instead; the check-in on its date."""
    due = []
    review = alliance.next_review_date
    if review is not None:
        overdue_on = review + timedelta(days=OVERDUE_AFTER_DAYS)
        if overdue_on <= today <= overdue_on + timedelta(days=OVERDUE_WINDOW_DAYS):
            due.append((ReminderKind.REVIEW_OVERDUE, review))
        elif review <= today < overdue_on:
            due.append((ReminderKind.REVIEW_DUE, review))
    check_in = alliance.next_check_in_date
    window = timedelta(days=CHECK_IN_WINDOW_DAYS)
    if check_in is not None and check_in <= today <= check_in + window:
        due.append((ReminderKind.CHECK_IN, check_in))
    return due


def _members(alliances: list[Alliance]) -> dict[int, list[Membership]]:
    """Each workspace's active members who want reminders (on unless turned off)."""
    workspace_ids = {alliance.workspace_id for alliance in alliances}
    memberships = Membership.objects.filter(workspace_id__in=workspace_ids, user__is_active=True)
    off = set(
        ReminderPreference.objects.filter(
            user__memberships__workspace_id__in=workspace_ids, enabled=False
        ).values_list("user_id", flat=True)
    )
    members: dict[int, list[Membership]] = {}
    for membership in memberships.select_related("user").order_by("id"):
        if membership.user_id not in off:
            members.setdefault(membership.workspace_id, []).append(membership)
    return members


def plan(today: date | None = None) -> list[Planned]:
    """Every alliance reminder that should have gone out by now and has not been sent."""
    alliances = list(candidate_alliances(today))
    if not alliances:
        return []
    members = _members(alliances)
    done = set(
        Reminder.objects.filter(alliance__in=alliances, state=ReminderState.SENT).values_list(
            "alliance_id", "kind", "recipient_id", "due_date"
        )
    )
    planned = []
    for alliance in alliances:
        local_today = today or alliance.workspace.today()
        for kind, due_date in kinds_due(alliance, local_today):
            for membership in members.get(alliance.workspace_id, []):
                if (alliance.pk, kind, membership.user_id, due_date) not in done:
                    planned.append(Planned(alliance, kind, membership, due_date, local_today))
    return planned


def claim(item: Planned) -> Reminder | None:
    """Take this reminder for this runner, or None if another runner has it (or sent it)."""
    now = timezone.now()
    key = {
        "alliance": item.alliance,
        "kind": item.kind,
        "recipient": item.user,
        "due_date": item.due_date,
    }
    return take_claim(Reminder.objects, key, now)


def build_reminder_email(item: Planned):
    """The reminder, in the recipient's language, amounts in the workspace's currency, its
    links starting with SITE_URL (the worker has no request: semaforo/lib/links.py)."""
    alliance = item.alliance
    base = site_url()
    context = {
        "alliance": alliance,
        "candidate": alliance.candidate,
        "kind": item.kind,
        "due_date": item.due_date,
        "currency": alliance.workspace.currency,
        "alliance_url": base + reverse("alliances:detail", args=[alliance.code]),
        "preferences_url": base + reverse("accounts:preferences"),
    }
    if item.kind == ReminderKind.CHECK_IN:
        context["check_in_url"] = base + reverse("alliances:check_in", args=[alliance.code])
        name = "alliance_check_in"
    else:
        # The months since the last review, as its page will show them (a few queries).
        context["period"] = Period.of(alliance, item.today)
        context["review_url"] = base + reverse("alliances:review", args=[alliance.code])
        name = "alliance_review"
    language = item.user.language or settings.LANGUAGE_CODE
    return build_email(name, [item.user.email], context, language=language)


def handle_one_reminder(item: Planned, outcome: Outcome, *, mailer=None) -> bool:
    """Claim, send and record one reminder. True if an email went out."""
    reminder = claim(item)
    if reminder is None:
        outcome.skipped += 1
        return False
    email = partial(build_reminder_email, item)
    return deliver(reminder, email, item.user.email, outcome, mailer=mailer)


def run_once(
    today: date | None = None, dry_run: bool = False, outcome: Outcome | None = None
) -> tuple[Outcome, list[Planned]]:
    """One round; counts into `outcome` when given (the pilots' round's, for one summary)."""
    outcome = Outcome() if outcome is None else outcome
    planned = plan(today)
    if dry_run or not planned:
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
    return outcome, planned
