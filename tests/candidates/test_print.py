"""Printable pages: the blank one-page checklist and a candidate's filled evaluation."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from candidates.models import ScoringSettings
from candidates.scoring import Rule

pytestmark = pytest.mark.django_db

BLANK = reverse("candidates:print_blank")


def test_the_blank_checklist_has_the_five_questions_eight_points_and_bands(client):
    body = client.get(BLANK).content.decode()
    assert body.count("<li>") >= 5 + 8
    assert "How do we measure it?" in body and "Compatible ideal customer" in body
    assert "6–8" in body and "3–5" in body and "0–2" in body


def test_the_blank_checklist_in_spanish(settings):
    settings.LANGUAGE_CODE = "es"
    body = Client(HTTP_ACCEPT_LANGUAGE="es").get(BLANK).content.decode()
    assert "Cliente ideal compatible" in body and "¿Cómo lo medimos?" in body


def test_the_blank_checklist_shows_the_workspaces_rule(owner_client, workspace):
    ScoringSettings.objects.update_or_create(workspace=workspace, defaults={"rule": Rule.HEADINGS})
    body = owner_client.get(BLANK).content.decode()
    assert "4–8" in body and "2–3" in body and "0–1" in body


def test_the_filled_evaluation_prints_ticks_notes_and_light(owner_client, candidate):
    evaluation = candidate.current_evaluation()
    evaluation.ideal_customer = True
    evaluation.ideal_customer_note = "Público ideal"
    evaluation.rescore()
    evaluation.save()
    body = owner_client.get(reverse("candidates:print", args=[candidate.code])).content.decode()
    assert "Público ideal" in body and "1/8" in body and "Red" in body
    assert "data-print" in body


def test_printing_another_workspaces_candidate_is_404(outsider_client, candidate):
    url = reverse("candidates:print", args=[candidate.code])
    assert outsider_client.get(url).status_code == 404


def test_the_back_button_gets_the_whole_list_page_on_history_restore(owner_client, candidate):
    url = reverse("candidates:list")
    partial = owner_client.get(url, HTTP_HX_REQUEST="true")
    restore = owner_client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert "<html" in restore.content.decode()
    assert "HX-Request" in partial["Vary"]
