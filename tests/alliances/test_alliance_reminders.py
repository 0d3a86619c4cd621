"""`manage.py send_review_reminders` for alliances: a monthly or quarterly review on its date
(then one "overdue" nudge), a sales channel's weekly or fortnightly check-in on its date, each
on the right day in the workspace's time zone, exactly once, in each member's language. The
same run sends the pilots' reminders (tests/pilots/test_send_review_reminders.py)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from alliances import reminders
from alliances.models import (
    Alliance,
    CheckIn,
    Decision,
    FollowUp,
    Reminder,
    ReminderKind,
    ReminderState,
    Review,
)
from candidates.models import Kind
from pilots.models import JobHeartbeat
from pilots.reminders import CLAIM_TIMEOUT, JOB_NAME
from tests.alliances.reviewing import review_data, running_since
from tests.alliances.running import log, log_time
from tests.conftest import make_candidate, make_user
from tests.pilots.conftest import TODAY, make_pilot, set_hourly_value
from tests.pilots.test_send_review_reminders import FLAKY, LOCMEM, html_of, set_preference

pytestmark = pytest.mark.django_db

SITE = "https://semaforo.example.com"
A_MONTH_AGO = date(2026, 11, 9)


def send(today: date | None = TODAY, *args: str) -> str:
    """Run the command as cron would; returns what it printed."""
    out = io.StringIO()
    options = [f"--today={today.isoformat()}"] if today else []
    call_command("send_review_reminders", *options, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def sent(mailoutbox) -> list[tuple[str, str]]:
    """(recipient, subject) of each email, sorted."""
    return sorted((message.to[0], message.subject) for message in mailoutbox)


def recipients(mailoutbox) -> list[str]:
    return sorted(message.to[0] for message in mailoutbox)


@pytest.fixture
def due(alliance, owner, member) -> Alliance:
    """A strategic alliance active since a month ago: its monthly review is TODAY. The owner
    and a member both want reminders."""
    return running_since(alliance, owner, A_MONTH_AGO, kind=Kind.ALLIANCE)


def channel_for(workspace, owner, follow_up: str, check_in: date, name: str = "Kiosco Sur"):
    """A running sales channel whose next check-in is on `check_in` (its review far off)."""
    candidate = make_candidate(workspace, name, ticks=6)
    alliance = Alliance.objects.design_for(candidate, owner)
    alliance = running_since(alliance, owner, TODAY - timedelta(days=5), kind=Kind.CHANNEL)
    Alliance.objects.filter(pk=alliance.pk).update(follow_up=follow_up, next_check_in_date=check_in)
    return Alliance.objects.get(pk=alliance.pk)


# --- reviews: who, and when ----------------------------------------------------------------


def test_on_the_review_day_each_opted_in_member_gets_one_email(due, mailoutbox):
    output = send(TODAY)

    assert sent(mailoutbox) == [
        ("member@example.com", "Review due 12/09/2026: the alliance with Café Aurora"),
        ("owner@example.com", "Review due 12/09/2026: the alliance with Café Aurora"),
    ]
    assert "reminders: 2 sent, 0 failed" in output
    assert Reminder.objects.filter(kind=ReminderKind.REVIEW_DUE, due_date=TODAY).count() == 2


def test_running_again_sends_nothing_more(due, mailoutbox):
    send(TODAY)
    mailoutbox.clear()

    output = send(TODAY)
    send(TODAY + timedelta(days=1))

    assert mailoutbox == []
    assert "reminders: 0 sent, 0 failed" in output


def test_nothing_is_sent_before_the_review_day(due, mailoutbox):
    send(TODAY - timedelta(days=1))
    assert mailoutbox == []


def test_three_days_later_an_unreviewed_alliance_gets_one_overdue_nudge(due, mailoutbox):
    send(TODAY)
    mailoutbox.clear()

    send(TODAY + timedelta(days=2))
    assert mailoutbox == []
    send(TODAY + timedelta(days=3))
    send(TODAY + timedelta(days=3))
    send(TODAY + timedelta(days=4))

    assert sent(mailoutbox) == [
        ("member@example.com", "Overdue: review the alliance with Café Aurora"),
        ("owner@example.com", "Overdue: review the alliance with Café Aurora"),
    ]
    assert "still open" in mailoutbox[0].body


def test_a_reviewed_alliance_is_reminded_next_for_its_next_review(due, owner, mailoutbox):
    Review.objects.record(due, owner, review_data(decision=Decision.KEEP), TODAY)

    send(TODAY)
    send(TODAY + timedelta(days=3))
    assert mailoutbox == []

    send(date(2027, 1, 9))
    assert recipients(mailoutbox) == ["member@example.com", "owner@example.com"]
    assert all("01/09/2027" in message.subject for message in mailoutbox)


def test_an_ended_alliance_gets_no_reminders(due, owner, mailoutbox):
    Review.objects.record(due, owner, review_data(decision=Decision.END_DISCARD), TODAY)

    send(TODAY)
    send(TODAY + timedelta(days=3))

    assert mailoutbox == []


def test_a_quarterly_review_is_reminded_three_months_after(alliance, owner, mailoutbox):
    since = date(2026, 9, 9)
    running_since(alliance, owner, since, review_cadence="quarterly")

    send(date(2026, 10, 9))  # a month on: a monthly one would be due, not this one
    send(date(2026, 11, 9))
    assert mailoutbox == []

    send(TODAY)
    assert recipients(mailoutbox) == ["owner@example.com"]
    assert "Review due 12/09/2026" in mailoutbox[0].subject


def test_a_member_who_turned_reminders_off_gets_none(due, member, mailoutbox):
    set_preference(member, enabled=False)

    send(TODAY)
    send(TODAY + timedelta(days=3))

    assert set(recipients(mailoutbox)) == {"owner@example.com"}


def test_a_deactivated_account_gets_none(due, member, mailoutbox):
    member.is_active = False
    member.save(update_fields=["is_active"])

    send(TODAY)

    assert recipients(mailoutbox) == ["owner@example.com"]


def test_a_member_of_another_workspace_never_gets_them(due, outsider, mailoutbox):
    theirs = make_candidate(outsider.workspaces().get(), "Café Norte", ticks=6)
    running_since(Alliance.objects.design_for(theirs, outsider), outsider, A_MONTH_AGO)

    send(TODAY)

    by_recipient = {message.to[0]: message.subject for message in mailoutbox}
    assert "Café Norte" in by_recipient["outsider@example.com"]
    assert "Café Aurora" in by_recipient["owner@example.com"]
    assert "Café Aurora" in by_recipient["member@example.com"]


def test_each_workspace_is_reminded_when_its_own_review_date_arrives(owner, mailoutbox):
    """Both reviews are on 9 December. At 02:00 UTC it is the 9th in UTC but still 23:00
    on the 8th in Buenos Aires; at 03:30 UTC it is 00:30 on the 9th there."""
    utc = owner.workspaces().get()
    porteño = make_user("porteno@example.com")
    buenos_aires = porteño.create_workspace("Librería Sur", "America/Argentina/Buenos_Aires")
    for workspace, user, name in ((utc, owner, "Sushi Kai"), (buenos_aires, porteño, "Mate Club")):
        candidate = make_candidate(workspace, name, ticks=6)
        running_since(Alliance.objects.design_for(candidate, user), user, A_MONTH_AGO)

    with time_machine.travel(datetime(2026, 12, 8, 23, 59, tzinfo=UTC), tick=False):
        send(None)  # the 8th everywhere that matters here: nobody yet
    assert mailoutbox == []

    with time_machine.travel(datetime(2026, 12, 9, 2, 0, tzinfo=UTC), tick=False):
        send(None)
    assert sent(mailoutbox) == [
        ("owner@example.com", "Review due 12/09/2026: the alliance with Sushi Kai")
    ]

    mailoutbox.clear()
    with time_machine.travel(datetime(2026, 12, 9, 2, 59, tzinfo=UTC), tick=False):
        send(None)  # 23:59 on the 8th in Buenos Aires
    assert mailoutbox == []
    with time_machine.travel(datetime(2026, 12, 9, 3, 30, tzinfo=UTC), tick=False):
        send(None)
        send(None)
    assert sent(mailoutbox) == [
        ("porteno@example.com", "Review due 12/09/2026: the alliance with Mate Club")
    ]


# --- a sales channel's check-ins -----------------------------------------------------------


@pytest.mark.parametrize(("follow_up", "days"), [(FollowUp.WEEKLY, 7), (FollowUp.FORTNIGHTLY, 14)])
def test_a_channel_is_reminded_of_each_check_in_on_its_day(
    workspace, owner, mailoutbox, follow_up, days
):
    channel = channel_for(workspace, owner, follow_up, TODAY)

    send(TODAY - timedelta(days=1))
    assert mailoutbox == []
    send(TODAY)
    send(TODAY)
    assert sent(mailoutbox) == [
        ("owner@example.com", "Check-in due 12/09/2026: the sales channel with Kiosco Sur")
    ]

    CheckIn.objects.record(channel, owner, TODAY, TODAY)
    mailoutbox.clear()
    next_date = TODAY + timedelta(days=days)
    send(next_date - timedelta(days=1))
    assert mailoutbox == []
    send(next_date)
    send(next_date)
    assert len(mailoutbox) == 1
    assert next_date.strftime("%m/%d/%Y") in mailoutbox[0].subject


def test_a_forgotten_check_in_is_reminded_once_not_every_day(workspace, owner, mailoutbox):
    channel_for(workspace, owner, FollowUp.WEEKLY, TODAY)

    for day in range(10):
        send(TODAY + timedelta(days=day))

    assert len(mailoutbox) == 1


def test_a_check_in_follows_the_workspaces_time_zone(owner, mailoutbox):
    porteño = make_user("porteno@example.com")
    buenos_aires = porteño.create_workspace("Librería Sur", "America/Argentina/Buenos_Aires")
    channel_for(buenos_aires, porteño, FollowUp.WEEKLY, TODAY, name="Mate Club")

    with time_machine.travel(datetime(2026, 12, 9, 2, 0, tzinfo=UTC), tick=False):
        send(None)  # 23:00 on the 8th there
    assert mailoutbox == []
    with time_machine.travel(datetime(2026, 12, 9, 3, 1, tzinfo=UTC), tick=False):
        send(None)
    assert recipients(mailoutbox) == ["porteno@example.com"]


# --- what the email says -------------------------------------------------------------------


def test_the_review_email_shows_cost_against_margin_and_links_to_the_review(
    due, workspace, settings, mailoutbox
):
    settings.SITE_URL = SITE
    set_hourly_value(workspace, "20")
    Alliance.objects.filter(pk=due.pk).update(margin_per_sale=Decimal("25"))
    log(due, on=date(2026, 11, 20), sales=1)
    log_time(due, 90, on=date(2026, 11, 21))

    send(TODAY)

    message = next(m for m in mailoutbox if m.to == ["owner@example.com"])
    review_url = f"{SITE}/alliances/{due.code}/review/"
    assert review_url in message.body
    assert "Cost of coordination: $30" in message.body
    assert "Margin earned: $25" in message.body
    assert "expensive hobby" in message.body
    assert f"{SITE}/accounts/preferences/" in message.body
    html = html_of(message)
    assert f'<a href="{review_url}" data-button' in html
    assert '<html lang="en">' in html


def test_the_check_in_email_links_to_the_check_in(workspace, owner, settings, mailoutbox):
    settings.SITE_URL = SITE
    channel = channel_for(workspace, owner, FollowUp.FORTNIGHTLY, TODAY)

    send(TODAY)

    (message,) = mailoutbox
    check_in_url = f"{SITE}/alliances/{channel.code}/check-in/"
    assert check_in_url in message.body
    assert "Every two weeks" in message.body
    assert f'<a href="{check_in_url}" data-button' in html_of(message)


def test_the_email_is_in_each_recipients_language(due, owner, member, workspace, mailoutbox):
    owner.language = "es-ar"
    owner.save(update_fields=["language"])
    member.language = "en"
    member.save(update_fields=["language"])
    set_hourly_value(workspace, "1000")
    log_time(due, 90, on=TODAY)  # 1.500 in Argentine notation, 1,500 in English

    send(TODAY)

    spanish = next(m for m in mailoutbox if m.to == ["owner@example.com"])
    english = next(m for m in mailoutbox if m.to == ["member@example.com"])
    assert "09/12/2026" in spanish.subject  # day first, as Spanish readers expect
    assert "Alianza estratégica" in spanish.body
    assert "Costo de coordinación: US$1.500" in spanish.body  # the workspace bills in USD
    assert '<html lang="es-ar">' in html_of(spanish)
    assert english.subject == "Review due 12/09/2026: the alliance with Café Aurora"
    assert "Strategic alliance" in english.body
    assert "Cost of coordination: $1,500" in english.body


# --- one job for pilots and alliances ------------------------------------------------------


def test_one_run_sends_pilots_and_alliances_reminders_with_one_summary(
    due, workspace, owner, mailoutbox
):
    make_pilot(
        make_candidate(workspace, "Spa Serena", ticks=4),
        owner,
        start_date=TODAY - timedelta(days=14),
    )

    output = send(TODAY)

    assert len(mailoutbox) == 4  # the pilot's and the alliance's, to the owner and the member
    assert output.strip().splitlines()[-1] == "reminders: 4 sent, 0 failed, 0 already taken"
    beat = JobHeartbeat.objects.get(name=JOB_NAME)
    assert beat.last_summary == "reminders: 4 sent, 0 failed, 0 already taken"
    assert beat.last_ok_at == beat.last_run_at


def test_dry_run_lists_the_alliances_reminders_and_sends_nothing(due, mailoutbox):
    output = send(TODAY, "--dry-run")

    assert "would send review_due for “Café Aurora” (2026-12-09) to owner@example.com" in output
    assert "dry run: 2 reminder(s) would go out" in output
    assert mailoutbox == []
    assert not Reminder.objects.exists()


def test_a_failed_send_is_retried_next_run(due, member, settings, mailoutbox):
    settings.MAILERS = FLAKY  # refuses member@example.com

    with pytest.raises(CommandError):
        send(TODAY)

    assert recipients(mailoutbox) == ["owner@example.com"]
    failed = Reminder.objects.get(recipient=member)
    assert failed.state == ReminderState.FAILED
    assert not JobHeartbeat.objects.get(name=JOB_NAME).last_ok_at

    settings.MAILERS = LOCMEM
    mailoutbox.clear()
    send(TODAY)

    assert recipients(mailoutbox) == ["member@example.com"]
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == (ReminderState.SENT, 2)


def test_a_claim_left_by_a_crashed_runner_is_retried_after_the_timeout(due, member, mailoutbox):
    def claim(claimed_at):
        return Reminder.objects.create(
            alliance=due,
            kind=ReminderKind.REVIEW_DUE,
            recipient=member,
            due_date=TODAY,
            claimed_at=claimed_at,
        )

    fresh = claim(timezone.now() - timedelta(minutes=1))
    assert "1 already taken" in send(TODAY)
    assert recipients(mailoutbox) == ["owner@example.com"]

    fresh.claimed_at = timezone.now() - CLAIM_TIMEOUT - timedelta(minutes=1)
    fresh.save(update_fields=["claimed_at"])
    mailoutbox.clear()
    send(TODAY)

    assert recipients(mailoutbox) == ["member@example.com"]


def test_planning_reads_only_alliances_whose_dates_are_near(due, workspace, owner):
    """The job's query: a running alliance with its review months away is not even read."""
    far = make_candidate(workspace, "Lejos", ticks=6)
    running_since(Alliance.objects.design_for(far, owner), owner, TODAY)

    near = list(reminders.candidate_alliances(TODAY))

    assert [alliance.pk for alliance in near] == [due.pk]
