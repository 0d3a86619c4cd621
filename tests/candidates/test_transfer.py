"""CSV export and import of candidates: Excel-friendly, previewed, all rows or none."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from candidates.models import Candidate
from tests.conftest import make_candidate

pytestmark = pytest.mark.django_db

EXPORT = reverse("candidates:export")
IMPORT = reverse("candidates:import")
CONFIRM = reverse("candidates:import_confirm")


def _upload(client: Client, content: bytes):
    return client.post(IMPORT, {"file": SimpleUploadedFile("c.csv", content, "text/csv")})


def test_the_export_is_utf8_with_bom_and_iso_dates(owner_client, workspace):
    make_candidate(workspace, "Spa Ñandú", ticks=6, notes='dice "hola"; y más')
    response = owner_client.get(EXPORT)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="candidates-')
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Name,Business type,")
    assert "Spa Ñandú" in text and '"dice ""hola""; y más"' in text
    assert ",6,Green," in text


def test_the_spanish_export_uses_semicolons_for_spanish_excel(owner, workspace):
    make_candidate(workspace, "Spa Serena", ticks=3)
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    client.force_login(owner)
    text = client.get(EXPORT).content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Nombre;")
    assert ";3;Amarillo;" in text


def test_the_export_holds_only_this_workspaces_candidates(owner_client, workspace, outsider):
    make_candidate(workspace, "Nuestro")
    make_candidate(outsider.workspaces().get(), "De otros")
    text = owner_client.get(EXPORT).content.decode("utf-8-sig")
    assert "Nuestro" in text and "De otros" not in text


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_export_round_trips_through_import(owner, workspace, outsider, language):
    make_candidate(
        workspace,
        "Spa Serena",
        ticks=5,
        kind="alliance",
        assets=["audience", "trust"],
        website="https://spa.example.com",
        notes="línea 1\nlínea 2",
        filter_customer="Mujeres 30–55",
    )
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(owner)
    exported = client.get(EXPORT).content
    # Import it into another workspace (the outsider's): same data comes back.
    other = Client(HTTP_ACCEPT_LANGUAGE=language)
    other.force_login(outsider)
    preview = _upload(other, exported)
    assert preview.context["result"].ok
    other.post(CONFIRM, {"code": preview.context["pending"].code})
    copy = Candidate.objects.with_current().get(workspace=outsider.workspaces().get())
    original = Candidate.objects.with_current().get(workspace=workspace)
    fields = ["name", "kind", "assets", "website", "notes", "filter_customer", "status"]
    assert [getattr(copy, f) for f in fields] == [getattr(original, f) for f in fields]
    assert (copy.current_score, copy.current_colour) == (5, "yellow")


def test_a_file_with_a_bad_row_saves_nothing_and_shows_the_rows_error(owner_client, workspace):
    content = "Name,Email,Relationship\nGood,ok@example.com,Referral program\n,bad,Martian\n"
    response = _upload(owner_client, content.encode())
    body = response.content.decode()
    assert "Some rows have errors" in body
    assert "Enter a valid email address." in body and "This field is required." in body
    rows = response.context["result"].rows
    assert (rows[0].errors, rows[1].number) == ([], 3)
    assert "Import 2 candidates" not in body
    # Even a forged confirm imports nothing.
    owner_client.post(CONFIRM)
    assert not Candidate.objects.filter(workspace=workspace).exists()


def test_a_good_file_imports_every_row_after_the_preview(owner_client, workspace):
    content = (
        "Nombre;Relación;Activos\nSpa;Alianza estratégica;Audiencia compatible|Know-how\nYoga;;\n"
    )
    response = _upload(owner_client, content.encode("utf-8-sig"))
    assert "Import 2 candidates" in response.content.decode()
    assert not Candidate.objects.exists()  # nothing saved before confirming
    code = response.context["pending"].code
    response = owner_client.post(CONFIRM, {"code": code}, follow=True)
    assert "2 candidates imported." in response.content.decode()
    spa = Candidate.objects.get(workspace=workspace, name="Spa")
    assert (spa.kind, spa.assets) == ("alliance", ["audience", "know_how"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"Name\n\n", "The file has no rows."),
        (b"Name\n\x81\x8d\x90\n", "This file is not text as a spreadsheet saves it"),
        (b"Email\nx@example.com\n", "The file needs a \xe2\x80\x9cName\xe2\x80\x9d column."),
    ],
)
def test_unusable_files_get_a_clear_message(owner_client, content, message):
    response = _upload(owner_client, content)
    assert message.encode("latin-1").decode("utf-8") in response.content.decode()


def test_confirming_without_a_preview_imports_nothing(owner_client, workspace):
    response = owner_client.post(CONFIRM, follow=True)
    assert "Nothing to import" in response.content.decode()


def test_import_and_export_need_login(client):
    for url in (EXPORT, IMPORT):
        assert client.get(url).status_code == 302
    assert client.post(CONFIRM).status_code == 302


def test_wrong_methods_are_refused(owner_client):
    assert owner_client.post(EXPORT).status_code == 405
    assert owner_client.get(CONFIRM).status_code == 405
