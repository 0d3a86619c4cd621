"""The day-14 review is one form: the checklist again, the "why" questions and the decision,
saved together on a 375 px phone, with JavaScript off (nothing lost) and on (the light
follows the ticks, and the same submit saves them with the decision)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from candidates.criteria import CRITERION_FIELDS
from pilots.models import Pilot, Review
from tests.browser.conftest import PHONE, http_errors, log_in
from tests.conftest import make_candidate
from tests.pilots.conftest import make_pilot

pytestmark = pytest.mark.browser


@pytest.fixture
def due(workspace, owner) -> Pilot:
    candidate = make_candidate(workspace, "Spa Serena", ticks=4)
    started = timezone.localdate() - timedelta(days=14)
    return make_pilot(candidate, owner, start_date=started)


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_a_review_with_ticks_and_a_decision_is_saved_in_one_submit(browser, owner, due, javascript):
    page = browser.new_page(javascript=javascript, **PHONE)
    errors = http_errors(page)
    log_in(page, browser.url, owner.email)
    page.goto(browser.url + reverse("pilots:review", args=[due.code]))
    boxes = page.locator(".checklist input[type=checkbox]")
    for field in CRITERION_FIELDS[4:6]:  # the pilot taught two more points
        page.locator(f"input[name={field}]").check()
    if javascript:
        expect(page.locator("#light")).to_contain_text("6/8")
    # Forgot the decision first: the page comes back with the ticks still there.
    page.get_by_role("button", name="Save the review").click()
    expect(boxes.nth(5)).to_be_checked()
    assert not Review.objects.filter(pilot=due).exists()
    browser.problems.expected("status of 400")  # the form answered with its error
    page.get_by_label("Promote to strategic alliance").check()
    page.get_by_role("button", name="Save the review").click()
    page.wait_for_url(browser.url + reverse("pilots:detail", args=[due.code]))
    review = Review.objects.select_related("evaluation").get(pilot=due)
    assert (review.decision, review.evaluation.score) == ("promote", 6)
    assert [e for e in errors if not e.startswith("400 POST")] == []
