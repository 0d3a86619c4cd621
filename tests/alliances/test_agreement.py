"""The agreement on one page: an alliance's one-pager at /o/<token>/, the page both sides keep.
Public and read-only behind a revocable token, in the partner's language, printable, with
nothing internal on it; made and revoked from the alliance's page."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from alliances.models import Alliance, Entry, FollowUp, Measure, Metric, State, TimeEntry
from candidates.models import Candidate, Kind
from tests.alliances.conftest import complete, detail_url, promoted_pilot
from tests.conftest import make_candidate
from tests.pilots.conftest import TODAY, assert_login_required, body, set_hourly_value

pytestmark = pytest.mark.django_db

THEY_BRING_NOTE = "Their 2,000 members, every week at the front desk"
WE_BRING_NOTE = "A first-visit discount and a nurse who answers questions"


def _link_url(alliance: Alliance) -> str:
    return reverse("alliances:agreement_link", args=[alliance.code])


def _create(client, alliance: Alliance, **fields) -> str:
    response = client.post(_link_url(alliance), {"action": "create", **fields})
    assert response.status_code == 302, body(response)
    alliance.refresh_from_db()
    return reverse("partners:one_pager", args=[alliance.one_pager_token])


def _read(url: str, language: str = "en") -> tuple[int, str]:
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(url)
    return response.status_code, body(response)


def _text(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


@pytest.fixture
def active(alliance, owner) -> Alliance:
    """A referral programme with the whole design filled in, active since TODAY."""
    complete(alliance, metrics=3)
    alliance.kind = Kind.REFERRAL
    alliance.they_bring, alliance.they_bring_note = ["trust", "audience"], THEY_BRING_NOTE
    alliance.we_bring, alliance.we_bring_note = ["know_how"], WE_BRING_NOTE
    alliance.benefit_rule, alliance.benefit_value = "percent", Decimal("12.5")
    alliance.our_contact, alliance.their_contact = "Lucía (ventas)", "Marcos, recepción"
    alliance.margin_per_sale = Decimal("37.50")
    alliance.save()
    assert alliance.activate(owner, TODAY)
    return alliance


# --- making, updating and revoking the link ----------------------------------------------------


def test_an_alliance_has_no_agreement_link_until_the_owner_creates_it(owner_client, alliance):
    assert alliance.one_pager_token is None
    page = body(owner_client.get(detail_url(alliance)))
    assert "The agreement on one page" in page
    assert "Create the agreement link" in page
    assert "Revoke the agreement link" not in page


def test_the_owner_creates_the_link_and_sees_it_on_the_alliance_page(owner_client, active):
    response = owner_client.post(_link_url(active), {"action": "create"}, follow=True)
    active.refresh_from_db()
    page = body(response)
    assert len(active.one_pager_token) >= 40  # 256 random bits
    assert "Agreement link created: send it to your partner." in page
    assert reverse("partners:one_pager", args=[active.one_pager_token]) in page
    assert "Revoke the agreement link" in page
    assert "Update the agreement" in page


def test_a_double_tap_makes_one_link(owner_client, active):
    first = _create(owner_client, active)
    response = owner_client.post(_link_url(active), {"action": "create"}, follow=True)
    assert "Agreement updated; its link stays the same." in body(response)
    assert _create(owner_client, active) == first
    assert _read(first)[0] == 200


def test_revoking_turns_the_page_into_a_404_and_a_new_link_is_a_new_secret(owner_client, active):
    url = _create(owner_client, active)
    assert _read(url)[0] == 200
    response = owner_client.post(_link_url(active), {"action": "revoke"}, follow=True)
    assert "The agreement link no longer works." in body(response)
    assert "Create the agreement link" in body(response)
    active.refresh_from_db()
    assert active.one_pager_token is None
    assert _read(url)[0] == 404
    # Revoking twice (a double tap) is still revoked.
    assert owner_client.post(_link_url(active), {"action": "revoke"}).status_code == 302
    new_url = _create(owner_client, active)
    assert new_url != url
    assert _read(url)[0] == 404
    assert _read(new_url)[0] == 200


def test_an_ended_alliance_shares_no_agreement(owner_client, active):
    url = _create(owner_client, active)
    Alliance.objects.filter(pk=active.pk).update(state=State.ENDED, ended_at=timezone.now())
    assert _read(url)[0] == 404
    assert "The agreement on one page" not in body(owner_client.get(detail_url(active)))
    response = owner_client.post(_link_url(active), {"action": "create"}, follow=True)
    assert "The agreement link was not created: nothing was saved." in body(response)


def test_a_wrong_token_is_a_404(owner_client, active):
    _create(owner_client, active)
    assert _read(reverse("partners:one_pager", args=["not-the-token"]))[0] == 404
    active.partner_token = "a-partner-token-that-is-not-the-agreements"
    active.save(update_fields=["partner_token"])
    assert _read(reverse("partners:one_pager", args=[active.partner_token]))[0] == 404


def test_the_language_must_be_one_of_the_sites(owner_client, active):
    response = owner_client.post(
        _link_url(active), {"action": "create", "one_pager_language": "fr"}, follow=True
    )
    assert "The agreement link was not created: nothing was saved." in body(response)
    active.refresh_from_db()
    assert active.one_pager_token is None


def test_a_link_carried_over_from_the_pilot_shows_the_agreement_and_is_revoked_with_it(
    owner_client, workspace, owner
):
    pilot = promoted_pilot(workspace, owner)
    alliance = complete(Alliance.objects.design_for(pilot.candidate, owner))
    pilot.one_pager_token = alliance.one_pager_token = "the-same-link-the-partner-already-has"
    pilot.save(update_fields=["one_pager_token"])
    alliance.save(update_fields=["one_pager_token"])
    url = reverse("partners:one_pager", args=[alliance.one_pager_token])
    page = _read(url)[1]
    assert "Our agreement: Tienda Luna and Spa Serena" in page
    # The pilot's code and tracked link carry over too.
    assert pilot.tracking_code in page
    assert reverse("partners:track", args=[pilot.tracking_code]) in page
    owner_client.post(_link_url(alliance), {"action": "revoke"})
    pilot.refresh_from_db()
    assert pilot.one_pager_token is None
    assert _read(url)[0] == 404


def test_the_link_takes_only_post(owner_client, active):
    assert owner_client.get(_link_url(active)).status_code == 405


def test_another_workspace_can_neither_create_nor_revoke(outsider_client, owner_client, active):
    url = _create(owner_client, active)
    assert outsider_client.post(_link_url(active), {"action": "revoke"}).status_code == 404
    assert outsider_client.post(_link_url(active), {"action": "create"}).status_code == 404
    assert _read(url)[0] == 200


def test_visitors_are_sent_to_log_in(active):
    assert_login_required(_link_url(active), "post")


def test_members_manage_it_too(member_client, active):
    _create(member_client, active)
    assert active.one_pager_token


# --- what the partner reads ----------------------------------------------------------------------


def test_the_partner_reads_the_agreement_without_logging_in(owner_client, active):
    url = _create(owner_client, active)
    response = Client().get(url)
    page = body(response)
    text = _text(page)
    assert response.status_code == 200
    assert "Our agreement: Tienda Luna and Café Aurora" in page
    assert "Referral program · In force since Dec. 9, 2026." in text
    # What each brings: the assets by name (in the method's order) and the lines.
    assert "Café Aurora (you) Audience that fits, Transferable trust" in text
    assert THEY_BRING_NOTE in page
    assert "Tienda Luna Know-how" in text
    assert WE_BRING_NOTE in page
    # The three answers.
    for field in ("how_passed", "how_served", "how_charged"):
        assert getattr(active, field) in page
    # The metrics and their monthly targets, money in the workspace's currency.
    assert "Referrals: 10 a month" in text
    assert "Sales: 20 a month" in text
    assert "Revenue: $30 a month" in text
    assert "12.5% of each sale you bring." in text
    assert "We review it together every month" in text
    assert "Next review: Jan. 9, 2027" in text
    assert "Marcos, recepción" in page and "Lucía (ventas)" in page
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "same-origin"
    assert "<form" not in page  # read-only


def test_it_prints_on_one_page_without_the_controls(owner_client, active):
    page = _read(_create(owner_client, active))[1]
    assert '<body class="printable">' in page  # the print styles of the printable pages
    assert "data-print" in page
    assert 'class="d-flex justify-content-end gap-2 no-print"' in page  # the language switch


def test_a_proposal_in_design_says_it_is_not_in_force(owner_client, alliance):
    complete(alliance)
    page = _text(_read(_create(owner_client, alliance))[1])
    assert "A proposal: not in force yet." in page
    assert "The first review is set when the alliance starts." in page
    assert "Next review" not in page


def test_a_sales_channel_shows_its_follow_up_and_no_benefit(owner_client, active):
    Alliance.objects.filter(pk=active.pk).update(
        kind=Kind.CHANNEL, follow_up=FollowUp.FORTNIGHTLY, review_cadence="quarterly"
    )
    page = _text(_read(_create(owner_client, active))[1])
    assert "We check in every two weeks" in page
    assert "of each sale you bring" not in page
    assert "We review it together every three months" in page


def test_a_fixed_benefit_is_shown_in_the_workspace_currency(owner_client, active, workspace):
    workspace.currency = "ARS"
    workspace.save(update_fields=["currency"])
    Alliance.objects.filter(pk=active.pk).update(benefit_rule="per_sale", benefit_value=5000)
    page = _text(_read(_create(owner_client, active), "es")[1])
    assert "$5.000 " in page  # as Argentina writes pesos


@pytest.fixture
def busy_workspace(workspace, owner, active):
    """Everything the partner must never see around the alliance."""
    set_hourly_value(workspace, "55")
    Candidate.objects.filter(pk=active.candidate_id).update(notes="SECRET-CANDIDATE-NOTE")
    Entry.objects.create(
        alliance=active, date=TODAY, referrals=3, sales=2, revenue=77, note="SECRET-RESULT-NOTE"
    )
    TimeEntry.objects.create(
        alliance=active, date=TODAY, minutes=125, kind="meeting", note="SECRET-COORD-NOTE"
    )
    other = complete(Alliance.objects.design_for(make_candidate(workspace, "Otro Socio", 6), owner))
    other.one_pager_token = "another-alliances-agreement-token-000000000"
    other.how_served = "SECRET-OTHER-ALLIANCE"
    other.save()
    make_candidate(workspace, "Candidata Secreta", ticks=7)
    active.partner_token = "the-partners-own-referral-page-token-0000000"
    active.save(update_fields=["partner_token"])
    return active


def test_the_agreement_hides_everything_internal(owner_client, busy_workspace):
    alliance = busy_workspace
    page = _read(_create(owner_client, alliance))[1]
    for secret in (
        "SECRET-CANDIDATE-NOTE",
        "SECRET-RESULT-NOTE",
        "SECRET-COORD-NOTE",
        "SECRET-OTHER-ALLIANCE",
        "Otro Socio",
        "Candidata Secreta",
        "37.50",  # margin per sale
        "37,50",
        "55",  # value of an hour
        "114.58",  # the coordination cost this month (125 min at 55)
        "77",  # revenue logged
        alliance.partner_token,  # the partner's own referral page: not for forwarding
        alliance.code,  # the internal alliance address
        "Expensive hobby",
        "Margin",
        "Coordination",
        "Design history",
        "Log out",
    ):
        assert not re.search(rf"(?<![\w-]){re.escape(secret)}(?![\w-])", page), secret


def test_what_people_typed_is_shown_as_text(owner_client, active, workspace):
    script, img = '<script>alert("x")</script>', '"><img src=x onerror=alert(1)>'
    workspace.name = f"Tienda {script}"
    workspace.save(update_fields=["name"])
    Candidate.objects.filter(pk=active.candidate_id).update(name=f"Spa {img}")
    Alliance.objects.filter(pk=active.pk).update(
        how_passed=script, they_bring_note=img, our_contact=script, their_contact=img
    )
    Metric.objects.filter(alliance=active, position=1).update(measure=Measure.CUSTOM, name=img)
    html = Client().get(_create(owner_client, active)).content.decode()
    assert script not in html and "<img src=x" not in html
    assert escape(script) in html and escape(img) in html


# --- the partner's language --------------------------------------------------------------------


def test_it_follows_the_partners_browser(owner_client, active):
    url = _create(owner_client, active)
    response = Client(HTTP_ACCEPT_LANGUAGE="es-AR,es;q=0.9").get(url)
    page = body(response)
    assert response["Content-Language"] == "es-ar"
    assert '<html lang="es-ar">' in page
    # (The catalogues in locale/ carry the rest of the page's Spanish.)
    assert "Imprimir" in page
    assert "9 Enero 2027" in page  # the next review, as Django writes dates in es-AR
    assert f'href="{url}?lang=en" hreflang="en" lang="en">English</a>' in page


def test_the_owner_picks_the_partners_language_and_the_page_switch_wins(owner_client, active):
    url = _create(owner_client, active, one_pager_language="es")
    assert '<html lang="es">' in _read(url, "en-US,en;q=0.9")[1]
    response = Client(HTTP_ACCEPT_LANGUAGE="es").get(url + "?lang=en")
    assert response["Content-Language"] == "en"
    assert "Our agreement" in body(response)
    assert "Next review: Jan. 9, 2027" in _text(body(response))
    assert f'href="{url}?lang=es" hreflang="es" lang="es">Español</a>' in body(response)
    # Changing the language later keeps the link.
    assert _create(owner_client, active, one_pager_language="en") == url
    assert "Our agreement" in _read(url, "es")[1]


def test_an_unknown_language_falls_back(owner_client, active):
    url = _create(owner_client, active)
    assert "Our agreement" in _read(url + "?lang=xx", "en")[1]


# --- cost --------------------------------------------------------------------------------------


def _queries(url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(url).status_code == 200
    return len(queries)


def test_the_agreement_costs_the_same_queries_with_one_metric_or_three_and_any_history(
    owner_client, alliance, owner
):
    one = _create(owner_client, complete(alliance))
    at_one = _queries(one)
    Metric.objects.create(alliance=alliance, position=2, measure=Measure.SALES, monthly_target=3)
    Metric.objects.create(alliance=alliance, position=3, measure=Measure.REVENUE)
    alliance.activate(owner, TODAY)
    for day in range(1, 9):
        Entry.objects.create(alliance=alliance, date=TODAY.replace(day=day), sales=1)
    assert _queries(one) == at_one
