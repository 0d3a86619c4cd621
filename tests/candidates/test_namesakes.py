"""A second candidate with the same name (but for case and accents) is saved — two branches
of a chain, a new try — with a warning that names and links the other one."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates.models import Candidate
from tests.conftest import make_candidate
from tests.page_forms import form_on
from tests.pilots.conftest import body

pytestmark = pytest.mark.django_db

WARNING = "Another candidate has the same name:"


def _add(client, name: str):
    action, data = form_on(client.get(reverse("candidates:create")), "name")
    data["name"] = [name]
    return client.post(action, data, follow=True)


def _detail_link(candidate: Candidate) -> str:
    return f'<a href="{reverse("candidates:detail", args=[candidate.code])}">{candidate.name}</a>'


def test_a_namesake_is_saved_with_a_warning_linking_the_other(owner_client, workspace):
    first = make_candidate(workspace, "Estética Titán")
    response = _add(owner_client, "ESTETICA  titán")
    assert Candidate.objects.filter(workspace=workspace).count() == 2
    page = body(response)
    assert "Candidate added." in page
    warning = f'<div class="alert alert-warning" role="status">{WARNING} {_detail_link(first)}.'
    assert warning in page
    assert "if they are the same partner, archive one of them." in page


def test_a_name_of_its_own_gets_no_warning(owner_client, workspace):
    make_candidate(workspace, "Estética Titán")
    assert WARNING not in body(_add(owner_client, "Estética Luna"))


def test_archived_candidates_and_other_workspaces_do_not_count(owner_client, workspace, outsider):
    make_candidate(workspace, "Spa Serena", archived_at=timezone.now())
    make_candidate(outsider.workspaces().get(), "Spa Serena")
    assert WARNING not in body(_add(owner_client, "Spa Serena"))


def test_several_namesakes_are_all_named(owner_client, workspace):
    make_candidate(workspace, "Spa Serena")
    make_candidate(workspace, "spa serena")
    page = body(_add(owner_client, "SPA SERENA"))
    assert "Other candidates have the same name:" in page
    assert page.count('href="/candidates/') >= 2


def test_renaming_to_a_namesake_warns_and_editing_anything_else_does_not(owner_client, workspace):
    make_candidate(workspace, "Spa Serena")
    other = make_candidate(workspace, "Yoga Sol")
    edit = reverse("candidates:edit", args=[other.code])
    action, data = form_on(owner_client.get(edit), "name")
    data["name"] = ["spa SERENA"]
    assert WARNING in body(owner_client.post(action, data, follow=True))
    action, data = form_on(owner_client.get(edit), "name")
    data["business_type"] = ["Spa"]
    assert WARNING not in body(owner_client.post(action, data, follow=True))


def test_the_other_name_is_shown_as_text(owner_client, workspace):
    make_candidate(workspace, "<b>Spa</b>")
    page = _add(owner_client, "<B>spa</B>").content.decode()
    assert "&lt;b&gt;Spa&lt;/b&gt;</a>" in page and "<b>Spa</b>" not in page
