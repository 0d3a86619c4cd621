"""Importing the CSV files real spreadsheets write: any encoding Excel saves, any line end,
every unreadable file and every unusable value named on the page; a preview is confirmed
once, and only in the workspace it was previewed in."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.workspaces import SESSION_KEY
from candidates import spreadsheets
from candidates.models import Candidate, PendingImport

pytestmark = pytest.mark.django_db

IMPORT = reverse("candidates:import")
CONFIRM = reverse("candidates:import_confirm")
LIST = reverse("candidates:list")

# What Spanish Excel's default "CSV (delimitado por comas)" writes: Windows-1252, ";", CRLF.
SPANISH_EXCEL = (
    "Nombre;Tipo de negocio;Relación;Notas\r\n"
    "Estética Titán;Peluquería;Alianza estratégica;Cita previa ¿sí?\r\n"
    "Librería Ñandú;Librería;;\r\n"
)


def _upload(client: Client, content: bytes, name: str = "candidatos.csv"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content, "text/csv")})


def _confirm(client: Client, preview, **extra):
    return client.post(CONFIRM, {"code": preview.context["pending"].code, **extra}, follow=True)


def _names(workspace) -> list[str]:
    return sorted(Candidate.objects.filter(workspace=workspace).values_list("name", flat=True))


def _switch(client: Client, workspace) -> None:
    """What switching workspace in another tab does to this browser's session."""
    session = client.session
    session[SESSION_KEY] = workspace.pk
    session.save()


# --- Encodings and line ends ------------------------------------------------------------


def test_spanish_excels_windows_1252_file_with_semicolons_imports_with_its_accents(
    owner_client, workspace
):
    preview = _upload(owner_client, SPANISH_EXCEL.encode("cp1252"))
    assert preview.context["result"].ok
    assert "Estética Titán" in preview.content.decode()
    response = _confirm(owner_client, preview)
    assert "2 candidates imported." in response.content.decode()
    titan = Candidate.objects.get(workspace=workspace, name="Estética Titán")
    assert (titan.business_type, titan.kind, titan.notes) == (
        "Peluquería",
        "alliance",
        "Cita previa ¿sí?",
    )
    assert _names(workspace) == ["Estética Titán", "Librería Ñandú"]


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"]
)
def test_every_encoding_a_spreadsheet_saves_is_detected(owner_client, workspace, encoding):
    # "utf-16" writes a BOM (Excel's "Unicode text", tab-separated); -le/-be have none.
    content = "Name\tBusiness type\r\nEstética Titán\tPeluquería\r\n".encode(encoding)
    preview = _upload(owner_client, content)
    assert preview.context["result"].ok, preview.context["result"].problems
    _confirm(owner_client, preview)
    titan = Candidate.objects.get(workspace=workspace)
    assert (titan.name, titan.business_type) == ("Estética Titán", "Peluquería")


@pytest.mark.parametrize("line_end", ["\r", "\n", "\r\n"], ids=["CR", "LF", "CRLF"])
def test_cr_lf_and_crlf_line_ends_are_read_alike(owner_client, workspace, line_end):
    content = line_end.join(
        ["Name,Notes", 'Estética Titán,"línea 1\nlínea 2"', "Librería Norte,", ""]
    )
    preview = _upload(owner_client, content.encode())
    result = preview.context["result"]
    assert result.ok, result.problems
    assert [row.number for row in result.rows] == [2, 3]
    _confirm(owner_client, preview)
    assert _names(workspace) == ["Estética Titán", "Librería Norte"]
    assert Candidate.objects.get(name="Estética Titán").notes == "línea 1\nlínea 2"


def test_excel_for_macs_csv_in_mac_roman_with_cr_line_ends_keeps_its_accents(
    owner_client, workspace
):
    content = "Name;Business type\rEstética Titán;Peluquería\rLibrería Ñandú;Librería\r"
    preview = _upload(owner_client, content.encode("mac_roman"))
    assert preview.context["result"].ok
    _confirm(owner_client, preview)
    assert _names(workspace) == ["Estética Titán", "Librería Ñandú"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "This is a workbook, not a CSV file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "This is a workbook, not a CSV file"),
        (b"Name\n\x00\x01\x02\x03\x00\xff", "This file is not text as a spreadsheet saves it"),
    ],
    ids=["xlsx", "xls", "binary"],
)
def test_a_file_that_is_not_csv_text_is_named_as_such(owner_client, content, message):
    response = _upload(owner_client, content)
    assert response.status_code == 200
    assert message in response.context["result"].problems[0]
    assert "pending" not in response.context or response.context["pending"] is None


# --- Files the csv module cannot read: a message on the page, never a 500 ---------------


def test_a_field_longer_than_the_csv_limit_is_a_message_not_a_500(owner_client, workspace):
    content = 'Name,Notes\r\nSpa,ok\r\nYoga,"' + "x" * 200_000 + '"\r\n'
    response = _upload(owner_client, content.encode())
    assert response.status_code == 200
    [problem] = response.context["result"].problems
    assert problem.startswith("Row 3 has a cell longer than 131,072 characters")
    assert "Row 3 has a cell longer than 131,072 characters" in response.content.decode()
    assert not PendingImport.objects.exists()


def test_an_unterminated_quote_is_a_message_naming_its_row(owner_client):
    content = 'Name,Notes\r\nSpa,ok\r\nYoga,"never closed\r\nGym,ok\r\n'
    response = _upload(owner_client, content.encode())
    assert response.status_code == 200
    assert response.context["result"].problems == ['A quote “"” opened in row 3 is never closed.']
    assert "opened in row 3 is never closed." in response.content.decode()


def test_text_after_a_closing_quote_is_a_message_naming_its_row(owner_client):
    response = _upload(owner_client, b'Name,Notes\nSpa,"quoted" then more\n')
    assert response.status_code == 200
    assert response.context["result"].problems[0].startswith("Row 2 cannot be read as CSV")


# --- Nothing dropped silently ------------------------------------------------------------


def test_columns_that_are_not_imported_are_listed(owner_client):
    content = "Name,Favourite colour,Score,,\nSpa,blue,5,,\nYoga,,,hidden,\n"
    response = _upload(owner_client, content.encode())
    result = response.context["result"]
    assert result.ok  # informative: the rest of the file imports
    assert result.notices == [
        "These columns are not imported: “Favourite colour”, “Score”, column 4 (it has no header)."
    ]
    assert "These columns are not imported:" in response.content.decode()


def test_every_invalid_value_is_shown_next_to_its_row(owner_client, workspace):
    content = (
        "Name,Relationship,Status,Assets,Compatible ideal customer,Cliente ideal compatible\n"
        "Spa,,,,yes,no\n"
    )
    response = _upload(owner_client, content.encode())
    assert "are the same: keep one." in response.context["result"].problems[0]
    content = (
        "Nombre;Relación;Estado;Activos;Cliente ideal compatible;Measurable\n"
        "Spa;Marciana;Dormida;Audiencia compatible|Oro;quizá;maybe\n"
        "Yoga;Alianza estratégica;Nuevo;Know-how;sí;NO\n"
        "Gym;Sales channel;New;;yes;\n"
    )
    response = _upload(owner_client, content.encode())
    result = response.context["result"]
    spa, yoga, gym = result.rows
    assert spa.errors == [
        "Relationship: “Marciana” is not one of: Strategic alliance, Referral program, "
        "Sales channel.",
        "Status: “Dormida” is not one of: New, Evaluated, In pilot, Alliance, Open referral, "
        "Discarded.",
        "Assets: “Oro” is not one of: Audience that fits, Transferable trust, Natural "
        "purchase context, Infrastructure, Know-how, Community, content or reach.",
        "Compatible ideal customer: “quizá” is neither yes nor no.",
        "Measurable: “maybe” is neither yes nor no.",
    ]
    assert (yoga.errors, gym.errors) == ([], [])
    assert yoga.ticks["ideal_customer"] and not yoga.ticks["measurable"]
    body = response.content.decode()
    assert "“quizá” is neither yes nor no." in body and "Import 3 candidates" not in body
    assert not PendingImport.objects.exists()
    assert not Candidate.objects.filter(workspace=workspace).exists()


def test_a_row_with_more_cells_than_columns_is_an_error_not_a_shifted_row(owner_client):
    response = _upload(owner_client, b"Name,Email\nSpa, Inc,spa@example.com\nYoga,\n")
    spa, yoga = response.context["result"].rows
    assert spa.errors == [
        "This row has more cells than the header has columns: is there a separator (; or ,) "
        "inside a cell without quotes?",
        "Email: Enter a valid email address.",  # " Inc" landed in the email column
    ]
    assert yoga.errors == []
    assert not response.context["result"].ok


def test_row_numbers_are_the_spreadsheets_even_after_blank_rows(owner_client):
    response = _upload(owner_client, b"Name,Email\n\n,,\nSpa,not-an-email\n")
    [row] = response.context["result"].rows
    assert row.number == 4
    assert row.errors == ["Email: Enter a valid email address."]


def test_a_300_character_cell_is_shown_shortened_with_its_error(owner_client):
    name = "Estética" + "x" * 292
    response = _upload(owner_client, f"Name\n{name}\n".encode())
    body = response.content.decode()
    assert name not in body and name[:79] in body
    assert "Name: Ensure this value has at most 120 characters (it has 300)." in body
    assert 'role="region"' in body and 'tabindex="0"' in body


