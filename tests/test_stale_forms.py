"""A whole form opened before someone else saved never erases what they saved.

Two people (or two tabs) open the same edit page; the first one saves. When the second one
saves the page they loaded earlier, what the first one changed and the second did not touch
is kept; a field both changed, differently, is a conflict: nothing is saved, the page says
what it is now and keeps the second person's input, and saving again keeps theirs.
"""

from __future__ import annotations

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Workspace
from candidates.models import Candidate
from pilots.models import PilotSettings
from tests.conftest import make_candidate
from tests.page_forms import form_on

pytestmark = pytest.mark.django_db

KEPT = "Changed meanwhile by someone else, and kept: {}."
CONFLICT = "Someone changed this while you were editing; it is now: “{}”."


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def spa(workspace) -> Candidate:
    return make_candidate(workspace, "Spa Serena", notes="First call went well.", phone="600 111")


def _edit(candidate: Candidate) -> str:
    return reverse("candidates:edit", args=[candidate.code])


def _save(client, shown: tuple[str, dict], **changes):
    action, data = shown
    return client.post(action, {**data, **changes}, follow=True)


# --- the candidate's edit page ---------------------------------------------------------------


def test_a_stale_candidate_edit_keeps_the_note_a_teammate_saved_meanwhile(
    owner_client, member_client, spa
):
    mine = form_on(owner_client.get(_edit(spa)), having="name")
    theirs = form_on(member_client.get(_edit(spa)), having="name")
    _save(member_client, theirs, notes="They want a 15 % commission.")

    response = _save(owner_client, mine, phone="600 222 333")

    spa.refresh_from_db()
    assert spa.notes == "They want a 15 % commission."
    assert spa.phone == "600 222 333"
    assert response.redirect_chain[-1][0] == reverse("candidates:detail", args=[spa.code])
    assert KEPT.format("Notes") in _text(response)


def test_a_stale_edit_that_never_touched_a_multi_line_note_keeps_the_teammates_change(
    owner_client, member_client, workspace
):
    # A note with a line break, stored as the CSV import stores a spreadsheet cell (LF);
    # browsers send it back as CR LF, unchanged for the person who sends it.
    spa = make_candidate(workspace, "Spa Serena", notes="Met at the fair.\nCall back in May.")
    mine = form_on(owner_client.get(_edit(spa)), having="name")
    theirs = form_on(member_client.get(_edit(spa)), having="name")
    _save(member_client, theirs, notes="They want a 15 % commission.")

    response = _save(owner_client, mine, phone="600 222 333")

    spa.refresh_from_db()
    assert (spa.notes, spa.phone) == ("They want a 15 % commission.", "600 222 333")
    assert KEPT.format("Notes") in _text(response)


def test_a_note_changed_by_both_shows_both_keeps_my_input_and_saves_nothing(
    owner_client, member_client, spa
):
    mine = form_on(owner_client.get(_edit(spa)), having="name")
    theirs = form_on(member_client.get(_edit(spa)), having="name")
    _save(member_client, theirs, notes="They want a 15 % commission.")

    response = _save(owner_client, mine, notes="They accept 10 %.", phone="600 222 333")

    assert response.status_code == 200
    assert not response.redirect_chain
    page = _text(response)
    assert CONFLICT.format("They want a 15 % commission.") in page
    # My input is still in the form, the phone I typed too; nothing of mine was saved.
    _action, shown_again = form_on(response, having="name")
    assert shown_again["notes"] == ["They accept 10 %."]
    assert shown_again["phone"] == ["600 222 333"]
    spa.refresh_from_db()
    assert (spa.notes, spa.phone) == ("They want a 15 % commission.", "600 111")


def test_saving_again_after_a_conflict_keeps_my_version(owner_client, member_client, spa):
    mine = form_on(owner_client.get(_edit(spa)), having="name")
    theirs = form_on(member_client.get(_edit(spa)), having="name")
    _save(member_client, theirs, notes="They want a 15 % commission.")
    conflict = _save(owner_client, mine, notes="They accept 10 %.")

    response = _save(owner_client, form_on(conflict, having="name"))

    assert response.redirect_chain[-1][0] == reverse("candidates:detail", args=[spa.code])
    assert "Changes saved." in _text(response)
    spa.refresh_from_db()
    assert spa.notes == "They accept 10 %."


