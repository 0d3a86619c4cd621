"""The partner one-pager /o/<token>/: public and read-only behind a revocable token, in the
partner's language, with nothing internal on it."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from candidates.models import Candidate
from pilots.models import Pilot
from tests.conftest import make_candidate
from tests.pilots.conftest import (
    assert_login_required,
    body,
    log_result,
    log_time,
    make_pilot,
    set_hourly_value,
)

pytestmark = pytest.mark.django_db

PARTNER_GETS = "10% of each sale they bring"
WE_GET = "Clients who already trust the spa"


def _link_url(pilot: Pilot) -> str:
    return reverse("pilots:one_pager_link", args=[pilot.code])


def _detail_url(pilot: Pilot) -> str:
    return reverse("pilots:detail", args=[pilot.code])


def _create(client, pilot: Pilot, **fields) -> str:
    data = {"action": "create", "partner_benefit": PARTNER_GETS, "our_benefit": WE_GET, **fields}
    response = client.post(_link_url(pilot), data)
    assert response.status_code == 302, body(response)
    pilot.refresh_from_db()
    return reverse("partners:one_pager", args=[pilot.one_pager_token])


def _read(url: str, language: str = "en") -> tuple[int, str]:
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(url)
    return response.status_code, body(response)


# --- creating, updating and revoking the link ---------------------------------------------


def test_a_pilot_has_no_one_pager_until_the_owner_creates_it(owner_client, pilot):
    assert pilot.one_pager_token is None
    page = body(owner_client.get(_detail_url(pilot)))
    assert "One-pager for the partner" in page
    assert "Create one-pager link" in page
    assert "Revoke one-pager link" not in page


def test_the_owner_creates_the_link_and_sees_it_on_the_pilot_page(owner_client, pilot):
    response = owner_client.post(
        _link_url(pilot), {"action": "create", "partner_benefit": PARTNER_GETS}, follow=True
    )
    pilot.refresh_from_db()
    page = body(response)
    assert len(pilot.one_pager_token) >= 40  # 256 random bits
    assert pilot.partner_benefit == PARTNER_GETS
    assert "One-pager link created: send it to your partner." in page
    assert reverse("partners:one_pager", args=[pilot.one_pager_token]) in page
    assert "Revoke one-pager link" in page
    assert "Update the one-pager" in page


def test_updating_the_text_keeps_the_link(owner_client, pilot):
    url = _create(owner_client, pilot)
    response = owner_client.post(
        _link_url(pilot), {"action": "create", "our_benefit": "New customers"}, follow=True
    )
    assert "One-pager updated; its link stays the same." in body(response)
    assert _create(owner_client, pilot, our_benefit="New customers") == url
    assert "New customers" in _read(url)[1]


def test_revoking_turns_the_page_into_a_404(owner_client, pilot):
    url = _create(owner_client, pilot)
    assert _read(url)[0] == 200
    response = owner_client.post(_link_url(pilot), {"action": "revoke"}, follow=True)
    assert "The one-pager link no longer works." in body(response)
    pilot.refresh_from_db()
    assert pilot.one_pager_token is None
    assert _read(url)[0] == 404
    # A new link is a new secret: the old one stays dead.
    new_url = _create(owner_client, pilot)
    assert new_url != url
    assert _read(url)[0] == 404
    assert _read(new_url)[0] == 200


def test_a_wrong_token_is_a_404(pilot, owner_client):
    _create(owner_client, pilot)
    assert _read(reverse("partners:one_pager", args=["not-the-token"]))[0] == 404
    assert _read(reverse("partners:one_pager", args=[pilot.partner_token]))[0] == 404


def test_the_benefits_have_a_length_limit(owner_client, pilot):
    response = owner_client.post(
        _link_url(pilot), {"action": "create", "partner_benefit": "x" * 301}
    )
    assert response.status_code == 400
    assert 'id="id_one_pager_partner_benefit_error"' in body(response)
    pilot.refresh_from_db()
    assert pilot.one_pager_token is None


def test_the_link_takes_only_post(owner_client, pilot):
    assert owner_client.get(_link_url(pilot)).status_code == 405


def test_another_workspace_cannot_create_or_revoke(outsider_client, owner_client, pilot):
    url = _create(owner_client, pilot)
    assert outsider_client.post(_link_url(pilot), {"action": "revoke"}).status_code == 404
    assert _read(url)[0] == 200


def test_visitors_are_sent_to_log_in(pilot):
    assert_login_required(_link_url(pilot), "post")


# --- what the partner reads ---------------------------------------------------------------


def test_the_partner_reads_the_pilot_package_without_logging_in(owner_client, pilot):
    url = _create(owner_client, pilot)
    response = Client().get(url)
    page = body(response)
    assert response.status_code == 200
    assert "A pilot together: Tienda Luna and Spa Serena" in page
    assert pilot.offer in page
    for line in pilot.script_lines():
        assert line in page
    assert PARTNER_GETS in page
    assert WE_GET in page
    assert "Tracked link" in page
    assert pilot.tracking_code in page
    assert reverse("partners:track", args=[pilot.tracking_code]) in page
    with translation.override("en"):
        assert date_format(pilot.review_date, "DATE_FORMAT") in page  # "Dec. 23, 2026"
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "same-origin"
    assert "csrfmiddlewaretoken" not in page  # read-only: no form at all
    assert "<form" not in page


@pytest.fixture
def busy_workspace(workspace, owner, pilot):
    """Everything the partner must never see around the pilot."""
    set_hourly_value(workspace, "55")
    Candidate.objects.filter(pk=pilot.candidate_id).update(notes="SECRET-CANDIDATE-NOTE")
    Pilot.objects.filter(pk=pilot.pk).update(
        margin_per_sale="37.50", target=99, estimated_weekly_hours="6.5", expected_sales=42
    )
    log_result(pilot, referrals=3, sales=2, note="SECRET-RESULT-NOTE")
    log_time(pilot, 125).__class__.objects.filter(pilot=pilot).update(note="SECRET-COORD-NOTE")
    make_pilot(make_candidate(workspace, "Otro Socio", ticks=4), owner, offer="SECRET-OTHER-OFFER")
    make_candidate(workspace, "Candidata Secreta", ticks=7)
    pilot.refresh_from_db()
    return pilot


def test_the_one_pager_hides_everything_internal(owner_client, busy_workspace):
    pilot = busy_workspace
    page = _read(_create(owner_client, pilot))[1]
    for secret in (
        "SECRET-CANDIDATE-NOTE",
        "SECRET-RESULT-NOTE",
        "SECRET-COORD-NOTE",
        "SECRET-OTHER-OFFER",
        "Otro Socio",
        "Candidata Secreta",
        "37.50",  # margin per sale
        "37,50",
        "55",  # value of an hour
        "114.58",  # the coordination cost so far (125 min at 55)
        "6.5",  # estimated hours
        "42",  # expected sales
        "99",  # target
        pilot.partner_token,  # the partner's own referral page: not for forwarding
        pilot.code,  # the internal pilot address
        "Expensive hobby",
        "Margin",
        "Coordination",
        "Log out",
    ):
        # Whole words only: random codes and tokens on the page may contain "42" or "99".
        assert not re.search(rf"(?<![\w-]){re.escape(secret)}(?![\w-])", page), secret


# --- the partner's language ---------------------------------------------------------------


def test_it_follows_the_partners_browser(owner_client, pilot):
    url = _create(owner_client, pilot)
    response = Client(HTTP_ACCEPT_LANGUAGE="es-AR,es;q=0.9").get(url)
    page = body(response)
    assert response["Content-Language"] == "es-ar"
    assert '<html lang="es-ar">' in page
    assert "Un piloto juntos: Tienda Luna y Spa Serena" in page
    assert "Enlace con seguimiento" in page
    # …and offers the other language.
    assert f'href="{url}?lang=en" hreflang="en" lang="en">English</a>' in page


def test_the_owner_can_choose_the_partners_language(owner_client, pilot):
    url = _create(owner_client, pilot, one_pager_language="es")
    page = _read(url, "en-US,en;q=0.9")[1]
    assert "Un piloto juntos" in page
    # The switch on the page wins over the owner's pick.
    response = Client(HTTP_ACCEPT_LANGUAGE="es").get(url + "?lang=en")
    assert response["Content-Language"] == "en"
    assert "A pilot together" in body(response)
    assert f'href="{url}?lang=es" hreflang="es" lang="es">Español</a>' in body(response)


def test_an_unknown_language_falls_back(owner_client, pilot):
    url = _create(owner_client, pilot)
    assert "A pilot together" in _read(url + "?lang=xx", "en")[1]


def test_the_language_choice_is_one_of_the_sites(owner_client, pilot):
    response = owner_client.post(_link_url(pilot), {"action": "create", "one_pager_language": "fr"})
    assert response.status_code == 400
    pilot.refresh_from_db()
    assert pilot.one_pager_token is None


def test_a_signed_in_owner_previews_it_in_the_partners_language(owner_client, pilot):
    url = _create(owner_client, pilot, one_pager_language="es")
    assert "Un piloto juntos" in body(owner_client.get(url))
