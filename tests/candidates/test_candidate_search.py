"""Search as people type: whatever the case and the accents, on SQLite and on PostgreSQL
(run this file with DATABASE_URL=postgres://… for the second), at the list's fixed cost."""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse

from candidates import spreadsheets
from candidates.models import Candidate
from semaforo.lib.search import fold
from tests.candidates.test_candidate_list import LIST_QUERIES
from tests.conftest import make_candidate
from tests.page_forms import form_on

pytestmark = pytest.mark.django_db

LIST_URL = reverse("candidates:list")


def _names(response) -> list[str]:
    return re.findall(r'<td><a href="/candidates/[^/"]+/">([^<]*)</a>', response.content.decode())


@pytest.fixture
def partners(workspace):
    for name in ["Estética Titán", "Óptica del Sol", "Panadería Peña", "Spa Serena"]:
        make_candidate(workspace, name)


@pytest.mark.parametrize(
    "typed",
    [
        "titan",
        "TITÁN",
        "estetica",
        "ESTÉTICA",
        "Estética Titán",
        "ética tit",
        "  estetica   titan ",
    ],
)
def test_a_search_finds_the_name_whatever_the_case_and_accents(owner_client, partners, typed):
    assert _names(owner_client.get(LIST_URL, {"q": typed})) == ["Estética Titán"]


@pytest.mark.parametrize(
    ("typed", "found"),
    [("ÓPTICA", "Óptica del Sol"), ("pena", "Panadería Peña"), ("PEÑA", "Panadería Peña")],
)
def test_non_ascii_capitals_and_the_enye_are_folded_too(owner_client, partners, typed, found):
    assert _names(owner_client.get(LIST_URL, {"q": typed})) == [found]


def test_a_search_as_you_type_answers_with_the_results_alone(owner_client, partners):
    response = owner_client.get(LIST_URL, {"q": "esteti"}, HTTP_HX_REQUEST="true")
    assert "<html" not in response.content.decode()
    assert _names(response) == ["Estética Titán"]


def test_a_search_stays_inside_the_workspace(owner_client, partners, outsider):
    make_candidate(outsider.workspaces().get(), "Estética Titán Secreta")
    assert _names(owner_client.get(LIST_URL, {"q": "titan"})) == ["Estética Titán"]


def test_a_search_of_spaces_or_marks_alone_lists_everyone(owner_client, partners):
    assert len(_names(owner_client.get(LIST_URL, {"q": "   "}))) == 4
    assert len(_names(owner_client.get(LIST_URL, {"q": "\u0301"}))) == 4  # a lone accent


def test_like_wildcards_are_searched_as_text(owner_client, workspace):
    make_candidate(workspace, "100% Natural")
    make_candidate(workspace, "Tienda_Uno")
    make_candidate(workspace, "Tienda Dos")
    assert _names(owner_client.get(LIST_URL, {"q": "100%"})) == ["100% Natural"]
    assert _names(owner_client.get(LIST_URL, {"q": "a_u"})) == ["Tienda_Uno"]


@pytest.mark.parametrize("count", [3, 30])
def test_searching_costs_the_same_queries_whatever_the_number_of_candidates(
    owner_client, workspace, django_assert_num_queries, count
):
    for i in range(count):
        make_candidate(workspace, f"Estética {i}", ticks=i % 9)
    owner_client.get(LIST_URL)  # the first visit also stores the chosen workspace
    with django_assert_num_queries(LIST_QUERIES):
        response = owner_client.get(LIST_URL, {"q": "ESTETICA", "sort": "score"})
    assert len(_names(response)) == min(count, 20)


# --- the folded name is kept on every path that writes a name ---------------------------


def test_a_renamed_candidate_is_found_by_its_new_name(owner_client, workspace):
    candidate = make_candidate(workspace, "Spa Serena")
    candidate.name = "Estética Titán"
    candidate.save(update_fields=["name"])
    candidate.refresh_from_db()
    assert candidate.search_name == "estetica titan"
    assert _names(owner_client.get(LIST_URL, {"q": "titan"})) == ["Estética Titán"]


def test_the_edit_form_keeps_the_searched_name(owner_client, workspace):
    candidate = make_candidate(workspace, "Spa Serena")
    edit = reverse("candidates:edit", args=[candidate.code])
    action, data = form_on(owner_client.get(edit), "name")
    data["name"] = ["ÓPTICA Norte"]
    response = owner_client.post(action, data)
    assert response.status_code == 302
    assert Candidate.objects.get().search_name == "optica norte"


def test_imported_candidates_are_searchable(owner_client, workspace):
    result = spreadsheets.preview("Nombre;Tipo de negocio\nEstética Titán;Spa\n".encode())
    assert result.ok, result.problems or [r.errors for r in result.rows]
    spreadsheets.import_all(workspace, result)
    assert _names(owner_client.get(LIST_URL, {"q": "titan"})) == ["Estética Titán"]


def test_the_migration_fills_the_searched_name_of_existing_candidates(workspace):
    make_candidate(workspace, "Estética Titán")
    Candidate.objects.update(search_name="")  # as the column was added
    migration = importlib.import_module("candidates.migrations.0005_unscored_and_search_name")
    migration.fill_search_names(apps, None)
    assert Candidate.objects.get().search_name == "estetica titan"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Estética Titán", "estetica titan"),
        ("  PEÑA\t y  Cía ", "pena y cia"),
        ("Straße", "strasse"),
        ("ﬁnca", "finca"),  # a ligature, as some PDFs paste it
        ("ＴＩＴÁＮ", "titan"),  # full-width letters
        ("İzmir", "izmir"),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded
