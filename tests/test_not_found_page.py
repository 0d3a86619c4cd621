"""In production (DEBUG off) a dead link gets the site's own 404 page, in the visitor's
language, with a way home — not Django's bare English one. Partners open revoked links."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "Page not found"), ("es", "Página no encontrada"), ("es-AR", "Página no encontrada")],
)
def test_a_revoked_partner_link_shows_the_sites_own_404_page(settings, language, text):
    settings.DEBUG = False
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/p/revoked-token/")
    assert response.status_code == 404
    page = response.content.decode()
    assert text in page and 'href="/"' in page


def test_a_signed_in_member_gets_the_same_page_with_the_menu(settings, owner_client):
    settings.DEBUG = False
    response = owner_client.get("/candidates/NOSUCHCODE2/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
