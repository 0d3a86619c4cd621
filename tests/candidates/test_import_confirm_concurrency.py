"""Two confirms of one import at the same moment (a double click, two tabs) import its rows
once, and the loser lands on the candidate list with a message, never a 500.

Needs real concurrent connections: runs in CI's PostgreSQL leg, skipped on SQLite (whose
in-memory test database is shared between threads without its locking).
"""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.urls import reverse

from candidates.models import Candidate, PendingImport
from tests.conftest import client_for

pytestmark = [
    pytest.mark.slow,  # threads or processes at once: -m "not slow" leaves them out
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL for real concurrent "
        "requests (set DATABASE_URL; CI's PostgreSQL leg)",
    ),
]

ROUNDS = 10
ROWS = 20


def _file(round_: int) -> bytes:
    lines = ["Nombre;Relación"] + [
        f"Estética {round_}-{n};Alianza estratégica" for n in range(ROWS)
    ]
    return "\r\n".join(lines).encode("cp1252")


def test_two_simultaneous_confirms_import_the_rows_once(transactional_db, owner, workspace):
    tabs = [client_for(owner), client_for(owner)]
    for round_ in range(ROUNDS):
        upload = SimpleUploadedFile("c.csv", _file(round_), "text/csv")
        code = tabs[0].post(reverse("candidates:import"), {"file": upload}).context["pending"].code
        barrier, answers = threading.Barrier(2), []

        def confirm(tab, barrier=barrier, answers=answers, code=code):
            try:
                barrier.wait()
                answers.append(tab.post(reverse("candidates:import_confirm"), {"code": code}))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=confirm, args=(tab,)) for tab in tabs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert [a.status_code for a in answers] == [302, 302]
        assert {a["Location"] for a in answers} == {reverse("candidates:list")}
        imported = Candidate.objects.filter(
            workspace=workspace, name__startswith=f"Estética {round_}-"
        )
        assert imported.count() == ROWS, f"round {round_}: {imported.count()} rows"
    assert not PendingImport.objects.exists()
