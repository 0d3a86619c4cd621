"""A line break counts once: browsers send a text area's line breaks as CR LF while its
maxlength counted each as one character, so a note that fits in the box must fit on the
server too (semaforo/lib/forms.py)."""

from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse

from candidates.forms import CandidateForm
from candidates.models import Candidate
from pilots.models import Review
from semaforo.lib.forms import NoControlCharactersMixin
from tests.conftest import make_candidate
from tests.page_forms import form_on
from tests.pilots.conftest import make_pilot

pytestmark = pytest.mark.django_db


def _as_a_browser_sends(text: str) -> str:
    return text.replace("\n", "\r\n")


def test_a_full_candidate_note_with_a_line_break_is_saved(owner_client):
    note = "a" * 2500 + "\n" + "b" * 2499  # 5,000 characters, as the text area counted them
    action, data = form_on(owner_client.get(reverse("candidates:create")), "notes")
    data.update(name=["Estética Titán"], notes=[_as_a_browser_sends(note)])
    assert len(data["notes"][0]) == 5001

    response = owner_client.post(action, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Candidate.objects.get().notes == note


def test_a_note_one_character_too_long_is_still_refused(owner_client):
    action, data = form_on(owner_client.get(reverse("candidates:create")), "notes")
    data.update(name=["Spa"], notes=[_as_a_browser_sends("a" * 2500 + "\n" + "b" * 2500)])
    response = owner_client.post(action, data)
    assert response.status_code == 200
    assert "Ensure this value has at most 5000 characters (it has 5001)." in (
        response.content.decode()
    )


def test_the_text_area_tells_the_browser_the_same_limit(owner_client):
    page = owner_client.get(reverse("candidates:create")).content.decode()
    assert 'maxlength="5000"' in page


def test_a_full_review_note_with_line_breaks_is_saved(owner_client, workspace, owner):
    pilot = make_pilot(make_candidate(workspace, ticks=4), owner)
    note = "Lo que aprendimos:\n" + "x" * 1977 + "\nFin"  # 2,000 characters in the box
    assert len(note) == 2000
    action, data = form_on(owner_client.get(reverse("pilots:review", args=[pilot.code])), "notes")
    data.update(decision=["discard"], notes=[_as_a_browser_sends(note)])

    response = owner_client.post(action, data)

    assert response.status_code == 302
    assert Review.objects.get().notes == note


def test_a_lone_carriage_return_is_a_line_break_too(workspace):
    """Old Mac text and some pasted text end lines with CR alone."""
    form = CandidateForm({"name": "Spa", "kind": "referral", "notes": "one\rtwo\r\nthree"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["notes"] == "one\ntwo\nthree"


class OneLineAndManyForm(NoControlCharactersMixin, forms.Form):
    title = forms.CharField(max_length=5)
    body = forms.CharField(max_length=5, widget=forms.Textarea)


def test_only_text_areas_are_changed_and_control_characters_are_still_refused():
    form = OneLineAndManyForm({"title": "a\r\nb", "body": "a\r\nb\r\nc"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"title": "a\r\nb", "body": "a\nb\nc"}
    refused = OneLineAndManyForm({"title": "ab", "body": "a\x1bb"})
    assert not refused.is_valid()
    assert refused.errors["body"][0].startswith("Remove the invisible control characters")
