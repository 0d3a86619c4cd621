"""Email each opted-in member when a pilot's 14-day review is due, and nudge once when overdue.

One-shot by default (cron); --loop runs it as a worker until SIGTERM/SIGINT.
Safe to run from several machines at once: see pilots/reminders.py.
"""

from __future__ import annotations

import signal
import threading
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from pilots import reminders


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
        outcome, planned = reminders.run_once(today=today, dry_run=dry_run)
        if dry_run:
            for item in planned:
                self.stdout.write(
                    f"would send {item.kind} for “{item.pilot.candidate.name}” "
                    f"(review {item.pilot.review_date}) to {item.user.email}"
                )
            self.stdout.write(f"dry run: {len(planned)} reminder(s) would go out")
            return True
        for error in outcome.errors:
            self.stderr.write(f"failed: {error}")
        self.stdout.write(outcome.summary())
        return outcome.failed == 0
