"""The pilot page (the pilot card to hand to the partner) and the list of pilots."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from pilots.models import Pilot
from tests.conftest import make_candidate
from tests.pilots.conftest import TODAY, assert_login_required, body, make_pilot

pytestmark = pytest.mark.django_db


def _url(pilot: Pilot) -> str:
    return reverse("pilots:detail", args=[pilot.code])


def test_the_card_holds_the_whole_pilot_package(owner_client, yellow):
    pilot = make_pilot(yellow, target=10)
    page = body(owner_client.get(_url(pilot)))
    assert "Pilot card – Spa Serena" in page
    assert "10% off the first purchase" in page
    script = re.search(r"Recommendation script</dt>\s*<dd[^>]*>(.*?)</dd>", page, re.S).group(1)
    assert script.count("<li>") == 3
    assert "Te recomiendo la tienda de al lado" in script
    assert f'Tracked link · <strong class="font-monospace">{pilot.tracking_code}' in page
    assert "Dec. 9, 2026 to Dec. 23, 2026" in page
    assert "10 referrals" in page


def test_the_page_says_how_many_days_are_left_and_that_it_is_running(owner_client, yellow):
    pilot = make_pilot(yellow, start_date=TODAY - timedelta(days=4), length_days=21)
    page = body(owner_client.get(_url(pilot)))
    assert "17 days left" in page
    assert "Running" in page


def test_on_the_review_date_the_page_says_the_review_is_due(owner_client, yellow):
    pilot = make_pilot(yellow, start_date=TODAY - timedelta(days=14))
    page = body(owner_client.get(_url(pilot)))
    assert "Review due" in page
    assert reverse("pilots:review", args=[pilot.code]) in page


def test_a_member_sees_the_pilot_page(member_client, pilot):
    assert member_client.get(_url(pilot)).status_code == 200


def test_the_pilot_page_is_get_only(owner_client, pilot):
    assert owner_client.post(_url(pilot)).status_code == 405


def test_the_pilot_page_needs_a_login(pilot):
    assert_login_required(_url(pilot))


def test_another_workspace_cannot_see_the_pilot(outsider_client, pilot):
    assert outsider_client.get(_url(pilot)).status_code == 404


# --- the list --------------------------------------------------------------------------------


def test_the_list_shows_the_workspaces_pilots_with_their_review(owner_client, pilot):
    page = body(owner_client.get(reverse("pilots:list")))
    assert _url(pilot) in page
    assert "Spa Serena" in page and "10% off the first purchase" in page


def test_the_list_paginates_twenty_at_a_time(owner_client, workspace):
    for number in range(21):
        make_pilot(make_candidate(workspace, f"Socio {number:02d}", ticks=4))
    first = body(owner_client.get(reverse("pilots:list")))
    second = body(owner_client.get(reverse("pilots:list"), {"page": 2}))
    assert first.count('<td><a href="/pilots/') == 20
    assert "Page 1 of 2" in first
    assert second.count('<td><a href="/pilots/') == 1


def test_the_list_never_shows_another_workspaces_pilots(outsider_client, pilot):
    page = body(outsider_client.get(reverse("pilots:list")))
    assert _url(pilot) not in page
    assert "No pilots yet." in page


def test_the_list_is_get_only_and_needs_a_login(owner_client, pilot):
    assert owner_client.post(reverse("pilots:list")).status_code == 405
    assert_login_required(reverse("pilots:list"))