def test_a_stale_edit_still_conflicts_when_the_teammate_saves_again_meanwhile(
    owner_client, member_client, spa
):
    mine = form_on(owner_client.get(_edit(spa)), having="name")
    _save(member_client, form_on(member_client.get(_edit(spa)), having="name"), notes="A")
    conflict = _save(owner_client, mine, notes="Mine")
    # While I read the conflict, my teammate changes the note once more.
    _save(member_client, form_on(member_client.get(_edit(spa)), having="name"), notes="B")

    response = _save(owner_client, form_on(conflict, having="name"))

    assert CONFLICT.format("B") in _text(response)
    spa.refresh_from_db()
    assert spa.notes == "B"


# --- the settings pages ----------------------------------------------------------------------


def test_a_stale_workspace_settings_tab_keeps_the_time_zone_saved_in_another(
    owner_client, workspace
):
    url = reverse("accounts:workspace_settings")
    first_tab = form_on(owner_client.get(url), having="time_zone")
    second_tab = form_on(owner_client.get(url), having="time_zone")
    _save(owner_client, second_tab, time_zone="America/Mexico_City")

    response = _save(owner_client, first_tab, name="Tienda Luna Centro")

    workspace.refresh_from_db()
    assert (workspace.name, workspace.time_zone) == ("Tienda Luna Centro", "America/Mexico_City")
    assert "Workspace settings saved." in _text(response)
    assert KEPT.format("Time zone") in _text(response)


def test_a_workspace_renamed_in_two_tabs_shows_the_other_name_then_saves_mine(
    owner_client, workspace
):
    url = reverse("accounts:workspace_settings")
    first_tab = form_on(owner_client.get(url), having="time_zone")
    second_tab = form_on(owner_client.get(url), having="time_zone")
    _save(owner_client, second_tab, name="Luna Norte")

    conflict = _save(owner_client, first_tab, name="Luna Sur")

    assert conflict.status_code == 200
    assert CONFLICT.format("Luna Norte") in _text(conflict)
    assert form_on(conflict, having="time_zone")[1]["name"] == ["Luna Sur"]
    assert Workspace.objects.get(pk=workspace.pk).name == "Luna Norte"

    response = _save(owner_client, form_on(conflict, having="time_zone"))
    assert "Workspace settings saved." in _text(response)
    assert Workspace.objects.get(pk=workspace.pk).name == "Luna Sur"


def test_a_stale_pilot_settings_tab_keeps_the_hourly_value_saved_in_another(
    owner_client, workspace
):
    url = reverse("pilots:settings")
    first_tab = form_on(owner_client.get(url), having="hourly_value")
    second_tab = form_on(owner_client.get(url), having="hourly_value")
    _save(owner_client, second_tab, hourly_value="45.00")

    response = _save(owner_client, first_tab, weekly_hours="6")

    settings = PilotSettings.for_workspace(workspace)
    assert (settings.hourly_value, settings.weekly_hours) == (Decimal("45.00"), Decimal("6"))
    assert KEPT.format("Value of one hour of your time") in _text(response)


def test_an_hourly_value_changed_in_two_tabs_shows_the_other_then_saves_mine(
    owner_client, workspace
):
    url = reverse("pilots:settings")
    first_tab = form_on(owner_client.get(url), having="hourly_value")
    second_tab = form_on(owner_client.get(url), having="hourly_value")
    _save(owner_client, second_tab, hourly_value="45.00")

    conflict = _save(owner_client, first_tab, hourly_value="30.00")

    assert conflict.status_code == 200
    assert CONFLICT.format("45.00") in _text(conflict)
    assert form_on(conflict, having="hourly_value")[1]["hourly_value"] == ["30.00"]
    assert PilotSettings.for_workspace(workspace).hourly_value == Decimal("45.00")

    response = _save(owner_client, form_on(conflict, having="hourly_value"))
    assert "Saved." in _text(response)
    assert PilotSettings.for_workspace(workspace).hourly_value == Decimal("30.00")
