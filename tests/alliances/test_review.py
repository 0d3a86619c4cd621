"""The periodic review of a running alliance: the months since the last review against the
targets, cost against margin, the method's prompts, and each decision's effect; recorded
once; and a sales channel's check-in."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from alliances.models import (
    Alliance,
    AlreadyReviewed,
    BenefitRule,
    CheckIn,
    Decision,
    DesignVersion,
    FollowUp,
    Review,
    State,
)
from candidates.models import Kind, Status
from tests.alliances.conftest import design_data, design_url, detail_url
from tests.alliances.reviewing import review_data, running_since
from tests.alliances.running import log, log_time
from tests.pilots.conftest import TODAY, assert_login_required, body, set_hourly_value

pytestmark = pytest.mark.django_db

A_MONTH_AGO = date(2026, 11, 9)  # activated then: the monthly review is due TODAY


def review_url(alliance: Alliance) -> str:
    return reverse("alliances:review", args=[alliance.code])


def check_in_url(alliance: Alliance) -> str:
    return reverse("alliances:check_in", args=[alliance.code])


@pytest.fixture
def due(alliance, owner) -> Alliance:
    """A strategic alliance active since a month ago, margin 25 a sale, one metric:
    referrals, 10 a month."""
    return running_since(
        alliance, owner, A_MONTH_AGO, kind=Kind.ALLIANCE, margin_per_sale=Decimal("25")
    )


def _refreshed(alliance: Alliance) -> Alliance:
    return Alliance.objects.select_related("candidate").get(pk=alliance.pk)


# --- the page ------------------------------------------------------------------------------


def test_the_page_shows_each_month_against_the_targets_and_cost_against_margin(
    owner_client, due, workspace
):
    set_hourly_value(workspace, "20")
    log(due, on=date(2026, 11, 20), referrals=12, sales=2)
    log(due, on=TODAY, referrals=3)
    log_time(due, 90, on=date(2026, 11, 21))

    page = body(owner_client.get(review_url(due)))

    assert "Review of the alliance with Café Aurora" in page
    assert "November 2026" in page and "December 2026" in page
    assert "12 / 10" in page  # November beat its target
    assert "3 / 10" in page  # December is below it so far
    # 90 minutes at 20 an hour against two sales at 25.
    assert "$30" in page and "$50" in page
    assert 'data-warning="hobby"' not in page
    for prompt in ("The framing is uncomfortable", "The operating model is confusing"):
        assert prompt in page
    for decision in Decision.labels:
        assert str(decision) in page
    assert 'name="workspace"' in page


def test_the_page_warns_of_an_expensive_hobby(owner_client, due, workspace):
    set_hourly_value(workspace, "100")
    log_time(due, 120, on=TODAY)
    log(due, on=TODAY, sales=1)  # 25 of margin against 200 of time

    page = body(owner_client.get(review_url(due)))

    assert 'data-warning="hobby"' in page
    assert "Expensive hobby" in page


def test_before_its_date_the_review_is_not_open_yet(owner_client, alliance, owner):
    alliance = running_since(alliance, owner, TODAY - timedelta(days=10))

    response = owner_client.get(review_url(alliance), follow=True)

    assert response.redirect_chain == [(detail_url(alliance), 302)]
    assert "The next review is on" in body(response)
    assert "Review due" not in body(response)


def test_an_alliance_in_design_is_not_reviewed(owner_client, alliance):
    response = owner_client.get(review_url(alliance), follow=True)
    assert response.redirect_chain == [(detail_url(alliance), 302)]
    assert "reviewed once it is active" in body(response)


def test_the_alliances_page_says_when_the_review_is_due_and_links_to_it(owner_client, due):
    page = body(owner_client.get(detail_url(due)))
    assert "Review due" in page
    assert f'href="{review_url(due)}"' in page


# --- the decisions -------------------------------------------------------------------------


def test_keep_records_the_period_and_moves_the_review_a_month(owner_client, due, owner):
    log(due, on=date(2026, 11, 20), referrals=12, sales=2)
    data = review_data(model_confusing="on", notes="Good month.")

    response = owner_client.post(review_url(due), data, follow=True)

    assert response.redirect_chain == [(detail_url(due), 302)]
    assert "Review saved. Next review: Jan. 9, 2027." in body(response)
    review = Review.objects.get()
    assert (review.due_date, review.period_start, review.period_end) == (
        TODAY,
        A_MONTH_AGO,
        TODAY,
    )
    assert review.decision == Decision.KEEP and review.model_confusing
    assert review.reviewed_by == owner and review.notes == "Good month."
    assert review.margin_earned == Decimal("50.00")
    (metric,) = review.figures["metrics"]
    assert metric["monthly_target"] == "10.00"
    assert metric["values"] == ["12", "0"]  # November, December
    assert [month["month"] for month in review.figures["months"]] == ["2026-11-01", "2026-12-01"]
    alliance = _refreshed(due)
    assert alliance.state == State.ACTIVE
    assert alliance.next_review_date == date(2027, 1, 9)


def test_a_quarterly_review_moves_three_months(owner_client, alliance, owner):
    alliance = running_since(alliance, owner, date(2026, 9, 9), review_cadence="quarterly")
    assert alliance.next_review_date == TODAY

    owner_client.post(review_url(alliance), review_data())

    assert _refreshed(alliance).next_review_date == date(2027, 3, 9)
    assert Review.objects.get().period_start == date(2026, 9, 9)


def test_a_review_made_late_schedules_the_next_one_after_today(owner, alliance):
    alliance = running_since(alliance, owner, date(2026, 8, 31))  # due 30 September

    Review.objects.record(alliance, owner, review_data(decision=Decision.KEEP), TODAY)

    # 31 August plus whole months, the first after today (not 31 October: past already).
    assert _refreshed(alliance).next_review_date == date(2026, 12, 31)


def test_the_next_period_starts_the_day_after_the_last_one_ended(owner, due):
    Review.objects.record(due, owner, review_data(decision=Decision.KEEP), TODAY)
    next_date = date(2027, 1, 9)

    second = Review.objects.record(
        _refreshed(due), owner, review_data(decision=Decision.KEEP), next_date
    )

    assert (second.period_start, second.period_end) == (TODAY + timedelta(days=1), next_date)
    assert second.due_date == next_date


def test_adjust_keeps_the_old_design_in_the_history(owner_client, due, owner):
    due.save_design(owner)  # the design as activated
    before = DesignVersion.objects.get()

    response = owner_client.post(review_url(due), review_data(decision="adjust"), follow=True)

    assert response.redirect_chain == [(design_url(due), 302)]
    assert "the current one stays in its history" in body(response)
    adjusted = design_data(kind=due.kind, metric_1_target="15", benefit_rule="", benefit_value="")
    response = owner_client.post(design_url(due), adjusted, follow=True)
    assert "Design saved." in body(response)
    versions = list(DesignVersion.objects.order_by("created_at", "id"))
    assert len(versions) == 2
    assert versions[0] == before
    assert versions[0].data["metrics"][0]["monthly_target"] == "10.00"
    assert versions[1].data["metrics"][0]["monthly_target"] == "15.00"
    alliance = _refreshed(due)
    assert alliance.state == State.ACTIVE and alliance.next_review_date == date(2027, 1, 9)
    page = body(owner_client.get(detail_url(due)))
    assert "Reviews and changes" in page
    assert "Adjust the design or the targets" in page
    assert page.count("Design saved") == 2


def test_change_kind_to_a_sales_channel_starts_its_check_ins(owner_client, due, owner):
    response = owner_client.post(
        review_url(due), review_data(decision="change_kind", new_kind="channel"), follow=True
    )

    assert response.redirect_chain == [(design_url(due), 302)]
    assert "It is now a sales channel" in body(response)
    alliance = _refreshed(due)
    assert alliance.kind == Kind.CHANNEL
    assert alliance.follow_up == FollowUp.WEEKLY
    assert alliance.next_check_in_date == TODAY + timedelta(days=7)
    assert alliance.next_review_date == date(2027, 1, 9)
    assert Review.objects.get().new_kind == Kind.CHANNEL
    assert DesignVersion.objects.latest("id").data["kind"] == Kind.CHANNEL


def test_change_kind_to_a_referral_programme_asks_for_its_benefit(owner_client, due):
    response = owner_client.post(
        review_url(due), review_data(decision="change_kind", new_kind="referral"), follow=True
    )

    assert response.redirect_chain == [(design_url(due), 302)]
    assert "say what the partner gets" in body(response)
    alliance = _refreshed(due)
    assert alliance.kind == Kind.REFERRAL and alliance.benefit_rule == BenefitRule.NONE


def test_up_to_a_strategic_alliance_a_referral_programme_drops_its_benefit_rule(
    owner_client, alliance, owner
):
    alliance = running_since(
        alliance,
        owner,
        A_MONTH_AGO,
        kind=Kind.REFERRAL,
        benefit_rule=BenefitRule.PERCENT,
        benefit_value=Decimal("10"),
    )
    alliance.save_design(owner)

    response = owner_client.post(
        review_url(alliance), review_data(decision="change_kind", new_kind="alliance")
    )

    assert response.url == detail_url(alliance)
    changed = _refreshed(alliance)
    assert (changed.kind, changed.benefit_rule, changed.benefit_value) == (
        Kind.ALLIANCE,
        BenefitRule.NONE,
        None,
    )
    old, new = DesignVersion.objects.order_by("id")
    assert old.data["benefit_rule"] == BenefitRule.PERCENT  # the old design keeps it
    assert new.data["kind"] == Kind.ALLIANCE


def test_changing_kind_needs_the_new_kind_and_keeps_what_was_typed(owner_client, due):
    data = review_data(decision="change_kind", notes="Más canal que alianza", no_simple_pilot="on")

    response = owner_client.post(review_url(due), data)

    assert response.status_code == 400
    page = body(response)
    assert "Choose the kind it becomes." in page
    assert "Más canal que alianza" in page
    assert not Review.objects.exists()
    assert _refreshed(due).kind == Kind.ALLIANCE


@pytest.mark.parametrize(
    ("decision", "status"),
    [("open_referral", Status.OPEN_REFERRAL), ("discard", Status.DISCARDED)],
)
def test_ending_it_ends_the_alliance_and_sets_the_candidate(owner_client, due, decision, status):
    response = owner_client.post(review_url(due), review_data(decision=decision), follow=True)

    assert "The alliance has ended." in body(response)
    alliance = _refreshed(due)
    assert alliance.state == State.ENDED and alliance.ended_at is not None
    assert alliance.next_review_date is None and alliance.next_check_in_date is None
    assert alliance.candidate.status == status


# --- recorded once -------------------------------------------------------------------------


def test_a_double_submit_records_one_review(owner_client, due):
    first = owner_client.post(review_url(due), review_data())
    second = owner_client.post(review_url(due), review_data(decision="discard"), follow=True)

    assert first.status_code == 302
    assert "already recorded" in body(second)
    assert Review.objects.count() == 1
    assert _refreshed(due).state == State.ACTIVE  # the second decision did nothing


def test_a_second_record_of_the_same_review_is_refused(owner, due):
    Review.objects.record(due, owner, review_data(decision=Decision.KEEP), TODAY)

    with pytest.raises(AlreadyReviewed) as refused:
        Review.objects.record(due, owner, review_data(decision=Decision.END_DISCARD), TODAY)

    assert refused.value.alliance.next_review_date == date(2027, 1, 9)
    assert Review.objects.count() == 1


# --- who may -------------------------------------------------------------------------------


def test_another_workspace_gets_404(outsider_client, due):
    assert outsider_client.get(review_url(due)).status_code == 404
    assert outsider_client.post(review_url(due), review_data()).status_code == 404
    assert outsider_client.post(check_in_url(due), {}).status_code == 404
    assert not Review.objects.exists()


def test_a_member_may_review(member_client, due):
    assert member_client.post(review_url(due), review_data()).status_code == 302
    assert Review.objects.count() == 1


def test_visitors_are_sent_to_log_in(due):
    assert_login_required(review_url(due))
    assert_login_required(review_url(due), "post")
    assert_login_required(check_in_url(due), "post")


def test_the_review_takes_only_get_and_post(owner_client, due):
    assert owner_client.put(review_url(due)).status_code == 405
    assert owner_client.delete(check_in_url(due)).status_code == 405


def test_a_link_from_another_of_my_workspaces_switches_to_it(owner_client, owner, due):
    second = owner.create_workspace("Segunda Tienda")
    owner_client.post(reverse("accounts:switch"), {"workspace": second.code})

    response = owner_client.get(review_url(due), follow=True)

    assert response.status_code == 200
    assert "Now working in “Tienda Luna”" in body(response)
    assert "Review of the alliance with Café Aurora" in body(response)


# --- a sales channel's check-ins -----------------------------------------------------------


@pytest.fixture
def channel(alliance, owner) -> Alliance:
    alliance = running_since(alliance, owner, A_MONTH_AGO, kind=Kind.CHANNEL)
    Alliance.objects.filter(pk=alliance.pk).update(follow_up=FollowUp.FORTNIGHTLY)
    Alliance.objects.filter(pk=alliance.pk).update(next_check_in_date=TODAY)
    return _refreshed(alliance)


def test_check_in_done_moves_the_next_one_by_the_routine(owner_client, channel, owner):
    page = body(owner_client.get(detail_url(channel)))
    assert "Check-in due" in page and "Check-in done" in page

    response = owner_client.post(check_in_url(channel), {"due_date": TODAY}, follow=True)

    assert "Check-in done. Next one: Dec. 23, 2026." in body(response)
    assert _refreshed(channel).next_check_in_date == TODAY + timedelta(days=14)
    done = CheckIn.objects.get()
    assert (done.due_date, done.done_on, done.done_by) == (TODAY, TODAY, owner)
    assert "Check-in done (due" in body(owner_client.get(detail_url(channel)))


def test_a_double_tap_on_check_in_done_records_it_once(owner_client, channel):
    owner_client.post(check_in_url(channel), {"due_date": TODAY})
    response = owner_client.post(check_in_url(channel), {"due_date": TODAY}, follow=True)

    assert "already done" in body(response)
    assert CheckIn.objects.count() == 1
    assert _refreshed(channel).next_check_in_date == TODAY + timedelta(days=14)


def test_a_late_check_in_lands_the_next_one_after_today(owner, channel):
    Alliance.objects.filter(pk=channel.pk).update(
        follow_up=FollowUp.WEEKLY, next_check_in_date=TODAY - timedelta(days=10)
    )

    CheckIn.objects.record(channel, owner, TODAY - timedelta(days=10), TODAY)

    assert _refreshed(channel).next_check_in_date == TODAY + timedelta(days=4)


def test_the_check_in_page_a_reminder_links_to(owner_client, channel):
    page = body(owner_client.get(check_in_url(channel)))
    assert "Check-in with Café Aurora" in page
    assert "Every two weeks" in page
    assert "Check-in done" in page


def test_an_alliance_that_is_no_sales_channel_has_no_check_ins(owner_client, due):
    response = owner_client.post(check_in_url(due), {"due_date": TODAY}, follow=True)
    assert "Only a running sales channel has check-ins." in body(response)
    assert not CheckIn.objects.exists()
