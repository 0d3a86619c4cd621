"""Email each opted-in member when a review is due, and nudge once when overdue: a pilot's
14-day review (pilots/reminders.py), an alliance's monthly or quarterly review and a sales
channel's check-in (alliances/reminders.py). It lives in the alliances app because it sends
both: pilots know nothing of alliances.

One-shot by default (cron); --loop runs it as a worker until SIGTERM/SIGINT.
Safe to run from several machines at once: see the two reminders modules.
"""

from __future__ import annotations

import signal
import threading
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from alliances import reminders as alliance_reminders
from pilots import reminders as pilot_reminders
from pilots.models import JobHeartbeat


class Command(BaseCommand):
    help = "Send review reminders that are due (idempotent; safe with several runners)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep running as a worker.")
        parser.add_argument(
            "--interval", type=int, default=300, help="Seconds between rounds with --loop."
        )
        parser.add_argument("--dry-run", action="store_true", help="List what would go out.")
        parser.add_argument(
            "--today", type=date.fromisoformat, help="Pretend today is YYYY-MM-DD (testing)."
        )

    def handle(self, *args, loop=False, interval=300, dry_run=False, today=None, **options):
        if not loop:
            if not self.handle_one_round(today, dry_run):
                raise CommandError("some reminders failed; they will be retried on the next run")
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write(f"reminder worker: every {interval}s (Ctrl-C or SIGTERM to stop)")
        while not stop.is_set():
            # Between rounds only: inside a caller's transaction it would drop the connection.
            close_old_connections()
            try:
                self.handle_one_round(today, dry_run)
            except Exception as error:  # keep the worker alive; the heartbeat shows trouble
                self.stderr.write(f"reminder round failed: {error}")
            stop.wait(interval)
        self.stdout.write("reminder worker stopped")

    def handle_one_round(self, today: date | None, dry_run: bool) -> bool:
        """The pilots' reminders, then the alliances': one summary and one heartbeat."""
        outcome, pilots = pilot_reminders.run_once(today=today, dry_run=dry_run, beat=False)
        outcome, alliances = alliance_reminders.run_once(today, dry_run, outcome=outcome)
        if dry_run:
            self.list_planned(pilots, alliances)
            return True
        JobHeartbeat.beat(pilot_reminders.JOB_NAME, outcome.summary(), ok=outcome.failed == 0)
        for error in outcome.errors:
            self.stderr.write(f"failed: {error}")
        self.stdout.write(outcome.summary())
        return outcome.failed == 0

    def list_planned(self, pilots: list, alliances: list) -> None:
        for item in pilots:
            self.stdout.write(
                f"would send {item.kind} for “{item.pilot.candidate.name}” "
                f"(review {item.pilot.review_date}) to {item.user.email}"
            )
        for item in alliances:
            self.stdout.write(
                f"would send {item.kind} for “{item.alliance.candidate.name}” "
                f"({item.due_date}) to {item.user.email}"
            )
        self.stdout.write(f"dry run: {len(pilots) + len(alliances)} reminder(s) would go out")
