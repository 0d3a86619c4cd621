"""A workspace's currency: chosen at sign-up (proposed from where the browser says the person
is), changeable by an owner in the workspace settings, one of the list (a constraint)."""

from __future__ import annotations

import re

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, Workspace
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SIGNUP = reverse("accounts:signup")
SETTINGS = reverse("accounts:workspace_settings")
CREATE = reverse("accounts:workspace_create")


def _signup(client: Client, accept_language: str = "en-US", **fields):
    data = {
        "email": "ana@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "business_name": "Panadería Ana",
        **fields,
    }
    return client.post(SIGNUP, data, HTTP_ACCEPT_LANGUAGE=accept_language)


def _new_workspace() -> Workspace:
    return (
        Membership.objects.select_related("workspace").get(user__email="ana@example.com").workspace
    )


def _selected(page: str) -> str:
    select = re.search(r'<select name="currency".*?</select>', page, re.S)[0]
    return re.search(r'<option value="(\w+)"[^>]*selected', select)[1]


@pytest.mark.parametrize(
    ("accept_language", "currency"),
    [
        ("es-AR,es;q=0.9", "ARS"),
        ("es-UY,es;q=0.9", "UYU"),  # reads Rioplatense Spanish, pays in pesos uruguayos
        ("es-MX,es;q=0.8,en;q=0.5", "MXN"),
        ("es-ES", "EUR"),
        ("en-US,en;q=0.9", "USD"),
        ("es", "USD"),  # no country said: the dollar
    ],
)
def test_sign_up_proposes_the_currency_of_the_browsers_country(client, accept_language, currency):
    page = client.get(SIGNUP, HTTP_ACCEPT_LANGUAGE=accept_language).content.decode()
    assert _selected(page) == currency


def test_the_currencies_are_named_in_the_readers_language(client):
    page = client.get(SIGNUP, HTTP_ACCEPT_LANGUAGE="es-AR").content.decode()
    assert '<option value="ARS" selected>Peso argentino (ARS)</option>' in page
    english = client.get(SIGNUP, HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert "Argentine Peso (ARS)" in english


def test_the_currency_chosen_at_sign_up_is_the_workspaces(client):
    assert _signup(client, currency="MXN").status_code == 302
    assert _new_workspace().currency == "MXN"


def test_a_sign_up_sent_without_a_currency_takes_the_proposed_one(client):
    _signup(client, accept_language="es-AR")  # an older page, without the field
    assert _new_workspace().currency == "ARS"


def test_an_unknown_currency_is_refused_at_sign_up(client):
    response = _signup(client, currency="BTC")
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not Workspace.objects.filter(name="Panadería Ana").exists()


def test_an_owner_changes_the_currency_in_the_workspace_settings(owner_client, workspace):
    page = owner_client.get(SETTINGS).content.decode()
    assert _selected(page) == "USD"
    response = owner_client.post(
        SETTINGS, {"name": workspace.name, "time_zone": "UTC", "currency": "ARS"}, follow=True
    )
    assert "Workspace settings saved." in response.content.decode()
    workspace.refresh_from_db()
    assert workspace.currency == "ARS"


def test_settings_sent_without_the_currency_keep_it(owner_client, workspace):
    Workspace.objects.filter(pk=workspace.pk).update(currency="EUR")
    owner_client.post(SETTINGS, {"name": "Renamed", "time_zone": "UTC"})
    workspace.refresh_from_db()
    assert (workspace.name, workspace.currency) == ("Renamed", "EUR")


def test_a_member_cannot_change_the_currency(member_client, workspace):
    response = member_client.post(
        SETTINGS, {"name": workspace.name, "time_zone": "UTC", "currency": "ARS"}
    )
    assert response.status_code == 403
    workspace.refresh_from_db()
    assert workspace.currency == "USD"


def test_a_new_workspace_starts_in_the_current_ones_currency(owner_client, workspace, owner):
    Workspace.objects.filter(pk=workspace.pk).update(currency="COP")
    page = owner_client.get(CREATE).content.decode()
    assert _selected(page) == "COP"
    owner_client.post(CREATE, {"name": "Hotel Mar"})  # an older page, without the field
    assert owner.workspaces().get(name="Hotel Mar").currency == "COP"
    owner_client.post(CREATE, {"name": "Hotel Brisa", "currency": "PEN"})
    assert owner.workspaces().get(name="Hotel Brisa").currency == "PEN"


def test_the_database_accepts_only_the_listed_currencies(workspace):
    with pytest.raises(IntegrityError):
        Workspace.objects.filter(pk=workspace.pk).update(currency="BTC")


def test_amounts_on_the_pages_follow_a_change_of_currency(owner_client, workspace):
    from decimal import Decimal

    from tests.conftest import make_candidate
    from tests.pilots.conftest import log_result, make_pilot

    pilot = make_pilot(make_candidate(workspace, ticks=4), workspace.memberships.get().user)
    log_result(pilot, sales=1, revenue=Decimal("150000"))
    url = reverse("pilots:detail", args=[pilot.code])
    assert "$150,000" in owner_client.get(url).content.decode()
    Workspace.objects.filter(pk=workspace.pk).update(currency="ARS")
    assert "ARS\xa0150,000" in owner_client.get(url).content.decode()
    assert "$150.000" in owner_client.get(url, HTTP_ACCEPT_LANGUAGE="es-AR").content.decode()
