"""A form acts in the workspace it was shown in, whatever another tab switched to meanwhile.

A consultant advises two businesses (Tienda Luna and Café Sol): they open a form in Tienda
Luna, switch to Café Sol in another tab, then submit the first form. What they typed must
land in Tienda Luna, never in Café Sol; and someone no longer a member of the form's
workspace is refused, with nothing saved anywhere.
"""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Membership, Workspace
from candidates.models import Candidate
from pilots.models import Decision, PilotStatus, ResultEntry, Review
from tests.conftest import make_candidate
from tests.page_forms import form_on
from tests.pilots.conftest import make_pilot

pytestmark = pytest.mark.django_db

SWITCH = reverse("accounts:switch")
SENT_THERE = "That form was opened in “Tienda Luna”, so it was sent there"


@pytest.fixture
def cafe(owner, workspace) -> Workspace:
    """The consultant's second client; Tienda Luna (`workspace`) stays the current one."""
    return owner.create_workspace("Café Sol")


@pytest.fixture
def due_pilot(workspace, owner):
    """A pilot in Tienda Luna whose day-14 review is today."""
    candidate = make_candidate(workspace, "Spa Serena", ticks=4)
    return make_pilot(candidate, owner, start_date=timezone.localdate() - timedelta(days=14))


def _switch_in_another_tab(client, workspace: Workspace) -> None:
    response = client.post(SWITCH, {"workspace": workspace.code})
    assert response.status_code == 302


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_a_new_candidate_with_notes_lands_in_the_workspace_its_form_was_opened_in(
    owner_client, workspace, cafe
):
    action, data = form_on(owner_client.get(reverse("candidates:create")), having="name")
    _switch_in_another_tab(owner_client, cafe)
    data.update(name="Spa Serena", notes="Confidential: they pay 40 % margin")

    response = owner_client.post(action, data, follow=True)

    candidate = Candidate.objects.get(name="Spa Serena")
    assert candidate.workspace == workspace
    assert candidate.notes == "Confidential: they pay 40 % margin"
    assert not Candidate.objects.filter(workspace=cafe).exists()
    # The person lands on the new candidate's page, told where it went.
    assert response.redirect_chain[-1][0] == reverse("candidates:detail", args=[candidate.code])
    assert SENT_THERE in _text(response)
    assert "Confidential: they pay 40 % margin" in _text(response)


