"""A consistent copy of the SQLite database, taken while the app keeps running.

Uses SQLite's online backup API: the copy is one snapshot of the database even while other
processes write (in WAL mode readers never block writers, so the app does not wait for it).
On PostgreSQL use pg_dump instead (docs/deploy.md).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone


def default_path() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.BASE_DIR) / "backups" / f"semaforo-{stamp}.sqlite3"


def backup_sqlite(source: sqlite3.Connection, target: Path) -> None:
    """Copy `source` into a new file at `target`; a half-written copy never carries its name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    destination = sqlite3.connect(partial)
    try:
        # All pages in one step: a multi-step copy restarts whenever another process writes.
        # Closing the copy checkpoints it: one self-contained file, no -wal beside it.
        source.backup(destination)
    finally:
        destination.close()
    os.replace(partial, target)


class Command(BaseCommand):
    help = "Write a consistent copy of the SQLite database (safe while the app runs)."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", help="Where to write it (default: backups/semaforo-<time>.sqlite3)."
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias.")

    def handle(self, *args, path=None, database=DEFAULT_DB_ALIAS, **options):
        connection = connections[database]
        if connection.vendor != "sqlite":
            raise CommandError(
                f"The database is {connection.display_name}, not SQLite: back it up with "
                'pg_dump, e.g. pg_dump --format=custom --file=semaforo.dump "$DATABASE_URL" '
                "(restore with pg_restore; see docs/deploy.md)."
            )
        target = Path(path) if path else default_path()
        if target.exists():
            raise CommandError(f"{target} already exists: choose another path.")
        connection.ensure_connection()
        backup_sqlite(connection.connection, target)
        size_kb = target.stat().st_size // 1024
        self.stdout.write(f"Backed up the database to {target} ({size_kb} KB).")
