"""The partner's side of an alliance: the links carry over from the pilot promoted (or are
new, from a green light); the tracked link counts clicks for the alliance; the partner's page
records "I referred someone" and, for a sales channel or a referral programme, "A sale was
made", each in one tap, logged out, once per tap."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from alliances.models import Alliance, Benefit, ClickDay, Entry
from candidates.models import Kind
from pilots.models import PARTNER_LIMIT, Pilot, Source
from pilots.models import ClickDay as PilotClickDay
from tests.alliances.conftest import promoted_pilot
from tests.alliances.running import referral_programme, running, url
from tests.pilots.conftest import LANDING, TODAY, body

pytestmark = pytest.mark.django_db


def page_url(alliance: Alliance) -> str:
    return reverse("partners:page", args=[alliance.partner_token])


def track_url(code: str) -> str:
    return reverse("partners:track", args=[code])


def partner_form(client: Client, alliance: Alliance, sale: bool = False) -> dict:
    """The partner page's referral form (or its sale form), as the browser would send it."""
    html = client.get(page_url(alliance)).content.decode()
    forms = re.findall(r"<form method=\"post\".*?</form>", html, re.S)
    form = next(f for f in forms if ('value="sale"' in f) == sale)
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))


@pytest.fixture
def from_pilot(workspace, owner):
    """A pilot promoted at its review, and the alliance designed from it."""
    pilot = promoted_pilot(workspace, owner)
    pilot.one_pager_token = "one-pager-secret"
    pilot.one_pager_language = "es"
    pilot.margin_per_sale = Decimal("25.50")
    pilot.save()
    return pilot, Alliance.objects.design_for(pilot.candidate, owner)


# --- carry-over ------------------------------------------------------------------------------


def test_an_alliance_from_a_promoted_pilot_keeps_its_links_and_margin(from_pilot):
    pilot, alliance = from_pilot
    assert alliance.pilot == pilot
    assert alliance.tracking_code == pilot.tracking_code
    assert alliance.partner_token == pilot.partner_token is not None
    assert alliance.one_pager_token == "one-pager-secret"
    assert alliance.one_pager_language == "es"
    assert alliance.margin_per_sale == Decimal("25.50")


def test_an_alliance_from_a_green_light_gets_new_links(alliance):
    assert alliance.pilot is None
    assert re.fullmatch(r"[A-Z0-9]{6}", alliance.tracking_code)
    assert len(alliance.partner_token) >= 40
    assert not Pilot.objects.filter(tracking_code=alliance.tracking_code).exists()
    assert alliance.one_pager_token is None


def test_the_tracked_link_keeps_working_and_counts_for_the_alliance(from_pilot):
    pilot, alliance = from_pilot
    response = Client().get(track_url(pilot.tracking_code.lower()))
    assert response.status_code == 302
    assert response["Location"] == LANDING
    assert response["Referrer-Policy"] == "no-referrer"
    assert dict(ClickDay.objects.filter(alliance=alliance).values_list("date", "count")) == {
        TODAY: 1
    }
    assert not PilotClickDay.objects.filter(pilot=pilot).exists()


def test_tracked_clicks_show_on_the_alliance_s_month(owner_client, from_pilot, owner):
    pilot, alliance = from_pilot
    active = running(alliance, owner)
    for _ in range(3):
        Client().get(track_url(pilot.tracking_code))
    page = body(owner_client.get(url("detail", active)))
    row = re.search(r'<tr data-month="2026-12".*?</tr>', page, re.S).group(0)
    assert 'data-label="Clicks on the tracked link">3</td>' in row
    assert pilot.tracking_code in page


def test_once_the_alliance_ends_the_link_counts_for_the_pilot_again(from_pilot):
    pilot, alliance = from_pilot
    Alliance.objects.filter(pk=alliance.pk).update(state="ended", ended_at=datetime.now(UTC))
    assert Client().get(track_url(pilot.tracking_code)).status_code == 302
    assert PilotClickDay.objects.filter(pilot=pilot).get().count == 1
    assert Client().get(page_url(alliance)).status_code == 404


def test_a_green_alliance_without_a_landing_address_has_no_tracked_link(alliance):
    assert alliance.tracked_path() is None
    assert Client().get(track_url(alliance.tracking_code)).status_code == 404
    assert not ClickDay.objects.exists()


def test_a_new_alliance_from_the_same_pilot_takes_the_links_over(from_pilot, owner):
    pilot, first = from_pilot
    Alliance.objects.filter(pk=first.pk).update(state="ended", ended_at=datetime.now(UTC))
    second = Alliance.objects.design_for(pilot.candidate, owner)
    assert second.pk != first.pk
    assert (second.tracking_code, second.partner_token) == (
        pilot.tracking_code,
        pilot.partner_token,
    )
    first.refresh_from_db()
    assert (first.tracking_code, first.partner_token, first.one_pager_token) == (None,) * 3


def test_the_partner_page_carries_over_and_records_in_the_alliance(from_pilot, owner):
    pilot, alliance = from_pilot
    running(alliance, owner)
    partner = Client()
    response = partner.post(page_url(alliance), partner_form(partner, alliance), follow=True)
    assert "Thank you! Your referral was recorded." in body(response)
    entry = Entry.objects.get()
    assert (entry.alliance, entry.referrals, entry.sales, entry.source) == (
        alliance,
        1,
        0,
        Source.PARTNER,
    )
    assert not pilot.results.exists()


# --- the partner's page ----------------------------------------------------------------------


