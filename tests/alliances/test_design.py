"""The design page: one form for the exchange, the three answers, 1–3 metrics with a target,
the cadence, the people responsible, and by kind the benefit rule or the follow-up."""

from __future__ import annotations

from decimal import Decimal

import pytest

from alliances.models import Alliance, DesignVersion, Metric, State
from semaforo.lib.validators import CONTROL_MESSAGE
from tests.alliances.conftest import ANSWERS, complete, design_data, design_url, detail_url
from tests.page_forms import form_on
from tests.pilots.conftest import body

pytestmark = pytest.mark.django_db

QUESTIONS = (
    "How is a customer passed to you? (1–2 steps)",
    "How are they served?",
    "How is it charged, and what does each side get?",
)


def _stored(alliance: Alliance) -> Alliance:
    return Alliance.objects.get(pk=alliance.pk)


def test_the_page_asks_the_three_questions_and_offers_both_buttons(owner_client, alliance):
    response = owner_client.get(design_url(alliance))
    assert response.status_code == 200
    page = body(response)
    for question in QUESTIONS:
        assert question in page
    assert "Save design" in page
    assert "Save and activate" in page
    assert "In design" in page
    assert 'name="workspace"' in page  # the form carries its workspace


def test_saving_a_draft_keeps_what_was_typed(owner_client, alliance):
    response = owner_client.post(design_url(alliance), design_data(how_served=""))
    assert response.status_code == 302
    assert response.url == design_url(alliance)
    stored = _stored(alliance)
    assert stored.state == State.DESIGN
    assert stored.how_passed == ANSWERS["how_passed"]
    assert stored.they_bring == ["audience", "trust"]
    assert stored.benefit_value == Decimal("10.00")
    assert list(stored.metrics.values_list("measure", "monthly_target")) == [
        ("referrals", Decimal("10.00"))
    ]
    assert "Design saved." in body(owner_client.get(response.url))


def test_save_and_activate_makes_it_active(owner_client, alliance):
    response = owner_client.post(design_url(alliance), design_data(action="activate"))
    assert response.status_code == 302
    assert response.url == detail_url(alliance)
    stored = _stored(alliance)
    assert stored.state == State.ACTIVE
    assert stored.next_review_date is not None
    page = body(owner_client.get(response.url))
    assert "The alliance is active." in page
    assert "Edit the design" in page


def test_activating_without_the_answers_and_a_target_is_refused_keeping_the_input(
    owner_client, alliance
):
    data = design_data(
        action="activate",
        how_served="",
        how_charged="",
        metric_1_target="",
        their_contact="Marcos Ñandú",
    )
    response = owner_client.post(design_url(alliance), data)
    assert response.status_code == 400
    page = body(response)
    assert "Not activated yet: the design still needs how they are served" in page
    assert "a metric with a monthly target" in page
    assert page.count("Answer this to activate the alliance.") >= 2  # next to each question
    assert "Give at least one metric a monthly target." in page
    # What was typed stays in the form; nothing was saved.
    assert ANSWERS["how_passed"] in page
    assert 'value="Marcos Ñandú"' in page
    stored = _stored(alliance)
    assert stored.state == State.DESIGN
    assert stored.how_passed == ""
    assert not stored.metrics.exists()


def test_a_double_tap_on_save_and_activate_activates_once(owner_client, alliance):
    data = design_data(action="activate")
    first = owner_client.post(design_url(alliance), data)
    activated_at = _stored(alliance).activated_at
    second = owner_client.post(design_url(alliance), data)
    assert first.status_code == second.status_code == 302
    stored = _stored(alliance)
    assert stored.activated_at == activated_at
    assert stored.metrics.count() == 1
    assert DesignVersion.objects.filter(alliance=alliance).count() == 1
    assert "This alliance was already active." in body(owner_client.get(second.url))


def test_a_double_tap_on_save_design_saves_one_version(owner_client, alliance):
    data = design_data()
    owner_client.post(design_url(alliance), data)
    owner_client.post(design_url(alliance), data)
    assert alliance.versions.count() == 1
    assert alliance.metrics.count() == 1


def test_a_second_save_keeps_the_old_version_in_the_history(owner_client, alliance):
    owner_client.post(design_url(alliance), design_data())
    owner_client.post(design_url(alliance), design_data(how_served="Served by Marcos now."))
    versions = list(alliance.versions.order_by("created_at", "id"))
    assert [v.data["how_served"] for v in versions] == [
        ANSWERS["how_served"],
        "Served by Marcos now.",
    ]
    page = body(owner_client.get(detail_url(alliance)))
    assert "Design history" in page
    assert ANSWERS["how_served"] in page  # the old version, still shown
    assert "Served by Marcos now." in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("benefit_value", "101", "A percentage is at most 100."),
        ("benefit_value", "10000001", "A benefit is at most 10000000."),
        ("benefit_value", "-1", "greater than or equal to 0"),
        ("metric_1_target", "-5", "A monthly target is more than 0."),
        ("metric_1_target", "0", "A monthly target is more than 0."),
        ("metric_1_target", "10000000000000", "A monthly target is at most 1000000000000."),
        ("metric_1_target", "1e400", "A monthly target is at most 1000000000000."),
        ("metric_1_target", "NaN", "Enter a number."),
        ("metric_2_name", "Reseñas", "Choose what this metric counts."),
        ("metric_2_measure", "custom", "Name what this metric counts."),
        ("metric_1_measure", "likes", "Select a valid choice."),
        ("how_passed", "x" * 501, "at most 500 characters"),
    ],
)
def test_values_out_of_bounds_are_refused_next_to_the_field(
    owner_client, alliance, field, value, message
):
    response = owner_client.post(design_url(alliance), design_data(**{field: value}))
    assert response.status_code == 400
    page = body(response)
    assert message in page
    assert f'id="id_{field}"' in page
    assert "is-invalid" in page
    assert _stored(alliance).how_passed == ""  # nothing saved


