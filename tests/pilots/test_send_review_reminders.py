"""`manage.py send_review_reminders`: who gets which email when, exactly once.

Most tests pass --today (as cron would on that day); the time-zone test freezes the clock
instead and lets each workspace work out its own date.
"""

from __future__ import annotations

import io
import os
import signal
import smtplib
import threading
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, ReminderPreference, Role, User
from pilots.models import Decision, Reminder, ReminderKind, ReminderState
from pilots.reminders import CLAIM_TIMEOUT
from tests.conftest import client_for, make_candidate, make_user
from tests.pilots.conftest import TODAY, log_result, log_time, make_pilot, set_hourly_value

pytestmark = pytest.mark.django_db

SITE = "https://semaforo.example.com"
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
FLAKY = {"default": {"BACKEND": "tests.pilots.test_send_review_reminders.FlakyBackend"}}


class FlakyBackend(LocmemBackend):
    """The mail server refuses messages to one address; everything else is delivered."""

    refuse = "member@example.com"

    def send_messages(self, messages):
        for message in messages:
            if self.refuse in message.to:
                raise smtplib.SMTPRecipientsRefused({self.refuse: (550, b"mailbox unavailable")})
        return super().send_messages(messages)


def send(today: date | None = TODAY, *args: str) -> str:
    """Run the command as cron would; returns what it printed."""
    out = io.StringIO()
    options = [f"--today={today.isoformat()}"] if today else []
    call_command("send_review_reminders", *options, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def recipients(mailoutbox) -> list[str]:
    return sorted(address for message in mailoutbox for address in message.to)


def html_of(message) -> str:
    (html,) = [alt.content for alt in message.alternatives if alt.mimetype == "text/html"]
    return html


def set_preference(user: User, **fields) -> None:
    preference = ReminderPreference.for_user(user)
    for name, value in fields.items():
        setattr(preference, name, value)
    preference.save()


@pytest.fixture
def due_pilot(yellow, owner, member):
    """Started 14 days ago: its review is today. The owner and a member both want reminders."""
    pilot = make_pilot(
        yellow,
        owner,
        start_date=TODAY - timedelta(days=14),
        target=10,
        margin_per_sale=Decimal("25"),
    )
    log_result(pilot, referrals=3, sales=1, revenue=Decimal("120"))
    log_time(pilot, 90)
    set_hourly_value(pilot.workspace, "20")
    return pilot


# --- who, and when -----------------------------------------------------------------------


def test_on_the_review_day_each_opted_in_member_gets_one_email(due_pilot, mailoutbox):
    output = send(TODAY)

    assert recipients(mailoutbox) == ["member@example.com", "owner@example.com"]
    assert all("Spa Serena" in message.subject for message in mailoutbox)
    assert "2 sent, 0 failed" in output


def test_running_again_the_same_day_sends_nothing_more(due_pilot, mailoutbox):
    send(TODAY)
    mailoutbox.clear()

    output = send(TODAY)

    assert mailoutbox == []
    assert "0 sent, 0 failed" in output


def test_nothing_is_sent_before_the_review_day(due_pilot, mailoutbox):
    send(TODAY - timedelta(days=1))
    assert mailoutbox == []


def test_the_days_after_the_due_email_are_quiet_until_the_review_is_overdue(due_pilot, mailoutbox):
    send(TODAY)
    mailoutbox.clear()

    send(TODAY + timedelta(days=1))
    send(TODAY + timedelta(days=2))

    assert mailoutbox == []


def test_three_days_later_an_unreviewed_pilot_gets_one_overdue_nudge(due_pilot, mailoutbox):
    send(TODAY)
    mailoutbox.clear()

    send(TODAY + timedelta(days=3))
    send(TODAY + timedelta(days=3))
    send(TODAY + timedelta(days=4))

    assert recipients(mailoutbox) == ["member@example.com", "owner@example.com"]
    assert all(message.subject.startswith("Overdue") for message in mailoutbox)
    assert all("Spa Serena" in message.subject for message in mailoutbox)
    assert "still open" in mailoutbox[0].body


def test_a_job_that_only_runs_once_overdue_sends_the_nudge_not_both(due_pilot, mailoutbox):
    send(TODAY + timedelta(days=3))
    assert len(mailoutbox) == 2
    assert {m.subject.split(":")[0] for m in mailoutbox} == {"Overdue"}


def test_a_reviewed_pilot_gets_no_reminders(due_pilot, owner, mailoutbox):
    due_pilot.record_review(owner, {"decision": Decision.PROMOTE})

    send(TODAY)
    send(TODAY + timedelta(days=3))

    assert mailoutbox == []


def test_a_pilot_whose_candidate_was_archived_gets_no_reminders(due_pilot, mailoutbox):
    due_pilot.candidate.archived_at = timezone.now()
    due_pilot.candidate.save(update_fields=["archived_at"])

    send(TODAY)

    assert mailoutbox == []


def test_a_member_who_turned_reminders_off_gets_none(due_pilot, member, mailoutbox):
    set_preference(member, enabled=False)

    send(TODAY)
    send(TODAY + timedelta(days=3))

    assert set(recipients(mailoutbox)) == {"owner@example.com"}


def test_a_deactivated_account_gets_none(due_pilot, member, mailoutbox):
    member.is_active = False
    member.save(update_fields=["is_active"])

    send(TODAY)

    assert recipients(mailoutbox) == ["owner@example.com"]


def test_a_member_of_another_workspace_never_gets_them(due_pilot, outsider, mailoutbox):
    theirs = make_candidate(outsider.workspaces().get(), "Café Norte", ticks=4)
    make_pilot(theirs, outsider, start_date=TODAY - timedelta(days=14))

    send(TODAY)
    send(TODAY + timedelta(days=3))

    subjects: dict[str, list[str]] = {}
    for message in mailoutbox:
        subjects.setdefault(message.to[0], []).append(message.subject)
    assert len(subjects["outsider@example.com"]) == 2  # due, then overdue
    assert all("Café Norte" in subject for subject in subjects["outsider@example.com"])
    ours = subjects["owner@example.com"] + subjects["member@example.com"]
    assert all("Spa Serena" in subject for subject in ours)


@pytest.mark.parametrize("days_ahead", [1, 2])
def test_a_member_can_be_reminded_days_ahead(due_pilot, member, mailoutbox, days_ahead):
    set_preference(member, days_ahead=days_ahead)

    send(TODAY - timedelta(days=days_ahead + 1))
    assert mailoutbox == []

    send(TODAY - timedelta(days=days_ahead))
    assert recipients(mailoutbox) == ["member@example.com"]

    # On the day itself only the owner (0 days ahead) is still waiting for theirs.
    mailoutbox.clear()
    send(TODAY)
    assert recipients(mailoutbox) == ["owner@example.com"]


def test_each_workspace_is_reminded_when_its_own_review_date_arrives(owner, mailoutbox):
    """At 02:00 UTC on 9 December it is already the 9th in Tokyo but still the 8th in
    Buenos Aires; both pilots' reviews are on the 9th."""
    tokyo = owner.workspaces().get()
    tokyo.time_zone = "Asia/Tokyo"
    tokyo.save(update_fields=["time_zone"])
    porteño = make_user("porteno@example.com")
    buenos_aires = porteño.create_workspace("Librería Sur")
    buenos_aires.time_zone = "America/Argentina/Buenos_Aires"
    buenos_aires.save(update_fields=["time_zone"])
    make_pilot(
        make_candidate(tokyo, "Sushi Kai", ticks=4),
        owner,
        review_date=date(2026, 12, 9),
        start_date=date(2026, 11, 25),
    )
    make_pilot(
        make_candidate(buenos_aires, "Mate Club", ticks=4),
        porteño,
        review_date=date(2026, 12, 9),
        start_date=date(2026, 11, 25),
    )

    with time_machine.travel(datetime(2026, 12, 8, 14, 0, tzinfo=UTC), tick=False):
        send(None)  # 23:00 on the 8th in Tokyo, 11:00 in Buenos Aires: nobody yet
    assert mailoutbox == []

    with time_machine.travel(datetime(2026, 12, 9, 2, 0, tzinfo=UTC), tick=False):
        send(None)
    assert [(m.to, "Sushi Kai" in m.subject) for m in mailoutbox] == [(["owner@example.com"], True)]

    mailoutbox.clear()
    with time_machine.travel(datetime(2026, 12, 9, 3, 30, tzinfo=UTC), tick=False):
        send(None)  # 00:30 on the 9th in Buenos Aires
    assert [(m.to, "Mate Club" in m.subject) for m in mailoutbox] == [
        (["porteno@example.com"], True)
    ]


def test_an_extended_pilot_is_reminded_again_for_its_new_date(due_pilot, owner, mailoutbox):
    send(TODAY)
    new_date = TODAY + timedelta(days=7)
    due_pilot.record_review(owner, {"decision": Decision.EXTEND, "new_review_date": new_date})
    mailoutbox.clear()

    send(TODAY + timedelta(days=3))  # the old date would be overdue now: no nudge for it
    assert mailoutbox == []

    send(new_date)
    assert recipients(mailoutbox) == ["member@example.com", "owner@example.com"]
    assert all("12/16/2026" in message.subject for message in mailoutbox)


# --- what the email says ----------------------------------------------------------------


def test_the_email_names_the_candidate_and_links_to_the_review(
    due_pilot, owner, member, settings, mailoutbox
):
    settings.SITE_URL = SITE
    owner.language = "en"
    owner.save(update_fields=["language"])

    send(TODAY)

    (message,) = [m for m in mailoutbox if m.to == ["owner@example.com"]]
    assert message.subject == "Review due 12/09/2026: the pilot with Spa Serena"
    review_url = f"{SITE}/pilots/{due_pilot.code}/review/"
    assert review_url in message.body
    assert "3 referrals, 1 sale" in message.body
    assert "(target 10)" in message.body
    assert "Revenue: $120" in message.body
    # 90 minutes at 20 an hour, against one sale at 25 of margin.
    assert "Cost of coordination: $30" in message.body
    assert "Margin earned: $25" in message.body
    assert f"{SITE}/accounts/preferences/" in message.body
    html = html_of(message)
    assert f'href="{review_url}"' in html
    assert f'href="{SITE}/accounts/preferences/"' in html
    assert "3 referrals, 1 sale" in html


def test_the_email_is_in_each_recipients_language(due_pilot, owner, member, mailoutbox):
    owner.language = "es"
    owner.save(update_fields=["language"])
    member.language = "en"
    member.save(update_fields=["language"])

    send(TODAY)

    spanish = next(m for m in mailoutbox if m.to == ["owner@example.com"])
    english = next(m for m in mailoutbox if m.to == ["member@example.com"])
    assert "piloto con Spa Serena" in spanish.subject
    assert "09/12/2026" in spanish.subject  # day first, as Spanish readers expect
    assert "tu piloto con Spa Serena" in spanish.body
    assert "3 referidos, 1 venta" in spanish.body
    assert "Oferta:" in spanish.body
    assert "3 referidos, 1 venta" in html_of(spanish)
    assert english.subject == "Review due 12/09/2026: the pilot with Spa Serena"
    assert "3 referrals, 1 sale" in english.body
    assert "Offer:" in english.body


def test_without_a_chosen_language_the_email_follows_the_site_language(
    due_pilot, settings, mailoutbox
):
    settings.LANGUAGE_CODE = "es"

    send(TODAY)

    assert all("referidos" in message.body for message in mailoutbox)


# --- --dry-run ---------------------------------------------------------------------------


def test_dry_run_lists_what_would_go_out_and_sends_nothing(due_pilot, mailoutbox):
    output = send(TODAY, "--dry-run")

    assert "“Spa Serena”" in output
    assert "to owner@example.com" in output
    assert "to member@example.com" in output
    assert "2 reminder(s) would go out" in output
    assert mailoutbox == []
    assert not Reminder.objects.exists()

    send(TODAY)  # and the real run still sends them
    assert len(mailoutbox) == 2


# --- failures and crashes ----------------------------------------------------------------


def test_a_failed_send_is_retried_next_run_and_the_others_still_go_out(
    due_pilot, member, settings, mailoutbox
):
    settings.MAILERS = FLAKY
    out = io.StringIO()

    with pytest.raises(CommandError) as failure:
        call_command("send_review_reminders", f"--today={TODAY}", stdout=out, stderr=io.StringIO())

    assert recipients(mailoutbox) == ["owner@example.com"]
    assert "\n" not in str(failure.value)
    assert "retried" in str(failure.value)
    assert out.getvalue().strip().splitlines()[-1] == (
        "reminders: 1 sent, 1 failed, 0 already taken"
    )
    failed = Reminder.objects.get(recipient=member)
    assert failed.state == ReminderState.FAILED
    assert "mailbox unavailable" in failed.last_error

    settings.MAILERS = LOCMEM  # the mail server is back
    mailoutbox.clear()
    send(TODAY)

    assert recipients(mailoutbox) == ["member@example.com"]
    failed.refresh_from_db()
    assert failed.state == ReminderState.SENT
    assert failed.attempts == 2


def _claim_for(pilot, user: User, claimed_at) -> Reminder:
    return Reminder.objects.create(
        pilot=pilot,
        kind=ReminderKind.DUE,
        recipient=user,
        review_date=pilot.review_date,
        state=ReminderState.CLAIMED,
        claimed_at=claimed_at,
    )


def test_a_claim_left_by_a_crashed_runner_is_retried_after_the_timeout(
    due_pilot, member, mailoutbox
):
    stale = _claim_for(due_pilot, member, timezone.now() - CLAIM_TIMEOUT - timedelta(minutes=1))

    send(TODAY)

    assert recipients(mailoutbox) == ["member@example.com", "owner@example.com"]
    stale.refresh_from_db()
    assert stale.state == ReminderState.SENT


def test_a_fresh_claim_is_left_to_the_runner_that_holds_it(due_pilot, member, mailoutbox):
    fresh = _claim_for(due_pilot, member, timezone.now() - timedelta(minutes=1))

    output = send(TODAY)

    assert recipients(mailoutbox) == ["owner@example.com"]
    assert "1 already taken" in output
    fresh.refresh_from_db()
    assert fresh.state == ReminderState.CLAIMED


# --- the worker --------------------------------------------------------------------------


def test_the_worker_sends_and_stops_cleanly_on_sigterm(transactional_db, due_pilot, mailoutbox):
    # transactional_db: the worker closes stale connections between rounds, which would
    # end the test's own transaction.
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    out = io.StringIO()
    finished = threading.Event()

    def terminate_once_running():
        # Only once the worker has said hello: its SIGTERM handler is in place by then.
        while not finished.is_set():
            if "reminder worker:" in out.getvalue():
                os.kill(os.getpid(), signal.SIGTERM)
                return
            time.sleep(0.01)

    killer = threading.Thread(target=terminate_once_running)
    killer.start()
    try:
        call_command(
            "send_review_reminders",
            "--loop",
            "--interval=60",
            f"--today={TODAY}",
            stdout=out,
            stderr=io.StringIO(),
        )
    finally:
        finished.set()
        killer.join()
        for sig, handler in saved.items():
            signal.signal(sig, handler)

    assert len(mailoutbox) == 2
    assert out.getvalue().strip().endswith("reminder worker stopped")


def test_a_member_added_later_still_gets_the_reminder(due_pilot, workspace, mailoutbox):
    send(TODAY)
    newcomer = make_user("newcomer@example.com")
    Membership.objects.create(user=newcomer, workspace=workspace, role=Role.MEMBER)
    mailoutbox.clear()

    send(TODAY + timedelta(days=1))

    assert recipients(mailoutbox) == ["newcomer@example.com"]


def test_the_review_link_works_while_working_in_another_workspace(owner, settings, mailoutbox):
    """The owner is working in Tienda Luna; the reminder is about their second business."""
    settings.SITE_URL = SITE
    client = client_for(owner)
    client.get(reverse("dashboard:home"))  # Tienda Luna is the current workspace
    second = owner.create_workspace("Segunda Tienda")
    pilot = make_pilot(
        make_candidate(second, "Yoga Norte", ticks=4),
        owner,
        start_date=TODAY - timedelta(days=14),
    )
    send(TODAY)
    (message,) = mailoutbox
    path = reverse("pilots:review", args=[pilot.code])
    assert f"{SITE}{path}" in message.body

    response = client.get(path, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain in ([], [(path, 302)])
    page = response.content.decode()
    assert "Yoga Norte" in page
    assert "Segunda Tienda" in page


def test_a_candidate_name_with_symbols_reads_right_in_text_and_html(
    due_pilot, settings, mailoutbox
):
    due_pilot.candidate.name = "Pan & Café <Sur>"
    due_pilot.candidate.save(update_fields=["name"])

    send(TODAY)

    message = mailoutbox[0]
    assert "Pan & Café <Sur>" in message.subject
    assert "Pan & Café <Sur>" in message.body
    assert "Pan &amp; Café &lt;Sur&gt;" in html_of(message)
