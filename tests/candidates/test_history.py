from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from candidates.models import Evaluation, ScoringSettings
from candidates.scoring import Rule
from tests.conftest import make_candidate

pytestmark = pytest.mark.django_db

FROZEN_AT = datetime(2026, 3, 14, 10, 30, tzinfo=UTC)


def _reevaluate_url(candidate) -> str:
    return reverse("candidates:reevaluate", args=[candidate.code])


def _evaluation_url(candidate, evaluation: Evaluation) -> str:
    return reverse("candidates:evaluation", args=[candidate.code, evaluation.code])


def _frozen(candidate) -> Evaluation:
    return candidate.evaluations.get(frozen_at__isnull=False)


@pytest.fixture
def scored(workspace):
    """Spa Serena at 4/8, with notes on two points."""
    candidate = make_candidate(workspace, "Spa Serena", ticks=4)
    evaluation = candidate.current_evaluation()
    evaluation.ideal_customer_note = "Same neighbourhood clients"
    evaluation.measurable_note = "No coupon yet"
    evaluation.save()
    return candidate


# --- re-evaluate ----------------------------------------------------------------------


def test_re_evaluating_keeps_a_dated_entry_in_the_history(owner_client, scored):
    with time_machine.travel(FROZEN_AT, tick=False):
        response = owner_client.post(_reevaluate_url(scored), follow=True)
    assert response.redirect_chain == [(reverse("candidates:detail", args=[scored.code]), 302)]
    body = response.content.decode()
    assert "The previous evaluation is kept in the history." in body
    assert _evaluation_url(scored, _frozen(scored)) in body
    assert "03/14/2026" in body  # SHORT_DATE_FORMAT in English
    assert "! Yellow · 4/8" in body


def test_the_new_evaluation_starts_from_the_previous_one(owner_client, scored):
    owner_client.post(_reevaluate_url(scored))
    current = scored.current_evaluation()
    assert (current.score, current.colour) == (4, "yellow")
    assert current.ideal_customer_note == "Same neighbourhood clients"
    body = owner_client.get(reverse("candidates:detail", args=[scored.code])).content.decode()
    assert 'data-colour="yellow"' in body and 'value="Same neighbourhood clients"' in body


def test_a_candidate_with_no_history_says_how_to_start_one(owner_client, scored):
    body = owner_client.get(reverse("candidates:detail", args=[scored.code])).content.decode()
    assert "No earlier evaluations. Re-evaluate to keep a dated record." in body


def test_re_evaluate_refuses_get(owner_client, scored):
    assert owner_client.get(_reevaluate_url(scored)).status_code == 405
    assert scored.evaluations.count() == 1


def test_re_evaluate_needs_a_login(client, scored):
    response = client.post(_reevaluate_url(scored))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert scored.evaluations.count() == 1


def test_another_workspace_cannot_re_evaluate(outsider_client, scored):
    assert outsider_client.post(_reevaluate_url(scored)).status_code == 404
    assert scored.evaluations.count() == 1


# --- a past evaluation ----------------------------------------------------------------


def test_a_past_evaluation_shows_its_date_light_rule_and_ticks(owner_client, scored):
    with time_machine.travel(FROZEN_AT, tick=False):
        scored.current_evaluation().reevaluate()
    response = owner_client.get(_evaluation_url(scored, _frozen(scored)))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Evaluation of March 14, 2026" in body
    assert "4/8" in body and "Yellow" in body
    assert "Quick-score table (6–8 green, 3–5 yellow, 0–2 red)" in body
    assert body.count("✔ <span") == 4 and body.count("✖ <span") == 4
    assert "Compatible ideal customer</strong> — Same neighbourhood clients" in body
    assert "Measurable</strong> — No coupon yet" in body


def test_a_past_evaluation_keeps_its_colour_after_the_rule_changes(owner_client, scored):
    scored.current_evaluation().reevaluate()
    scoring = ScoringSettings.for_workspace(scored.workspace)
    scoring.rule = Rule.HEADINGS
    scoring.save()
    body = owner_client.get(_evaluation_url(scored, _frozen(scored))).content.decode()
    assert "Yellow" in body and "Green" not in body
    assert "Quick-score table" in body


def test_the_current_evaluation_has_no_history_page(owner_client, scored):
    current = scored.current_evaluation()
    assert owner_client.get(_evaluation_url(scored, current)).status_code == 404


def test_a_past_evaluation_is_only_found_under_its_own_candidate(owner_client, workspace, scored):
    scored.current_evaluation().reevaluate()
    other = make_candidate(workspace, "Yoga Sol")
    url = reverse("candidates:evaluation", args=[other.code, _frozen(scored).code])
    assert owner_client.get(url).status_code == 404


def test_markup_in_the_name_and_notes_is_shown_as_text_in_the_history(owner_client, workspace):
    payload = "<script>alert(1)</script>"
    candidate = make_candidate(workspace, payload, ticks=1)
    evaluation = candidate.current_evaluation()
    evaluation.ideal_customer_note = payload
    evaluation.save()
    evaluation.reevaluate()
    body = owner_client.get(_evaluation_url(candidate, _frozen(candidate))).content.decode()
    assert payload not in body
    assert body.count(escape(payload)) >= 3  # title, back link, note


def test_a_past_evaluation_cannot_be_posted_to(owner_client, scored):
    scored.current_evaluation().reevaluate()
    frozen = _frozen(scored)
    response = owner_client.post(_evaluation_url(scored, frozen), {"measurable": "on"})
    assert response.status_code == 405
    frozen.refresh_from_db()
    assert (frozen.measurable, frozen.score) == (False, 4)


def test_a_past_evaluation_needs_a_login(client, scored):
    scored.current_evaluation().reevaluate()
    response = client.get(_evaluation_url(scored, _frozen(scored)))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_another_workspace_cannot_see_a_past_evaluation(outsider_client, scored):
    scored.current_evaluation().reevaluate()
    assert outsider_client.get(_evaluation_url(scored, _frozen(scored))).status_code == 404
