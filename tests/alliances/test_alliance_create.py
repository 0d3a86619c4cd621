"""Into the design: from a green candidate's page, or from a pilot promoted at its review."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alliances.models import Alliance, State
from candidates.models import Status
from tests.alliances.conftest import design_url, detail_url, promoted_pilot
from tests.conftest import make_candidate
from tests.page_forms import form_on
from tests.pilots.conftest import body, make_pilot

pytestmark = pytest.mark.django_db

DESIGN_BUTTON = "Design the alliance"


def _create_url(candidate) -> str:
    return reverse("alliances:create", args=[candidate.code])


def test_a_green_candidate_s_page_leads_to_the_design(owner_client, green):
    page = owner_client.get(reverse("candidates:detail", args=[green.code]))
    assert DESIGN_BUTTON in body(page)
    action, fields = form_on(page, action=_create_url(green))
    response = owner_client.post(action, fields)
    alliance = Alliance.objects.get(candidate=green)
    assert response.status_code == 302
    assert response.url == design_url(alliance)
    assert owner_client.get(response.url).status_code == 200
    green.refresh_from_db()
    assert green.status == Status.ALLIANCE


def test_a_promoted_pilot_s_page_leads_to_the_design(owner_client, workspace, owner):
    pilot = promoted_pilot(workspace, owner)
    page = owner_client.get(reverse("pilots:detail", args=[pilot.code]))
    assert DESIGN_BUTTON in body(page)
    action, fields = form_on(page, action=_create_url(pilot.candidate))
    response = owner_client.post(action, fields)
    alliance = Alliance.objects.get(candidate=pilot.candidate)
    assert response.url == design_url(alliance)
    assert alliance.pilot == pilot
    detail = body(owner_client.get(detail_url(alliance)))
    assert pilot.tracking_code in detail  # its tracked link carries over


def test_the_button_is_not_offered_on_yellow_candidates_or_running_pilots(
    owner_client, workspace, owner
):
    yellow = make_candidate(workspace, "Spa Serena", ticks=4)
    assert DESIGN_BUTTON not in body(
        owner_client.get(reverse("candidates:detail", args=[yellow.code]))
    )
    pilot = make_pilot(yellow, owner)
    assert DESIGN_BUTTON not in body(owner_client.get(reverse("pilots:detail", args=[pilot.code])))


def test_a_double_tap_designs_one_alliance(owner_client, green):
    first = owner_client.post(_create_url(green))
    second = owner_client.post(_create_url(green))
    assert first.url == second.url
    assert Alliance.objects.filter(candidate=green).count() == 1


def test_an_active_alliance_is_shown_rather_than_designed_again(owner_client, alliance):
    Alliance.objects.filter(pk=alliance.pk).update(
        state=State.ACTIVE,
        activated_at=alliance.created_at,
        next_review_date=alliance.created_at.date(),
    )
    response = owner_client.post(_create_url(alliance.candidate))
    assert response.url == detail_url(alliance)


def test_a_yellow_candidate_is_told_why_not(owner_client, workspace):
    yellow = make_candidate(workspace, "Spa Serena", ticks=4)
    response = owner_client.post(_create_url(yellow), follow=True)
    assert response.redirect_chain[-1][0] == reverse("candidates:detail", args=[yellow.code])
    assert "An alliance comes after a green light" in body(response)
    assert not Alliance.objects.exists()


def test_a_running_pilot_decides_first(owner_client, green, owner):
    pilot = make_pilot(green, owner)
    response = owner_client.post(_create_url(green), follow=True)
    assert response.redirect_chain[-1][0] == reverse("pilots:detail", args=[pilot.code])
    assert "its review decides what comes next" in body(response)
    assert not Alliance.objects.exists()


def test_an_archived_candidate_is_not_found(owner_client, green):
    green.archived_at = green.created_at
    green.save()
    assert owner_client.post(_create_url(green)).status_code == 404


def test_a_form_from_another_workspace_is_refused(owner_client, green, outsider):
    other = outsider.workspaces().get()
    response = owner_client.post(_create_url(green), {"workspace": other.code})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert not Alliance.objects.exists()