def test_a_percentage_is_bounded_but_an_amount_per_sale_is_not(owner_client, alliance):
    data = design_data(benefit_rule="per_sale", benefit_value="2500")
    assert owner_client.post(design_url(alliance), data).status_code == 302
    assert _stored(alliance).benefit_value == Decimal("2500.00")


def test_a_benefit_rule_needs_its_value(owner_client, alliance):
    response = owner_client.post(design_url(alliance), design_data(benefit_value=""))
    assert response.status_code == 400
    assert "Enter the benefit: a percentage or an amount." in body(response)


def test_a_sales_channel_keeps_a_follow_up_and_no_benefit_rule(owner_client, alliance):
    data = design_data(kind="channel", follow_up="fortnightly", benefit_value="500")
    assert owner_client.post(design_url(alliance), data).status_code == 302
    stored = _stored(alliance)
    assert (stored.kind, stored.follow_up) == ("channel", "fortnightly")
    assert (stored.benefit_rule, stored.benefit_value) == ("none", None)


def test_a_referral_programme_keeps_no_follow_up(owner_client, alliance):
    owner_client.post(design_url(alliance), design_data(follow_up="weekly"))
    assert _stored(alliance).follow_up == ""


def test_three_metrics_at_most_and_empty_rows_are_none(owner_client, alliance):
    data = design_data(
        metric_2_measure="custom",
        metric_2_name="Reseñas en Google",
        metric_2_target="4",
        metric_3_measure="revenue",
        metric_3_target="150000.50",
    )
    owner_client.post(design_url(alliance), data)
    assert list(alliance.metrics.values_list("position", "name")) == [
        (1, ""),
        (2, "Reseñas en Google"),
        (3, ""),
    ]
    # Emptying row 2 removes that metric, and only that one.
    owner_client.post(
        design_url(alliance),
        {**data, "metric_2_measure": "", "metric_2_name": "", "metric_2_target": ""},
    )
    assert list(alliance.metrics.values_list("position", flat=True)) == [1, 3]
    assert Metric.objects.count() == 2


def test_a_control_character_is_refused(owner_client, alliance):
    response = owner_client.post(design_url(alliance), design_data(how_served="Ana\x01"))
    assert response.status_code == 400
    assert str(CONTROL_MESSAGE) in body(response)


def test_the_page_as_a_browser_submits_it_saves(owner_client, alliance):
    """The form as shown (hidden loaded values, workspace, the selects' first options)."""
    action, fields = form_on(owner_client.get(design_url(alliance)), "how_passed")
    assert fields["kind"] == ["alliance"] or fields["kind"]
    data = {
        **fields,
        **ANSWERS,
        "metric_1_measure": ["sales"],
        "metric_1_target": ["3"],
        "action": "activate",
    }
    response = owner_client.post(action, data)
    assert response.status_code == 302
    assert _stored(alliance).state == State.ACTIVE


def test_a_change_made_meanwhile_in_another_tab_is_kept(owner_client, alliance):
    _action, fields = form_on(owner_client.get(design_url(alliance)), "how_passed")
    # A teammate answers one question meanwhile; this tab answers another.
    Alliance.objects.filter(pk=alliance.pk).update(how_charged="Teammate's answer")
    owner_client.post(design_url(alliance), {**fields, "how_served": "This tab's answer"})
    stored = _stored(alliance)
    assert stored.how_charged == "Teammate's answer"
    assert stored.how_served == "This tab's answer"


def test_the_same_field_changed_in_two_tabs_is_a_conflict_keeping_the_input(owner_client, alliance):
    _action, fields = form_on(owner_client.get(design_url(alliance)), "how_passed")
    Alliance.objects.filter(pk=alliance.pk).update(how_served="Teammate's answer")
    response = owner_client.post(design_url(alliance), {**fields, "how_served": "Mine"})
    assert response.status_code == 400
    page = body(response)
    assert "Someone changed this while you were editing" in page
    assert "Mine" in page
    assert _stored(alliance).how_served == "Teammate's answer"


def test_an_active_alliance_keeps_what_makes_it_active(owner_client, alliance, owner):
    complete(alliance)
    alliance.activate(owner, alliance.created_at.date())
    response = owner_client.post(
        design_url(alliance), design_data(how_passed="", metric_1_target="")
    )
    assert response.status_code == 400
    page = body(response)
    assert "An active alliance needs this." in page
    assert "Save and activate" not in page
    assert _stored(alliance).how_passed == ANSWERS["how_passed"]


def test_an_active_alliance_s_design_can_be_adjusted_but_not_its_kind(
    owner_client, alliance, owner
):
    complete(alliance)
    alliance.activate(owner, alliance.created_at.date())
    data = design_data(kind="channel", how_served="Adjusted")
    assert owner_client.post(design_url(alliance), data).status_code == 302
    stored = _stored(alliance)
    assert (stored.state, stored.how_served, stored.kind) == ("active", "Adjusted", "referral")


def test_an_ended_alliance_is_not_designed_any_more(owner_client, alliance):
    Alliance.objects.filter(pk=alliance.pk).update(state=State.ENDED, ended_at=alliance.created_at)
    response = owner_client.post(design_url(alliance), design_data())
    assert response.status_code == 302
    assert response.url == detail_url(alliance)
    assert _stored(alliance).how_passed == ""