@pytest.fixture
def programme(alliance, owner) -> Alliance:
    """A running referral programme: 20 a sale; its metrics count referrals, sales, revenue."""
    return referral_programme(alliance, owner, "per_sale", "20")


def test_the_partner_sees_both_buttons_logged_out(programme):
    response = Client().get(page_url(programme))
    page = body(response)
    assert response.status_code == 200
    assert "Referrals for Tienda Luna" in page
    assert "I referred someone" in page
    assert "A sale was made" in page
    assert programme.tracking_code in page
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "same-origin"
    for internal in ("margin", "Margin", "cost", "$20", programme.how_charged):
        assert internal not in page.split("<main")[1].split("</main>")[0], internal


def test_a_strategic_alliance_s_partner_only_refers(alliance, owner):
    active = running(alliance, owner, kind=Kind.ALLIANCE)
    page = body(Client().get(page_url(active)))
    assert "I referred someone" in page
    assert "A sale was made" not in page


def test_the_partner_records_two_sales_and_the_month_shows_them_with_the_benefit(
    programme, owner_client
):
    partner = Client()
    for _ in range(2):
        response = partner.post(page_url(programme), partner_form(partner, programme, sale=True))
        assert response.status_code == 302
    assert "Thank you! The sale was recorded." in body(partner.get(page_url(programme)))
    sales = Entry.objects.filter(alliance=programme, source=Source.PARTNER)
    assert sorted(sales.values_list("sales", "referrals", "date")) == [(1, 0, TODAY)] * 2
    page = body(owner_client.get(url("detail", programme)))
    figure = re.search(r'data-metric="2".*?data-figure="this-month">([^<]+)<', page, re.S)
    assert figure.group(1) == "2"
    assert list(Benefit.objects.values_list("amount", flat=True)) == [Decimal("20.00")] * 2
    ledger = body(owner_client.get(url("ledger", programme)))
    assert re.search(r'data-month="total".*?data-figure="owed">\$40<', ledger, re.S)


def test_a_sale_with_its_amount_owes_the_percentage(alliance, owner):
    percent = referral_programme(alliance, owner, "percent", "12.5")
    partner = Client()
    data = {**partner_form(partner, percent, sale=True), "revenue": "1000.10"}
    assert partner.post(page_url(percent), data).status_code == 302
    entry = Entry.objects.get()
    assert (entry.sales, entry.revenue) == (1, Decimal("1000.10"))
    assert entry.benefit.amount == Decimal("125.01")


def test_a_double_tap_on_a_sale_records_it_once_and_owes_once(programme):
    partner = Client()
    data = partner_form(partner, programme, sale=True)
    for _ in range(2):
        assert partner.post(page_url(programme), data).status_code == 302
    assert Entry.objects.count() == 1
    assert Benefit.objects.count() == 1


def test_a_referral_and_a_sale_from_one_page_are_both_recorded(programme):
    partner = Client()
    referral, sale = partner_form(partner, programme), partner_form(partner, programme, True)
    partner.post(page_url(programme), referral)
    partner.post(page_url(programme), sale)
    assert sorted(Entry.objects.values_list("referrals", "sales")) == [(0, 1), (1, 0)]


def test_the_referral_keeps_its_details_with_consent(programme):
    partner = Client()
    data = {
        **partner_form(partner, programme),
        "contact_name": "Marta Núñez",
        "contact_info": "+54 11 5555-0101",
    }
    response = partner.post(page_url(programme), data)
    assert response.status_code == 400
    assert "Tick this only if the person agreed" in body(response)
    assert not Entry.objects.exists()
    response = partner.post(page_url(programme), {**data, "consent": "on"})
    assert response.status_code == 302
    assert Entry.objects.get().contact_name == "Marta Núñez"


def test_a_bad_amount_comes_back_with_the_error(programme):
    partner = Client()
    data = {**partner_form(partner, programme, sale=True), "revenue": "-5"}
    response = partner.post(page_url(programme), data)
    assert response.status_code == 400
    assert "There is a problem" in body(response)
    assert not Entry.objects.exists()


def test_the_partner_page_stops_a_flood(programme):
    partner = Client()
    for _ in range(PARTNER_LIMIT):
        partner.post(page_url(programme), partner_form(partner, programme, sale=True))
    response = partner.post(page_url(programme), partner_form(partner, programme, sale=True))
    assert response.status_code == 429
    assert "Too many entries in a few minutes." in body(response)
    assert Entry.objects.count() == PARTNER_LIMIT


def test_a_revoked_or_unknown_link_finds_nothing(programme, owner_client):
    token = programme.partner_token
    owner_client.post(url("partner_link", programme), {"action": "revoke"})
    assert Client().get(reverse("partners:page", args=[token])).status_code == 404
    assert Client().post(reverse("partners:page", args=[token])).status_code == 404
    assert Client().get(reverse("partners:page", args=["x" * 43])).status_code == 404
    assert not Entry.objects.exists()


def test_the_partner_page_takes_only_get_and_post(programme):
    assert Client().put(page_url(programme)).status_code == 405
    assert Client().post(track_url(programme.tracking_code)).status_code == 405


def test_the_partner_page_is_csrf_protected(programme):
    partner = Client(enforce_csrf_checks=True)
    data = partner_form(partner, programme, sale=True)
    assert partner.post(page_url(programme), {"action": "sale"}).status_code == 403
    assert partner.post(page_url(programme), data).status_code == 302
    assert Entry.objects.count() == 1
