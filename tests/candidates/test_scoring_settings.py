from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from candidates.models import ScoringSettings
from candidates.scoring import Rule
from tests.conftest import make_candidate

pytestmark = pytest.mark.django_db

URL = reverse("candidates:scoring")
BANDS_ERROR = (
    "The thresholds must split 0–8 into three bands: "
    "yellow from 1 or more, and green above yellow, up to 8."
)


def _scoring(workspace) -> ScoringSettings:
    return ScoringSettings.for_workspace(workspace)


def _field_block(body: str, field: str) -> str:
    start = body.index(f'id="div_id_{field}"')
    following = body.find('id="div_id_', start + 1)
    return body[start : following if following != -1 else len(body)]


def test_the_owner_sees_the_quick_score_table_chosen_by_default(owner_client):
    body = owner_client.get(URL).content.decode()
    assert "Quick-score table (6–8 green, 3–5 yellow, 0–2 red)" in body
    assert "Section headings (4+ green, 2–3 yellow, 0–1 red)" in body
    assert re.search(r'name="rule" value="quick"[^>]*checked', body)
    assert not re.search(r'name="rule" value="headings"[^>]*checked', body)


def test_the_owner_can_switch_to_the_section_headings(owner_client, workspace):
    response = owner_client.post(URL, {"rule": "headings"}, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert "Scoring rule saved." in response.content.decode()
    assert _scoring(workspace).rule == Rule.HEADINGS
    # A candidate scored from now on: 4 points are green under the headings.
    assert make_candidate(workspace, ticks=4).current_evaluation().colour == "green"


def test_the_owner_can_set_custom_thresholds(owner_client, workspace):
    owner_client.post(URL, {"rule": "custom", "custom_green_min": 7, "custom_yellow_min": 5})
    scoring = _scoring(workspace)
    assert (scoring.rule, scoring.custom_green_min, scoring.custom_yellow_min) == ("custom", 7, 5)
    assert make_candidate(workspace, ticks=6).current_evaluation().colour == "yellow"
    assert make_candidate(workspace, ticks=4).current_evaluation().colour == "red"


def test_switching_back_to_a_preset_keeps_the_custom_thresholds(owner_client, workspace):
    owner_client.post(URL, {"rule": "custom", "custom_green_min": 7, "custom_yellow_min": 5})
    owner_client.post(URL, {"rule": "quick", "custom_green_min": 1, "custom_yellow_min": 9})
    scoring = _scoring(workspace)
    assert (scoring.rule, scoring.custom_green_min, scoring.custom_yellow_min) == ("quick", 7, 5)


@pytest.mark.parametrize(
    ("green", "yellow", "field", "error"),
    [
        (3, 5, "custom_green_min", BANDS_ERROR),  # out of order
        (4, 4, "custom_green_min", BANDS_ERROR),  # equal: no yellow band
        (9, 3, "custom_green_min", BANDS_ERROR),  # above 8
        (6, 0, "custom_yellow_min", "Ensure this value is greater than or equal to 1."),  # no red
        (6, -1, "custom_yellow_min", "Ensure this value is greater than or equal to 0."),
        (0, 0, "custom_green_min", BANDS_ERROR),
        (8, 8, "custom_green_min", BANDS_ERROR),
        ("", 3, "custom_green_min", "This field is required."),
        ("six", 3, "custom_green_min", "Enter a whole number."),
    ],
)
def test_impossible_custom_thresholds_are_explained_next_to_the_field(
    owner_client, workspace, green, yellow, field, error
):
    data = {"rule": "custom", "custom_green_min": green, "custom_yellow_min": yellow}
    response = owner_client.post(URL, data)
    assert response.status_code == 200
    block = _field_block(response.content.decode(), field)
    assert escape(error) in block
    scoring = _scoring(workspace)
    assert (scoring.rule, scoring.custom_green_min, scoring.custom_yellow_min) == ("quick", 6, 3)


def test_an_unknown_rule_is_refused(owner_client, workspace):
    response = owner_client.post(URL, {"rule": "vibes"})
    assert "Select a valid choice." in _field_block(response.content.decode(), "rule")
    assert _scoring(workspace).rule == Rule.QUICK_SCORE


def test_changing_the_rule_does_not_recolour_existing_evaluations(owner_client, workspace):
    candidate = make_candidate(workspace, ticks=4)
    candidate.current_evaluation().reevaluate()
    owner_client.post(URL, {"rule": "headings"})
    detail = owner_client.get(reverse("candidates:detail", args=[candidate.code]))
    body = detail.content.decode()
    assert "! Yellow · 4/8" in body  # the history entry
    assert 'data-colour="yellow"' in body  # the current evaluation
    list_body = owner_client.get(reverse("candidates:list")).content.decode()
    assert "! Yellow · 4/8" in list_body


def test_the_nav_links_to_the_scoring_rule_only_for_owners(owner_client, member_client):
    assert URL in owner_client.get(reverse("candidates:list")).content.decode()
    assert URL not in member_client.get(reverse("candidates:list")).content.decode()


def test_a_member_cannot_see_or_change_the_scoring_rule(member_client, workspace):
    assert member_client.get(URL).status_code == 403
    assert member_client.post(URL, {"rule": "headings"}).status_code == 403
    assert _scoring(workspace).rule == Rule.QUICK_SCORE


def test_another_workspaces_owner_changes_only_their_own_rule(outsider_client, outsider, workspace):
    outsider_client.post(URL, {"rule": "headings"})
    assert _scoring(outsider.workspaces().get()).rule == Rule.HEADINGS
    assert _scoring(workspace).rule == Rule.QUICK_SCORE


def test_the_scoring_rule_refuses_other_methods(owner_client):
    assert owner_client.put(URL).status_code == 405


def test_the_scoring_rule_needs_a_login(client, workspace):
    for response in (client.get(URL), client.post(URL, {"rule": "headings"})):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert _scoring(workspace).rule == Rule.QUICK_SCORE
