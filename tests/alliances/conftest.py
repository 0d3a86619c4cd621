"""Alliance-making helpers on top of the shared personas and the pilots' known day."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alliances.models import Alliance, Measure, Metric
from candidates.models import Candidate
from pilots.models import Decision, Pilot
from tests.browser.conftest import browser  # noqa: F401 (a fixture, for the browser test)
from tests.conftest import make_candidate
from tests.pilots.conftest import TODAY, clock, make_pilot  # noqa: F401 (clock: autouse)

ANSWERS = {
    "how_passed": "They hand over our card; the customer books by WhatsApp.",
    "how_served": "A first visit with a 10% discount, served by Ana.",
    "how_charged": "We charge as usual and pay them 10% of each first sale.",
}


@pytest.fixture
def green(workspace) -> Candidate:
    """Six ticks under the quick-score table: green, an alliance may be designed."""
    return make_candidate(workspace, "Café Aurora", ticks=6)


@pytest.fixture
def alliance(green, owner) -> Alliance:
    return Alliance.objects.design_for(green, owner)


def promoted_pilot(workspace, owner, name: str = "Spa Serena") -> Pilot:
    """A yellow candidate's pilot, promoted to strategic alliance at its review."""
    pilot = make_pilot(make_candidate(workspace, name, ticks=4), owner)
    pilot.record_review(owner, {"decision": Decision.PROMOTE})
    pilot.refresh_from_db()
    return pilot


def complete(alliance: Alliance, metrics: int = 1) -> Alliance:
    """Give the alliance what an active one needs: the three answers, metrics with targets."""
    for field, answer in ANSWERS.items():
        setattr(alliance, field, answer)
    alliance.save(update_fields=list(ANSWERS))
    measures = [Measure.REFERRALS, Measure.SALES, Measure.REVENUE]
    for position in range(1, metrics + 1):
        Metric.objects.create(
            alliance=alliance,
            position=position,
            measure=measures[position - 1],
            monthly_target=10 * position,
        )
    return alliance


def design_data(**overrides) -> dict:
    """What the design page posts when filled in sensibly (a referral programme)."""
    data = {
        "kind": "referral",
        "they_bring": ["audience", "trust"],
        "they_bring_note": "Their 2,000 gym members",
        "we_bring": ["know_how"],
        "we_bring_note": "",
        **ANSWERS,
        "metric_1_measure": Measure.REFERRALS,
        "metric_1_name": "",
        "metric_1_target": "10",
        "metric_2_measure": "",
        "metric_2_name": "",
        "metric_2_target": "",
        "metric_3_measure": "",
        "metric_3_name": "",
        "metric_3_target": "",
        "review_cadence": "monthly",
        "our_contact": "Lucía",
        "their_contact": "Marcos",
        "benefit_rule": "percent",
        "benefit_value": "10",
        "follow_up": "",
        "action": "save",
    }
    data.update(overrides)
    return data


def design_url(alliance: Alliance) -> str:
    return reverse("alliances:design", args=[alliance.code])


def detail_url(alliance: Alliance) -> str:
    return reverse("alliances:detail", args=[alliance.code])
