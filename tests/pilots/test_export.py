"""CSV export of pilots: package, dates, totals, cost vs margin; only this workspace."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import make_candidate
from tests.pilots.conftest import log_result, log_time, make_pilot, set_hourly_value

pytestmark = pytest.mark.django_db

EXPORT = reverse("pilots:export")


def test_the_export_lists_package_dates_totals_and_cost(owner_client, workspace, pilot):
    set_hourly_value(workspace, "60")
    log_result(pilot, referrals=3, sales=1, revenue="45.50")
    log_time(pilot, 90)
    response = owner_client.get(EXPORT)
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Partner,Offer,Recommendation script,")
    row = lines[1]
    assert pilot.tracking_code in row and pilot.start_date.isoformat() in row
    assert ",3,1,45.50,90,90.00,0.00,yes" in row


def test_the_spanish_export_uses_decimal_commas(owner, workspace, pilot):
    log_result(pilot, referrals=1, sales=1, revenue="12.5")
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    client.force_login(owner)
    text = client.get(EXPORT).content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Socio;Oferta;")
    assert ";12,50;" in text


def test_the_export_holds_only_this_workspaces_pilots(owner_client, outsider, pilot):
    other = make_candidate(outsider.workspaces().get(), "Ajeno", ticks=4)
    make_pilot(other, offer="Oferta ajena")
    text = owner_client.get(EXPORT).content.decode("utf-8-sig")
    assert "Oferta ajena" not in text and pilot.offer in text


def test_the_pilot_export_needs_login_and_get(client, owner_client):
    assert client.get(EXPORT).status_code == 302
    assert owner_client.post(EXPORT).status_code == 405
