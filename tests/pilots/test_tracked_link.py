"""The tracked link /r/<code>: count the click (a date, nothing personal), then send them on."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from pilots.models import ClickDay, Pilot
from tests.pilots.conftest import LANDING, TODAY, body, make_pilot

pytestmark = pytest.mark.django_db


def _url(pilot: Pilot) -> str:
    return reverse("partners:track", args=[pilot.tracking_code])


def _clicks(pilot: Pilot) -> dict:
    return dict(ClickDay.objects.filter(pilot=pilot).values_list("date", "count"))


def test_a_click_redirects_to_the_landing_address_and_is_counted(pilot):
    response = Client().get(_url(pilot))
    assert response.status_code == 302
    assert response["Location"] == LANDING
    assert response["Referrer-Policy"] == "no-referrer"
    assert _clicks(pilot) == {TODAY: 1}


def test_each_click_counts_once(pilot):
    visitor = Client()
    for _ in range(3):
        visitor.get(_url(pilot))
    assert _clicks(pilot) == {TODAY: 3}


def test_clicks_are_counted_per_day(pilot, clock):
    Client().get(_url(pilot))
    clock.move_to(datetime(2026, 12, 10, 9, 0, tzinfo=UTC))
    Client().get(_url(pilot))
    Client().get(_url(pilot))
    assert _clicks(pilot) == {TODAY: 1, TODAY + timedelta(days=1): 2}


def test_a_click_keeps_nothing_but_the_date():
    fields = {field.name for field in ClickDay._meta.get_fields()}
    assert fields == {"id", "pilot", "date", "count"}


def test_the_code_works_typed_in_lower_case(pilot):
    response = Client().get(reverse("partners:track", args=[pilot.tracking_code.lower()]))
    assert response["Location"] == LANDING
    assert _clicks(pilot) == {TODAY: 1}


def test_an_unknown_code_is_not_found(pilot):
    assert Client().get(reverse("partners:track", args=["ZZZZZZ"])).status_code == 404
    assert not ClickDay.objects.exists()


def test_a_pilot_without_a_landing_address_has_no_tracked_link(yellow):
    pilot = make_pilot(yellow, measurement="discount_code", landing_url="")
    assert Client().get(_url(pilot)).status_code == 404
    assert not ClickDay.objects.exists()


@pytest.mark.parametrize(
    "stored",
    ["javascript:alert(1)", "//evil.example/", "/accounts/logout/", "ftp://evil.example/"],
)
def test_it_never_redirects_anywhere_but_a_stored_web_address(pilot, stored):
    # Even if a bad address got into the database some other way (admin, a bug).
    Pilot.objects.filter(pk=pilot.pk).update(landing_url=stored)
    assert Client().get(_url(pilot)).status_code == 404
    assert not ClickDay.objects.exists()


def test_the_address_in_the_query_string_is_ignored(pilot):
    response = Client().get(_url(pilot), {"next": "https://evil.example/", "url": "//evil"})
    assert response["Location"] == LANDING


def test_the_tracked_link_is_get_only(pilot):
    assert Client().post(_url(pilot)).status_code == 405
    assert not ClickDay.objects.exists()


def test_the_pilot_page_shows_the_link_and_the_click_total(owner_client, pilot):
    for _ in range(2):
        Client().get(_url(pilot))
    page = body(owner_client.get(reverse("pilots:detail", args=[pilot.code])))
    assert f"http://testserver{_url(pilot)}" in page
    assert re.search(r"Clicks on the tracked link</dt>\s*<dd[^>]*>2</dd>", page)
