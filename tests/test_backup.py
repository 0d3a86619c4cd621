"""`manage.py backup`: a consistent copy of the SQLite database that restores with the data."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from candidates.models import Candidate, Evaluation
from tests.conftest import make_candidate

sqlite_only = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="the backup command copies SQLite databases (PostgreSQL: pg_dump)",
)


@pytest.fixture
def saved(transactional_db, workspace):
    """Committed rows (the backup reads what other connections would see)."""
    make_candidate(workspace, "Spa Serena", ticks=6)
    make_candidate(workspace, "Librería Norte", ticks=2)


@sqlite_only
def test_the_backup_file_holds_the_data(saved, tmp_path):
    target = tmp_path / "copy.sqlite3"
    call_command("backup", str(target))
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = copy.execute(
            "SELECT c.name, e.score, e.colour FROM candidates_candidate c "
            "JOIN candidates_evaluation e ON e.candidate_id = c.id ORDER BY c.name"
        ).fetchall()
    assert rows == [("Librería Norte", 2, "red"), ("Spa Serena", 6, "green")]


@sqlite_only
def test_a_restored_backup_brings_back_what_was_lost(saved, tmp_path):
    target = tmp_path / "copy.sqlite3"
    call_command("backup", str(target))
    # Disaster: a candidate and its evaluation are gone.
    Evaluation.objects.filter(candidate__name="Spa Serena").delete()
    Candidate.objects.filter(name="Spa Serena").delete()
    # Restore (what `sqlite3 db.sqlite3 ".restore copy.sqlite3"` does) and read it via the ORM.
    with sqlite3.connect(target) as copy:
        connection.ensure_connection()
        copy.backup(connection.connection)
    restored = Candidate.objects.with_current().get(name="Spa Serena")
    assert (restored.current_score, restored.current_colour) == (6, "green")
    assert Candidate.objects.count() == 2


@sqlite_only
def test_the_default_path_is_dated_under_backups(saved, settings, tmp_path, capsys):
    settings.BASE_DIR = tmp_path
    with time_machine.travel(datetime(2026, 12, 9, 23, 5, 7, tzinfo=UTC), tick=False):
        call_command("backup")
    target = tmp_path / "backups" / "semaforo-20261209-230507.sqlite3"
    assert target.exists()
    assert str(target) in capsys.readouterr().out
    assert list((tmp_path / "backups").iterdir()) == [target]  # no partial file left behind


@sqlite_only
def test_the_backup_never_overwrites_a_file(saved, tmp_path):
    target = tmp_path / "copy.sqlite3"
    target.write_text("an older backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(target))
    assert target.read_text() == "an older backup"


def test_on_postgresql_it_points_to_pg_dump(db, monkeypatch):
    monkeypatch.setattr(connection, "vendor", "postgresql")
    monkeypatch.setattr(connection, "display_name", "PostgreSQL")
    with pytest.raises(CommandError, match="pg_dump"):
        call_command("backup")
