"""One tap from the dashboard: +1 referral or +1 sale today, with htmx and as a plain form,
recorded once on a double tap, and undone within a few minutes (here or from the pilot page)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from pilots.models import ResultEntry
from tests.conftest import make_candidate
from tests.pilots.conftest import TODAY, body, make_pilot

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard:home")


@pytest.fixture
def pilot(workspace, owner):
    return make_pilot(make_candidate(workspace, "Spa Serena", ticks=4), owner, target=5)


def _form(page: str, kind: str) -> dict:
    """The one-tap form for `kind` as the dashboard shows it (with its one-time token)."""
    for form in re.findall(r"<form[^>]*quick/[^>]*>(.*?)</form>", page, re.S):
        fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))
        if fields.get("kind") == kind:
            return fields
    raise AssertionError(f"no +1 {kind} button")


def _tap(client, pilot, fields: dict, htmx: bool = False):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(reverse("pilots:quick_log", args=[pilot.code]), fields, headers=headers)


def test_each_active_pilot_on_the_dashboard_has_both_buttons(owner_client, pilot):
    page = body(owner_client.get(DASHBOARD))
    assert "+1 referral" in page and "+1 sale" in page
    assert _form(page, "referral")["form_token"] != _form(page, "sale")["form_token"]


def test_a_tap_without_javascript_records_one_referral_today(owner_client, owner, pilot):
    fields = _form(body(owner_client.get(DASHBOARD)), "referral")
    response = _tap(owner_client, pilot, fields)
    assert response.status_code == 302 and response["Location"] == DASHBOARD
    entry = ResultEntry.objects.get(pilot=pilot)
    assert (entry.referrals, entry.sales, entry.date, entry.created_by) == (1, 0, TODAY, owner)
    page = body(owner_client.get(DASHBOARD))
    assert "Recorded for “Spa Serena”." in page and "Undo +1 referral" in page


def test_a_tap_with_htmx_answers_the_pilots_buttons_with_the_new_totals(owner_client, pilot):
    fields = _form(body(owner_client.get(DASHBOARD)), "sale")
    page = body(_tap(owner_client, pilot, fields, htmx=True))
    assert "<html" not in page and f'id="quick-{pilot.code}"' in page
    assert "0 referrals · 1 sale" in page and "Undo +1 sale" in page
    assert _form(page, "sale")["form_token"] != fields["form_token"]  # the next tap is new


def test_a_double_tap_records_once(owner_client, pilot):
    fields = _form(body(owner_client.get(DASHBOARD)), "referral")
    _tap(owner_client, pilot, fields)
    second = _tap(owner_client, pilot, fields, htmx=True)
    assert second.status_code == 200
    assert ResultEntry.objects.filter(pilot=pilot).count() == 1


def test_undo_takes_the_line_back_and_a_second_undo_changes_nothing(owner_client, pilot):
    _tap(owner_client, pilot, _form(body(owner_client.get(DASHBOARD)), "referral"))
    token = ResultEntry.objects.get(pilot=pilot).form_token
    url = reverse("pilots:undo_result", args=[pilot.code])
    page = body(owner_client.post(url, {"entry": token}, headers={"HX-Request": "true"}))
    assert "Undone." in page and "0 referrals" in page
    assert not ResultEntry.objects.filter(pilot=pilot).exists()
    again = body(owner_client.post(url, {"entry": token}, follow=True))
    assert "Nothing to undo" in again


def test_undo_is_offered_on_the_pilot_page_and_only_for_a_few_minutes(owner_client, pilot):
    _tap(owner_client, pilot, _form(body(owner_client.get(DASHBOARD)), "referral"))
    detail = reverse("pilots:detail", args=[pilot.code])
    assert "Undo" in body(owner_client.get(detail))
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert "Undo" not in body(owner_client.get(detail))
        token = ResultEntry.objects.get(pilot=pilot).form_token
        owner_client.post(reverse("pilots:undo_result", args=[pilot.code]), {"entry": token})
    assert ResultEntry.objects.filter(pilot=pilot).count() == 1  # too late: kept


def test_only_the_person_who_recorded_it_can_undo(owner_client, member_client, pilot):
    _tap(owner_client, pilot, _form(body(owner_client.get(DASHBOARD)), "referral"))
    token = ResultEntry.objects.get(pilot=pilot).form_token
    member_client.post(reverse("pilots:undo_result", args=[pilot.code]), {"entry": token})
    assert ResultEntry.objects.filter(pilot=pilot).count() == 1


def test_another_workspace_cannot_tap_or_undo(outsider_client, pilot):
    assert _tap(outsider_client, pilot, {"kind": "referral"}).status_code == 404
    url = reverse("pilots:undo_result", args=[pilot.code])
    assert outsider_client.post(url, {"entry": "x"}).status_code == 404
    assert not ResultEntry.objects.exists()


def test_a_finished_pilot_or_a_bad_kind_records_nothing(owner_client, pilot):
    assert _tap(owner_client, pilot, {"kind": "hug"}).status_code == 400
    pilot.status, pilot.outcome = "finished", "discarded"
    pilot.save()
    assert _tap(owner_client, pilot, {"kind": "referral"}).status_code == 404
    assert not ResultEntry.objects.exists()


def test_the_buttons_need_post_and_login(client, owner_client, pilot):
    url = reverse("pilots:quick_log", args=[pilot.code])
    assert owner_client.get(url).status_code == 405
    assert client.post(url, {"kind": "referral"}).status_code == 302
    assert not ResultEntry.objects.exists()


def test_a_whole_result_line_is_never_offered_as_a_plus_one_to_undo(owner_client, pilot):
    # A line logged on the pilot page (3 referrals, 2 sales…) is not a +1: the dashboard's
    # undo must not offer it, or one tap would delete the whole line.
    detail = body(owner_client.get(reverse("pilots:detail", args=[pilot.code])))
    token = re.search(r'name="form_token" value="([^"]+)"', detail).group(1)
    line = {"date": TODAY.isoformat(), "referrals": 3, "sales": 2, "revenue": 150000}
    owner_client.post(
        reverse("pilots:result_add", args=[pilot.code]), {**line, "form_token": token}
    )
    page = body(owner_client.get(DASHBOARD))
    assert "Undo +1" not in page
    assert ResultEntry.objects.get(pilot=pilot).referrals == 3


def test_a_posted_token_of_any_length_is_refused_or_kept_whole(owner_client, pilot):
    response = _tap(owner_client, pilot, {"kind": "sale", "form_token": "x" * 64})
    assert response.status_code == 400
    assert not ResultEntry.objects.exists()
