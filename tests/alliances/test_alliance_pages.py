"""The alliance's page and the list; who may open them, and with which methods."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from alliances.models import Alliance, DesignVersion
from tests.alliances.conftest import complete, design_url, detail_url
from tests.conftest import make_candidate
from tests.pilots.conftest import assert_login_required, body

pytestmark = pytest.mark.django_db


def _urls(alliance: Alliance) -> dict[str, str]:
    return {
        "list": reverse("alliances:list"),
        "detail": detail_url(alliance),
        "design": design_url(alliance),
        "create": reverse("alliances:create", args=[alliance.candidate.code]),
    }


# --- the alliance's page ---------------------------------------------------------------------


def test_an_alliance_in_design_says_so_and_what_it_misses(owner_client, alliance):
    page = body(owner_client.get(detail_url(alliance)))
    assert "In design" in page
    assert "Strategic alliance" in page or "Referral program" in page
    assert "Still missing:" in page
    assert "how they are served" in page
    assert "a metric with a monthly target" in page
    assert "Design the alliance" in page


def test_an_active_alliance_shows_its_design_and_targets(owner_client, alliance, owner):
    complete(alliance, metrics=3)
    alliance.activate(owner, alliance.created_at.date())
    page = body(owner_client.get(detail_url(alliance)))
    assert "Active" in page
    assert "Still missing:" not in page
    assert "Edit the design" in page
    assert "Referrals: 10 a month" in page
    assert "Sales: 20 a month" in page
    assert "Revenue: $30 a month" in page
    assert "Next review:" in page


def _time_detail(client, alliance) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(detail_url(alliance)).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_with_one_metric_or_three(owner_client, workspace, owner):
    one = complete(Alliance.objects.design_for(make_candidate(workspace, "Uno", ticks=6), owner))
    three = complete(
        Alliance.objects.design_for(make_candidate(workspace, "Tres", ticks=6), owner), metrics=3
    )
    for alliance in (one, three):
        alliance.save_design(owner)
    three.how_served = "Adjusted"
    three.save()
    three.save_design(owner)  # and a longer history
    owner_client.get(reverse("alliances:list"))  # the session's first request aside
    assert _time_detail(owner_client, one) == _time_detail(owner_client, three)


def test_what_people_type_is_shown_as_text(owner_client, alliance, owner):
    script = '<script>alert("x")</script>'
    alliance.how_served = script
    alliance.their_contact = '"><img src=x onerror=alert(1)>'
    alliance.save()
    alliance.save_design(owner)
    for url in (detail_url(alliance), design_url(alliance), reverse("alliances:list")):
        html = owner_client.get(url).content.decode()
        assert script not in html
        assert "<img src=x" not in html
    assert escape(script) in owner_client.get(detail_url(alliance)).content.decode()


# --- the list --------------------------------------------------------------------------------


def test_the_list_shows_the_workspace_s_alliances_with_their_state(
    owner_client, alliance, outsider
):
    theirs = make_candidate(outsider.workspaces().get(), "Ajena", ticks=8)
    Alliance.objects.design_for(theirs, outsider)
    page = body(owner_client.get(reverse("alliances:list")))
    assert "Café Aurora" in page
    assert "In design" in page
    assert "Ajena" not in page


def test_an_empty_list_says_where_alliances_come_from(owner_client):
    page = body(owner_client.get(reverse("alliances:list")))
    assert "No alliances yet." in page


# --- access ----------------------------------------------------------------------------------


def test_another_workspace_gets_404_on_every_url(outsider_client, alliance):
    for name, url in _urls(alliance).items():
        if name == "list":
            continue
        method = "post" if name == "create" else "get"
        assert getattr(outsider_client, method)(url).status_code == 404, name
        assert outsider_client.post(url).status_code in (404, 405), name
    assert not DesignVersion.objects.exists()
    assert Alliance.objects.count() == 1


def test_visitors_are_sent_to_log_in(alliance):
    for name, url in _urls(alliance).items():
        assert_login_required(url, "post" if name == "create" else "get")


@pytest.mark.parametrize(
    ("name", "wrong"),
    [("list", "post"), ("detail", "post"), ("create", "get"), ("design", "put")],
)
def test_wrong_methods_get_405(owner_client, alliance, name, wrong):
    assert getattr(owner_client, wrong)(_urls(alliance)[name]).status_code == 405


def test_a_member_designs_too(member_client, alliance):
    assert member_client.get(design_url(alliance)).status_code == 200


def test_junk_codes_match_no_url(owner_client):
    for url in ("/alliances/abc/", "/alliances/%00/design/", "/alliances/new/Z%01/"):
        assert owner_client.get(url).status_code == 404