def test_a_candidate_edit_opened_in_one_workspace_is_saved_there(owner_client, workspace, cafe):
    candidate = make_candidate(workspace, "Spa Serena")
    edit = reverse("candidates:edit", args=[candidate.code])
    action, data = form_on(owner_client.get(edit), having="name")
    _switch_in_another_tab(owner_client, cafe)
    data.update(notes="Met the owner on Tuesday")

    response = owner_client.post(action, data, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("candidates:detail", args=[candidate.code])
    candidate.refresh_from_db()
    assert candidate.notes == "Met the owner on Tuesday"
    assert SENT_THERE in _text(response)


def test_a_tick_on_a_checklist_opened_in_one_workspace_is_saved_there(
    owner_client, workspace, cafe
):
    candidate = make_candidate(workspace, "Spa Serena", ticks=2)
    page = owner_client.get(reverse("candidates:detail", args=[candidate.code]))
    action, data = form_on(page, having="transferable_trust")
    _switch_in_another_tab(owner_client, cafe)

    # What htmx sends for the third box: that box and the form's workspace.
    response = owner_client.post(
        action,
        {"active_channel": "on", "workspace": data["workspace"]},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TRIGGER_NAME="active_channel",
    )

    assert response.status_code == 200
    assert "3/8" in response.content.decode()
    assert candidate.current_evaluation().score == 3


def test_an_invitation_sent_from_a_form_opened_in_one_workspace_invites_to_it(
    owner_client, workspace, cafe, mailoutbox
):
    action, data = form_on(owner_client.get(reverse("accounts:members")), having="role")
    _switch_in_another_tab(owner_client, cafe)
    data.update(email="partner@example.com")

    response = owner_client.post(action, data, follow=True)

    invitation = Invitation.objects.get(email="partner@example.com")
    assert invitation.workspace == workspace
    assert not Invitation.objects.filter(workspace=cafe).exists()
    assert "Invitation sent to partner@example.com." in _text(response)
    assert "Tienda Luna" in mailoutbox[0].body
    assert "Café Sol" not in mailoutbox[0].body


def test_a_rename_from_a_form_opened_in_one_workspace_renames_that_one(
    owner_client, workspace, cafe
):
    action, data = form_on(
        owner_client.get(reverse("accounts:workspace_settings")), having="time_zone"
    )
    _switch_in_another_tab(owner_client, cafe)
    data.update(name="Tienda Luna Centro")

    response = owner_client.post(action, data, follow=True)

    assert "Workspace settings saved." in _text(response)
    workspace.refresh_from_db()
    cafe.refresh_from_db()
    assert (workspace.name, cafe.name) == ("Tienda Luna Centro", "Café Sol")


def test_a_review_from_a_page_opened_in_one_workspace_is_recorded(
    owner_client, workspace, cafe, due_pilot
):
    review = reverse("pilots:review", args=[due_pilot.code])
    action, data = form_on(owner_client.get(review), having="decision")
    _switch_in_another_tab(owner_client, cafe)
    data.update(decision=Decision.PROMOTE, notes="Twelve referrals in two weeks")

    response = owner_client.post(action, data, follow=True)

    assert response.redirect_chain[-1][0] == reverse("pilots:detail", args=[due_pilot.code])
    assert "Review saved." in _text(response)
    recorded = Review.objects.get(pilot=due_pilot)
    assert (recorded.decision, recorded.notes) == (
        Decision.PROMOTE,
        "Twelve referrals in two weeks",
    )
    due_pilot.refresh_from_db()
    assert due_pilot.status == PilotStatus.FINISHED


def test_a_result_from_a_page_opened_in_one_workspace_is_logged_on_its_pilot(
    owner_client, workspace, cafe, due_pilot
):
    page = owner_client.get(reverse("pilots:detail", args=[due_pilot.code]))
    action, data = form_on(page, having="referrals")
    _switch_in_another_tab(owner_client, cafe)
    data.update(referrals="3", note="Three clients from the spa")

    response = owner_client.post(action, data, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("pilots:detail", args=[due_pilot.code])
    assert "Result logged." in _text(response)
    entry = ResultEntry.objects.get()
    assert (entry.pilot, entry.referrals) == (due_pilot, 3)
    assert "Three clients from the spa" in _text(response)


def test_after_a_form_sent_to_its_workspace_the_person_keeps_working_there(
    owner_client, workspace, cafe
):
    make_candidate(workspace, "Spa Serena")
    make_candidate(cafe, "Librería Norte")
    action, data = form_on(owner_client.get(reverse("candidates:create")), having="name")
    _switch_in_another_tab(owner_client, cafe)
    owner_client.post(action, {**data, "name": "Panadería Sol"})

    listed = _text(owner_client.get(reverse("candidates:list")))
    assert "Spa Serena" in listed and "Panadería Sol" in listed
    assert "Librería Norte" not in listed


def test_a_form_of_a_workspace_one_was_removed_from_saves_nothing_anywhere(
    owner, member_client, member, workspace
):
    # The member also works for Café Sol; while their form of Tienda Luna is open, the
    # owner removes them from Tienda Luna.
    cafe = member.create_workspace("Café Sol")
    action, data = form_on(member_client.get(reverse("candidates:create")), having="name")
    assert data["workspace"] == [workspace.code]
    Membership.objects.filter(user=member, workspace=workspace).delete()
    data.update(name="Spa Serena", notes="Confidential: they pay 40 % margin")

    response = member_client.post(action, data, follow=True)

    assert not Candidate.objects.exists()
    assert response.redirect_chain[0] == (reverse("home"), 302)
    assert (
        "That form belongs to a workspace you are no longer a member of: nothing was saved."
        in _text(response)
    )
    # What they see next is their own remaining workspace, untouched.
    assert not Candidate.objects.filter(workspace=cafe).exists()


def test_switching_workspace_never_lands_on_a_page_of_the_old_one(owner_client, workspace, cafe):
    candidate = make_candidate(workspace, "Spa Serena")
    pilot = make_pilot(make_candidate(workspace, "Librería Norte", ticks=4))
    pages_of_one_workspace = [
        reverse("pilots:detail", args=[pilot.code]),
        reverse("pilots:review", args=[pilot.code]),
        reverse("candidates:detail", args=[candidate.code]),
        reverse("candidates:edit", args=[candidate.code]),
    ]
    for page in pages_of_one_workspace:
        response = owner_client.post(SWITCH, {"workspace": cafe.code, "next": page})
        assert response["Location"] == reverse("home"), page
        owner_client.post(SWITCH, {"workspace": workspace.code})

    response = owner_client.post(
        SWITCH, {"workspace": cafe.code, "next": pages_of_one_workspace[0]}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("dashboard:home")
    assert "Now working in “Café Sol”." in _text(response)

    # A page every workspace has (the candidate list, with its filters) stays where it was.
    listed = reverse("candidates:list") + "?colour=yellow&sort=name"
    response = owner_client.post(SWITCH, {"workspace": workspace.code, "next": listed})
    assert response["Location"] == listed