# --- A pending import: its workspace, its person, once ------------------------------------


def test_a_preview_is_kept_in_the_database_not_in_the_session(owner, owner_client, workspace):
    preview = _upload(owner_client, SPANISH_EXCEL.encode("cp1252"))
    pending = PendingImport.objects.get()
    assert (pending.workspace, pending.created_by) == (workspace, owner)
    assert pending.text == SPANISH_EXCEL
    assert re.fullmatch(r"[A-Z2-9]{10}", pending.code)
    assert f'name="code" value="{pending.code}"' in preview.content.decode()
    assert not any("import" in key for key, _value in owner_client.session.items())


def test_a_double_confirm_imports_the_rows_once(owner_client, workspace):
    preview = _upload(owner_client, SPANISH_EXCEL.encode("cp1252"))
    first = _confirm(owner_client, preview)
    second = _confirm(owner_client, preview)
    assert "2 candidates imported." in first.content.decode()
    assert second.redirect_chain == [(LIST, 302)]
    assert "Nothing more to import: this file was already imported" in second.content.decode()
    assert _names(workspace) == ["Estética Titán", "Librería Ñandú"]
    assert not PendingImport.objects.exists()


def test_a_confirm_that_lost_the_race_imports_nothing(owner, workspace):
    """The loser of two simultaneous confirms read the pending import before the winner
    deleted it: its compare-and-set delete finds nothing and it imports nothing."""
    result = spreadsheets.preview(SPANISH_EXCEL.encode("cp1252"))
    pending = spreadsheets.keep_for_confirm(workspace, owner, result)
    stale = PendingImport.objects.get(pk=pending.pk)
    assert spreadsheets.import_pending(pending, result) == 2
    assert spreadsheets.import_pending(stale, result) is None
    assert Candidate.objects.filter(workspace=workspace).count() == 2


def test_a_preview_from_workspace_a_confirmed_while_in_b_imports_nothing_into_b(
    owner, owner_client, workspace
):
    b = owner.create_workspace("Cliente B")
    preview = _upload(owner_client, SPANISH_EXCEL.encode("cp1252"))  # shown in A
    _switch(owner_client, b)  # another tab switched to B
    response = _confirm(owner_client, preview)
    body = response.content.decode()
    assert "This file was previewed in “Tienda Luna” and you are now working in “Cliente B”" in (
        body
    )
    assert _names(b) == [] and _names(workspace) == []
    # Still pending: back in A, the same preview imports there.
    _switch(owner_client, workspace)
    assert "2 candidates imported." in _confirm(owner_client, preview).content.decode()
    assert _names(workspace) == ["Estética Titán", "Librería Ñandú"] and _names(b) == []


def test_the_confirm_form_as_shown_in_a_never_lands_in_b(owner, owner_client, workspace):
    """Posted with every field of the confirm form, as a browser would."""
    b = owner.create_workspace("Cliente B")
    preview = _upload(owner_client, SPANISH_EXCEL.encode("cp1252"))
    form = preview.content.decode().split(f'action="{CONFIRM}"', 1)[1].split("</form>", 1)[0]
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    assert "code" in fields
    _switch(owner_client, b)
    owner_client.post(CONFIRM, fields)
    assert _names(b) == []


def test_another_persons_preview_cannot_be_confirmed(owner_client, member_client, workspace):
    preview = _upload(owner_client, SPANISH_EXCEL.encode("cp1252"))
    response = _confirm(member_client, preview)
    assert response.redirect_chain == [(LIST, 302)]
    assert _names(workspace) == []
    assert PendingImport.objects.exists()


@pytest.mark.parametrize("code", ["\x00", "ABC\x00DEF", "x" * 500, "'; DROP TABLE x; --"])
def test_a_junk_code_imports_nothing_and_is_no_500(owner_client, workspace, code):
    _upload(owner_client, SPANISH_EXCEL.encode("cp1252"))
    response = owner_client.post(CONFIRM, {"code": code}, follow=True)
    assert response.status_code == 200
    assert _names(workspace) == []


def test_a_preview_older_than_a_day_is_purged_and_cannot_be_confirmed(owner_client, workspace):
    preview = _upload(owner_client, SPANISH_EXCEL.encode("cp1252"))
    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        response = _confirm(owner_client, preview)
        assert "its preview expired" in response.content.decode()
        assert _names(workspace) == []
        _upload(owner_client, b"Name\nYoga\n")  # a new preview purges the old one
        assert list(PendingImport.objects.values_list("text", flat=True)) == ["Name\nYoga\n"]


def test_a_file_with_errors_keeps_nothing_pending(owner_client):
    _upload(owner_client, b"Name,Email\nSpa,not-an-email\n")
    assert not PendingImport.objects.exists()
