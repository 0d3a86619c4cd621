"""The same form sent twice records once, a stale tab never undoes a decision, and an
invitation works only for the person it was sent to, once.

A double tap on a phone, a resubmitted page after a slow answer, a second tab opened before
the first one saved: what the person sees afterwards is the state the first submit made,
never a second copy and never an error page.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Membership, Role
from candidates.models import Status
from pilots.models import (
    CoordinationEntry,
    Decision,
    Pilot,
    PilotStatus,
    ResultEntry,
    Review,
    Source,
)
from tests.conftest import client_for, make_candidate, make_user
from tests.page_forms import form_on
from tests.pilots.conftest import make_pilot

pytestmark = pytest.mark.django_db

SENT_TWICE = "Already recorded: it was sent twice."


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def spa(workspace):
    return make_candidate(workspace, "Spa Serena", ticks=4)


@pytest.fixture
def pilot(spa, owner) -> Pilot:
    """Started 14 days ago: its review is due today."""
    return make_pilot(spa, owner, start_date=timezone.localdate() - timedelta(days=14))


def _pilot_page(client, pilot: Pilot):
    return client.get(reverse("pilots:detail", args=[pilot.code]))


# --- appends without a natural key: one line per form shown ----------------------------------


def test_a_result_sent_twice_is_recorded_once(owner_client, pilot):
    action, data = form_on(_pilot_page(owner_client, pilot), having="referrals")
    data.update(referrals="2", sales="1", revenue="45.50", note="Two clients from the spa")

    first = owner_client.post(action, data, follow=True)
    second = owner_client.post(action, data, follow=True)

    assert ResultEntry.objects.filter(pilot=pilot).count() == 1
    assert "Result logged." in _text(first)
    assert second.redirect_chain[-1][0] == reverse("pilots:detail", args=[pilot.code])
    assert SENT_TWICE in _text(second)
    assert _text(second).count("Two clients from the spa") == 1
    # The next result, from the page as shown again, is a new line.
    action, data = form_on(second, having="referrals")
    owner_client.post(action, {**data, "referrals": "1"})
    assert ResultEntry.objects.filter(pilot=pilot).count() == 2


def test_coordination_time_sent_twice_is_logged_once(owner_client, pilot):
    action, data = form_on(_pilot_page(owner_client, pilot), having="minutes")
    data.update(minutes="45", kind="meeting", note="Planning call")

    owner_client.post(action, data)
    second = owner_client.post(action, data, follow=True)

    assert CoordinationEntry.objects.filter(pilot=pilot).count() == 1
    assert SENT_TWICE in _text(second)


def test_the_partner_tapping_twice_records_one_referral(pilot):
    partner = Client()  # the partner's phone: not signed in
    page = partner.get(reverse("partners:page", args=[pilot.partner_token]))
    action, data = form_on(page, having="consent")

    first = partner.post(action, data, follow=True)
    second = partner.post(action, data, follow=True)

    assert ResultEntry.objects.filter(pilot=pilot, source=Source.PARTNER).count() == 1
    for response in (first, second):
        assert response.status_code == 200
        assert "Thank you! Your referral was recorded." in _text(response)


# --- transitions: the first decision wins, the second sees it ---------------------------------


def test_a_double_submitted_extension_extends_once_and_says_it_was_already_recorded(
    owner_client, pilot
):
    review = reverse("pilots:review", args=[pilot.code])
    first_tab = form_on(owner_client.get(review), having="decision")
    second_tab = form_on(owner_client.get(review), having="decision")
    new_date = (pilot.review_date + timedelta(days=7)).isoformat()
    extend = {"decision": Decision.EXTEND, "new_review_date": new_date}

    owner_client.post(first_tab[0], {**first_tab[1], **extend})
    response = owner_client.post(second_tab[0], {**second_tab[1], **extend}, follow=True)

    assert response.status_code != 500
    assert Review.objects.filter(pilot=pilot).count() == 1
    pilot.refresh_from_db()
    assert pilot.extended and pilot.review_date.isoformat() == new_date
    assert response.redirect_chain[-1:] == [(reverse("pilots:detail", args=[pilot.code]), 302)]
    assert "This review was already recorded; here is the pilot now." in _text(response)


def test_marking_open_referral_from_a_stale_page_while_a_pilot_runs_changes_nothing(
    owner_client, owner, workspace
):
    red = make_candidate(workspace, "Librería Norte", ticks=1)
    referral = reverse("pilots:open_referral", args=[red.code])
    page = owner_client.get(reverse("candidates:detail", args=[red.code]))
    action, data = form_on(page, action=referral)
    # Meanwhile, another tab starts a pilot anyway.
    pilot = make_pilot(red, owner)

    response = owner_client.post(action, data, follow=True)

    red.refresh_from_db()
    pilot.refresh_from_db()
    assert red.status == Status.IN_PILOT
    assert pilot.status == PilotStatus.ACTIVE
    assert response.redirect_chain[-1][0] == reverse("pilots:detail", args=[pilot.code])
    assert "A pilot is running with this candidate: decide at its review" in _text(response)


# --- invitations: for one email, once ----------------------------------------------------------


@pytest.fixture
def owner_invitation(workspace, owner) -> Invitation:
    """An invitation to co-own Tienda Luna, for an address with no account yet."""
    return Invitation.objects.create(
        workspace=workspace, email="Socia@Example.com", role=Role.OWNER, invited_by=owner
    )


def _invitation_url(invitation: Invitation) -> str:
    return reverse("accounts:invitation", args=[invitation.token])


def test_an_invitation_opened_by_another_signed_in_account_joins_nobody(
    outsider_client, outsider, workspace, owner_invitation
):
    url = _invitation_url(owner_invitation)

    shown = outsider_client.get(url)
    posted = outsider_client.post(url)

    for response in (shown, posted):
        assert response.status_code == 403
        assert (
            "This invitation is for Socia@Example.com, and you are logged in as "
            "outsider@example.com." in _text(response)
        )
    assert not Membership.objects.filter(user=outsider, workspace=workspace).exists()
    owner_invitation.refresh_from_db()
    assert owner_invitation.accepted_at is None
    # The person it was sent to (the email in any case) still joins, with the invited role.
    invited = make_user("socia@example.com")
    response = client_for(invited).post(url, follow=True)
    assert "You joined “Tienda Luna”." in _text(response)
    assert Membership.objects.get(user=invited, workspace=workspace).role == Role.OWNER


def test_a_double_click_on_join_joins_once(workspace, owner_invitation):
    invited = make_user("socia@example.com")
    client = client_for(invited)
    url = _invitation_url(owner_invitation)

    client.post(url)
    second = client.post(url, follow=True)

    assert Membership.objects.filter(user=invited, workspace=workspace).count() == 1
    # The second click shows what the first one did, not an error.
    assert second.status_code in (200, 404)
    page = _text(second)
    assert "You joined “Tienda Luna”." in page or "already been accepted" in page
    dashboard = client.get(reverse("dashboard:home"))
    assert dashboard.status_code == 200
    assert dashboard.context["current_membership"].workspace == workspace


@pytest.mark.parametrize(
    ("state", "says"),
    [
        ("accepted", "This invitation has already been accepted. Log in to work in the workspace."),
        ("revoked", "This invitation was withdrawn. Ask the person who invited you for a new one."),
        ("expired", "This invitation has expired. Ask the person who invited you for a new one."),
    ],
)
def test_a_used_invitation_link_says_what_happened_and_offers_to_log_in(
    client, owner_invitation, state, says
):
    now = timezone.now()
    if state == "accepted":
        owner_invitation.accepted_at = now
    elif state == "revoked":
        owner_invitation.revoked_at = now
    else:
        owner_invitation.created_at = now - timedelta(days=10)
        owner_invitation.expires_at = now - timedelta(days=1)
    owner_invitation.save()

    response = client.get(_invitation_url(owner_invitation))

    assert response.status_code == 404
    page = _text(response)
    assert f'data-invitation-state="{state}"' in page
    assert says in page
    assert "Invitation to “Tienda Luna”" in page
    assert f'href="{reverse("login")}"' in page


def test_a_new_candidate_sent_twice_is_added_once(owner_client, workspace):
    from candidates.models import Candidate

    page = owner_client.get(reverse("candidates:create")).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    data = {"name": "Estética Titán", "kind": "referral", "form_token": token}
    first = owner_client.post(reverse("candidates:create"), data)
    second = owner_client.post(reverse("candidates:create"), data, follow=True)
    assert Candidate.objects.filter(workspace=workspace).count() == 1
    added = Candidate.objects.get(workspace=workspace)
    assert first["Location"] == reverse("candidates:detail", args=[added.code])
    assert second.redirect_chain[-1][0] == reverse("candidates:detail", args=[added.code])
    assert "Already added: it was sent twice." in second.content.decode()


def test_re_evaluating_twice_from_the_same_page_freezes_once(owner_client, workspace):
    from tests.conftest import make_candidate

    candidate = make_candidate(workspace, "Spa Serena", ticks=3)
    shown = candidate.current_evaluation().code
    url = reverse("candidates:reevaluate", args=[candidate.code])
    owner_client.post(url, {"evaluation": shown})
    response = owner_client.post(url, {"evaluation": shown}, follow=True)
    assert candidate.evaluations.filter(frozen_at__isnull=False).count() == 1
    assert "That evaluation is already in the history." in response.content.decode()
