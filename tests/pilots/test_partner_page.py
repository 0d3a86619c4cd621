"""The partner's page /p/<token>/: no login, one tap to say "I referred someone"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from pilots.models import Pilot, ResultEntry, Source
from tests.conftest import make_candidate
from tests.pilots.conftest import TODAY, assert_login_required, body, make_pilot

pytestmark = pytest.mark.django_db

CONSENT_ERROR = (
    "Tick this only if the person agreed to share their details; "
    "otherwise leave name and contact empty."
)
TOO_MANY = "Too many entries in a few minutes. Please try again later."


def _url(pilot: Pilot) -> str:
    return reverse("partners:page", args=[pilot.partner_token])


def _link_url(pilot: Pilot) -> str:
    return reverse("pilots:partner_link", args=[pilot.code])


def _partner_entries(pilot: Pilot):
    return ResultEntry.objects.filter(pilot=pilot, source=Source.PARTNER)


def test_the_partner_sees_the_offer_the_script_and_the_code_without_logging_in(pilot):
    response = Client().get(_url(pilot))
    page = body(response)
    assert response.status_code == 200
    assert "Referrals for Tienda Luna" in page
    assert pilot.offer in page
    assert "Diles que vienes de parte del spa." in page
    assert pilot.tracking_code in page
    assert "I referred someone" in page
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "same-origin"


def test_one_tap_records_a_referral_from_the_partner(pilot):
    response = Client().post(_url(pilot), follow=True)
    assert response.redirect_chain[-1][0] == _url(pilot)
    assert "Thank you! Your referral was recorded." in body(response)
    entry = _partner_entries(pilot).get()
    assert (entry.referrals, entry.sales, entry.date) == (1, 0, TODAY)
    assert entry.created_by is None
    assert entry.contact_name == entry.contact_info == ""


def test_the_button_works_from_a_browser_with_csrf_protection(pilot):
    browser = Client(enforce_csrf_checks=True)
    page = body(browser.get(_url(pilot)))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = browser.post(_url(pilot), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert _partner_entries(pilot).count() == 1


def test_the_partner_can_add_details_when_the_person_agreed(pilot):
    Client().post(
        _url(pilot),
        {"contact_name": "Ana", "contact_info": "ana@example.com", "consent": "on", "note": "Hi"},
    )
    entry = _partner_entries(pilot).get()
    assert (entry.contact_name, entry.contact_info, entry.consent) == (
        "Ana",
        "ana@example.com",
        True,
    )
    assert entry.note == "Hi"


@pytest.mark.parametrize(
    "details",
    [{"contact_name": "Ana"}, {"contact_info": "600 123 456"}],
    ids=["name-only", "contact-only"],
)
def test_details_without_consent_are_refused_next_to_the_tick_and_kept(pilot, details):
    response = Client().post(_url(pilot), {**details, "note": "Vino el martes"})
    page = body(response)
    assert response.status_code == 400
    # The message sits with the consent field, and what was typed is still there.
    consent_field = page[page.index('id="div_id_consent"') : page.index('id="div_id_note"')]
    assert CONSENT_ERROR in consent_field
    for value in details.values():
        assert f'value="{value}"' in page
    assert "Vino el martes" in page
    assert "<details open>" in page
    assert not _partner_entries(pilot).exists()


def test_the_eleventh_entry_within_ten_minutes_is_refused(pilot, clock):
    partner = Client()
    for _ in range(10):
        assert partner.post(_url(pilot)).status_code == 302
    response = partner.post(_url(pilot), {"note": "one more"})
    assert response.status_code == 429
    assert TOO_MANY in body(response)
    assert _partner_entries(pilot).count() == 10
    clock.shift(timedelta(minutes=11))
    assert partner.post(_url(pilot)).status_code == 302
    assert _partner_entries(pilot).count() == 11


def test_the_limit_counts_per_pilot(pilot, workspace, clock):
    other = make_pilot(make_candidate(workspace, "Café Sol", ticks=4))
    for _ in range(10):
        Client().post(_url(pilot))
    assert Client().post(_url(pilot)).status_code == 429
    assert Client().post(_url(other)).status_code == 302


def test_the_owners_own_entries_do_not_count_toward_the_partners_limit(owner_client, pilot):
    for _ in range(10):
        owner_client.post(
            reverse("pilots:result_add", args=[pilot.code]),
            {"date": TODAY.isoformat(), "referrals": "1", "sales": "0", "revenue": "0"},
        )
    assert Client().post(_url(pilot)).status_code == 302


def test_partner_entries_show_on_the_pilot_page_marked_as_from_the_partner(owner_client, pilot):
    Client().post(_url(pilot))
    page = body(owner_client.get(reverse("pilots:detail", args=[pilot.code])))
    assert "from the partner" in page
    assert re.search(r"Referrals</dt>\s*<dd[^>]*>1</dd>", page)


def test_a_revoked_link_is_not_found(owner_client, pilot):
    old = _url(pilot)
    response = owner_client.post(_link_url(pilot), {"action": "revoke"}, follow=True)
    assert "The partner link no longer works." in body(response)
    assert "The partner link is revoked." in body(response)
    assert Client().get(old).status_code == 404
    assert Client().post(old).status_code == 404
    assert not _partner_entries(pilot).exists()


def test_a_new_link_revokes_the_old_one(owner_client, pilot):
    old = _url(pilot)
    response = owner_client.post(_link_url(pilot), {"action": "new"}, follow=True)
    pilot.refresh_from_db()
    assert "New partner link created; the old one no longer works." in body(response)
    assert f"http://testserver{_url(pilot)}" in body(response)
    assert _url(pilot) != old
    assert Client().get(old).status_code == 404
    assert Client().get(_url(pilot)).status_code == 200


def test_after_revoking_a_new_link_can_be_made(owner_client, pilot):
    owner_client.post(_link_url(pilot), {"action": "revoke"})
    owner_client.post(_link_url(pilot), {"action": "new"})
    pilot.refresh_from_db()
    assert pilot.partner_token
    assert Client().get(_url(pilot)).status_code == 200


def test_a_finished_pilots_partner_page_is_not_found(pilot):
    Pilot.objects.filter(pk=pilot.pk).update(status="finished", outcome="discarded")
    assert Client().get(_url(pilot)).status_code == 404
    assert Client().post(_url(pilot)).status_code == 404
    assert not _partner_entries(pilot).exists()


def test_an_unknown_token_is_not_found(pilot):
    assert Client().get(reverse("partners:page", args=["not-a-token"])).status_code == 404


def test_the_partner_page_refuses_other_methods(pilot):
    assert Client().put(_url(pilot)).status_code == 405


def test_the_link_controls_are_post_only(owner_client, pilot):
    token = pilot.partner_token
    assert owner_client.get(_link_url(pilot)).status_code == 405
    pilot.refresh_from_db()
    assert pilot.partner_token == token


def test_the_link_controls_need_a_login(pilot):
    assert_login_required(_link_url(pilot), "post")


def test_another_workspace_cannot_revoke_or_renew_the_link(outsider_client, pilot):
    token = pilot.partner_token
    for action in ("revoke", "new"):
        assert outsider_client.post(_link_url(pilot), {"action": action}).status_code == 404
    pilot.refresh_from_db()
    assert pilot.partner_token == token
