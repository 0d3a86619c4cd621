"""The workspace's hourly value: what an hour of coordination is worth."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from pilots.models import PilotSettings
from tests.pilots.conftest import assert_login_required, body, log_time

pytestmark = pytest.mark.django_db

URL = reverse("pilots:settings")


def _hourly(workspace) -> Decimal:
    return PilotSettings.for_workspace(workspace).hourly_value


def test_the_page_explains_the_expensive_hobby_rule(owner_client):
    page = body(owner_client.get(URL))
    assert "it is not an alliance: it is an expensive hobby" in page
    assert 'name="hourly_value"' in page


def test_the_owner_sets_the_hourly_value(owner_client, workspace):
    response = owner_client.post(URL, {"hourly_value": "35.50"}, follow=True)
    assert response.redirect_chain[-1][0] == URL
    assert "Saved." in body(response)
    assert _hourly(workspace) == Decimal("35.50")


def test_the_hourly_value_prices_coordination_on_every_running_pilot(owner_client, pilot):
    log_time(pilot, 30)
    owner_client.post(URL, {"hourly_value": "50"})
    page = body(owner_client.get(reverse("pilots:detail", args=[pilot.code])))
    assert "$25" in page


@pytest.mark.parametrize("value", ["-1", "", "mucho"])
def test_the_hourly_value_must_be_a_non_negative_amount(owner_client, workspace, value):
    response = owner_client.post(URL, {"hourly_value": value})
    assert response.status_code == 200
    assert "invalid-feedback" in body(response)
    assert _hourly(workspace) == 0


def test_a_member_cannot_change_the_hourly_value(member_client, workspace):
    assert member_client.get(URL).status_code == 403
    assert member_client.post(URL, {"hourly_value": "99"}).status_code == 403
    assert _hourly(workspace) == 0


def test_each_workspace_has_its_own_hourly_value(owner_client, outsider_client, workspace):
    owner_client.post(URL, {"hourly_value": "40"})
    outsider_client.post(URL, {"hourly_value": "10"})
    assert _hourly(workspace) == Decimal("40")
    assert 'value="10.00"' in body(outsider_client.get(URL))


def test_the_settings_page_refuses_other_methods(owner_client):
    assert owner_client.put(URL).status_code == 405


def test_the_settings_page_needs_a_login():
    assert_login_required(URL)
    assert_login_required(URL, "post")
