"""A count next to a noun takes the noun's plural form only when it is not one."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from pilots.models import Decision
from tests.conftest import client_for, make_candidate
from tests.pilots.conftest import TODAY, body, log_result, make_pilot


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


@pytest.mark.parametrize(("due", "shown"), [(1, "1 review due"), (2, "2 reviews due")])
def test_the_due_badge_says_review_or_reviews(owner_client, owner, workspace, due, shown):
    for i in range(due):
        candidate = make_candidate(workspace, f"Socio {i}", ticks=4)
        make_pilot(candidate, owner, start_date=TODAY - timedelta(days=14))
    assert shown in _text(body(owner_client.get(reverse("candidates:list"))))


@pytest.mark.parametrize("language", ["es", "es-ar", "en"])
def test_the_due_badge_renders_in_every_language(owner, workspace, language):
    owner.language = language
    owner.save(update_fields=["language"])
    make_pilot(make_candidate(workspace, ticks=4), owner, start_date=TODAY - timedelta(days=14))
    response = client_for(owner).get(reverse("dashboard:home"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200


def test_the_pilot_page_lists_each_review_with_true_plurals(owner_client, owner, yellow):
    pilot = make_pilot(yellow, owner, start_date=TODAY - timedelta(days=14))
    log_result(pilot, referrals=1, sales=1)
    pilot.record_review(owner, {"decision": Decision.PROMOTE})
    page = _text(body(owner_client.get(reverse("pilots:detail", args=[pilot.code]))))
    assert "1 referral, 1 sale" in page
    assert "1 referrals" not in page and "1 sales" not in page
