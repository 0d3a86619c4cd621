"""Rioplatense Spanish (es-ar) goes everywhere a language goes: the account's preference,
sign-up, the partner one-pager, emails, spreadsheets; and no select says "- Select an option -"."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from pilots.models import Pilot
from semaforo.lib.languages import register_variant
from semaforo.lib.spreadsheet import dialect_for
from tests.conftest import PASSWORD
from tests.pilots.conftest import make_pilot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("accept_language", "variant"),
    [
        ("es-UY", "es-ar"),
        ("es-py,en;q=0.5", "es-ar"),
        ("fr-FR,es-UY;q=0.8", "es-ar"),  # French is not offered: the next one decides
        ("en,es-UY;q=0.8", None),  # English is offered: Django's choice stands
        ("es-AR", None),  # in LANGUAGES: Django finds it alone
        ("es-MX", None),
        ("*", None),
        ("", None),
        ("not a header", None),
    ],
)
def test_only_uruguay_and_paraguay_need_the_mapping(accept_language, variant):
    assert register_variant(accept_language) == variant


@pytest.mark.parametrize("language", ["es", "es-ar", "es-AR"])
def test_spanish_spreadsheets_get_semicolons_and_decimal_commas(language):
    assert dialect_for(language) == (";", ",")


def test_english_spreadsheets_get_commas_and_decimal_points():
    assert dialect_for("en") == (",", ".")


def test_an_account_keeps_rioplatense_spanish_whatever_the_browser_says(owner, owner_client):
    response = owner_client.post(
        reverse("accounts:preferences"), {"days_ahead": "0", "language": "es-ar"}
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.language == "es-ar"
    dashboard = reverse("dashboard:home")
    page = owner_client.get(dashboard, headers={"accept-language": "en-US"}).content.decode()
    assert '<html lang="es-ar">' in page


def test_the_language_preference_names_its_empty_choice(owner_client):
    page = owner_client.get(reverse("accounts:preferences"), headers={"accept-language": "es-AR"})
    page = page.content.decode()
    assert '<option value="" selected>El idioma de tu navegador</option>' in page
    assert '<option value="es-ar">Español (Argentina)</option>' in page
    assert "Select an option" not in page and "Elegí una opción" not in page


def test_signing_up_from_uruguay_remembers_rioplatense_spanish():
    client = Client(HTTP_ACCEPT_LANGUAGE="es-UY")
    data = {
        "email": "nueva@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "business_name": "Almacén Sur",
    }
    response = client.post(reverse("accounts:signup"), data)
    assert response.status_code == 302
    assert User.objects.get(email="nueva@example.com").language == "es-ar"


@pytest.mark.parametrize(
    ("accept_language", "blank"),
    [
        ("es-AR", "- Elegí una opción -"),
        ("es-MX", "- Elige una opción -"),
        ("en", "- Select an option -"),
    ],
)
def test_a_required_select_asks_in_the_readers_register(
    owner_client, candidate, accept_language, blank
):
    url = reverse("pilots:create", args=[candidate.code])
    page = owner_client.get(url, headers={"accept-language": accept_language}).content.decode()
    assert f'<option value="" selected>{blank}</option>' in page


@pytest.fixture
def pilot(owner, candidate) -> Pilot:
    return make_pilot(candidate, owner)


def test_the_partner_one_pager_can_be_in_rioplatense_spanish(owner_client, pilot):
    data = {
        "action": "create",
        "partner_benefit": "10%",
        "our_benefit": "Clientes",
        "one_pager_language": "es-ar",
    }
    response = owner_client.post(reverse("pilots:one_pager_link", args=[pilot.code]), data)
    assert response.status_code == 302
    pilot.refresh_from_db()
    assert pilot.one_pager_language == "es-ar"  # the database constraint accepts it
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(
        reverse("partners:one_pager", args=[pilot.one_pager_token])
    )
    assert response["Content-Language"] == "es-ar"
    assert "Spa Serena (vos)" in response.content.decode()


def test_a_password_reset_email_from_argentina_says_vos(owner, mailoutbox):
    Client(HTTP_ACCEPT_LANGUAGE="es-AR").post(reverse("password_reset"), {"email": owner.email})
    [message] = mailoutbox
    assert message.subject == "Restablecé tu contraseña de Semáforo"
    assert "Si fuiste vos, elegí una nueva acá:" in message.body


@pytest.mark.parametrize(
    ("accept_language", "text"),
    [
        ("es-AR", "Si configuraste tu navegador para bloquear las cookies, volvé a activarlas"),
        ("es-MX", "Si configuraste tu navegador para bloquear las cookies, vuelve a activarlas"),
    ],
)
def test_a_browser_without_cookies_is_told_why_in_its_register(accept_language, text):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=accept_language)
    response = client.post(reverse("login"), {"username": "a@example.com", "password": "x"})
    assert response.status_code == 403
    assert text in response.content.decode()
