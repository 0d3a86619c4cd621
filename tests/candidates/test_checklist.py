from __future__ import annotations

import pytest
from django.urls import reverse

from candidates.criteria import CRITERION_FIELDS
from candidates.models import Status

pytestmark = pytest.mark.django_db


def _ticks(n: int) -> dict:
    return {field: "on" for field in CRITERION_FIELDS[:n]}


def test_a_tick_returns_the_light_partial_and_saves_it(owner_client, candidate):
    url = reverse("candidates:checklist", args=[candidate.code])
    response = owner_client.post(url, _ticks(3), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Yellow" in body and "3/8" in body and "<html" not in body
    evaluation = candidate.current_evaluation()
    assert (evaluation.score, evaluation.colour) == (3, "yellow")
    candidate.refresh_from_db()
    assert candidate.status == Status.EVALUATED


def test_without_javascript_the_submit_saves_and_redirects(owner_client, candidate):
    url = reverse("candidates:checklist", args=[candidate.code])
    response = owner_client.post(url, _ticks(6), follow=True)
    assert response.redirect_chain[-1][0] == reverse("candidates:detail", args=[candidate.code])
    assert "Green" in response.content.decode()
    assert candidate.current_evaluation().colour == "green"
