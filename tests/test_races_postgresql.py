"""Two identical requests at the same instant (a double click, two tabs, two teammates) make
one record, and neither person sees an error: the one who lost the race sees what the
winner made.

Each request runs in its own thread with its own database connection, released together by
a barrier. Needs a real database server with concurrent transactions: runs in CI's
PostgreSQL leg (`DATABASE_URL=postgres://... pytest`), skipped on SQLite, where the
single-writer lock already serialises these requests.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connections
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Membership, Role, User, Workspace
from candidates.models import Evaluation, Status
from pilots.models import Decision, Pilot, PilotStatus, ResultEntry, Review
from tests.conftest import PASSWORD, make_candidate
from tests.page_forms import form_on
from tests.pilots.conftest import make_pilot, pilot_data

pytestmark = [
    pytest.mark.slow,  # threads or processes at once: -m "not slow" leaves them out
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL for real concurrent transactions (CI's PostgreSQL leg)",
    ),
    pytest.mark.django_db(transaction=True),
]

ALREADY_RUNNING = "This candidate already has a pilot running: one at a time."
ALREADY_RECORDED = "This review was already recorded; here is the pilot now."
FINISHED = "This pilot is finished; its reviews are below."


def at_once(*requests: Callable[[], HttpResponse]) -> list[HttpResponse]:
    """Send the requests at the same instant, each from its own thread and connection.

    The test client raises a view's exception (what would be a 500): it is raised here.
    """
    start = threading.Barrier(len(requests))
    outcomes: list[HttpResponse | BaseException | None] = [None] * len(requests)

    def send(index: int, request: Callable[[], HttpResponse]) -> None:
        try:
            start.wait(timeout=30)
            outcomes[index] = request()
        except BaseException as error:  # re-raised in the test's thread, below
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=item) for item in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
    assert all(outcome is not None for outcome in outcomes), "a request did not finish"
    return outcomes  # type: ignore[return-value]


def same_browser(client: Client) -> Client:
    """Another request from the same browser (a double click): the same cookies."""
    twin = Client()
    twin.cookies.load({key: morsel.value for key, morsel in client.cookies.items()})
    return twin


def shown_after(client: Client, response: HttpResponse) -> str:
    """The page the browser shows after this redirect, with its messages."""
    assert response.status_code == 302, response.status_code
    return html.unescape(client.get(response["Location"]).content.decode())


def _frozen_evaluations(candidate) -> int:
    return Evaluation.objects.filter(candidate=candidate, frozen_at__isnull=False).count()


@pytest.fixture
def spa(workspace):
    return make_candidate(workspace, "Spa Serena", ticks=4)


@pytest.fixture
def due_pilot(spa, owner) -> Pilot:
    return make_pilot(spa, owner, start_date=timezone.localdate() - timedelta(days=14))


def test_a_double_click_on_start_starts_one_pilot(owner_client, spa):
    url = reverse("pilots:create", args=[spa.code])
    data = pilot_data(start_date=timezone.localdate().isoformat())
    clicks = [owner_client, same_browser(owner_client)]

    responses = at_once(*[lambda c=c: c.post(url, data) for c in clicks])

    pilot = Pilot.objects.get(candidate=spa)
    assert pilot.status == PilotStatus.ACTIVE
    assert {r["Location"] for r in responses} == {reverse("pilots:detail", args=[pilot.code])}
    pages = [shown_after(c, r) for c, r in zip(clicks, responses, strict=True)]
    assert sum("Pilot started." in page for page in pages) == 1
    assert sum(ALREADY_RUNNING in page for page in pages) == 1
    # The checklist was frozen once, as the pilot's prediction.
    assert _frozen_evaluations(spa) == 1
    spa.refresh_from_db()
    assert spa.status == Status.IN_PILOT


def test_two_teammates_deciding_the_same_review_at_once_record_one_decision(
    owner_client, member_client, due_pilot, spa
):
    url = reverse("pilots:review", args=[due_pilot.code])
    frozen_before = _frozen_evaluations(spa)
    people = [
        (owner_client, {"decision": Decision.PROMOTE, "notes": "It works"}),
        (member_client, {"decision": Decision.STOP_DISCARD, "notes": "Not for us"}),
    ]

    responses = at_once(*[lambda c=c, d=d: c.post(url, d) for c, d in people])

    review = Review.objects.get(pilot=due_pilot)
    due_pilot.refresh_from_db()
    spa.refresh_from_db()
    expected_status = {Decision.PROMOTE: Status.ALLIANCE, Decision.STOP_DISCARD: Status.DISCARDED}
    assert due_pilot.status == PilotStatus.FINISHED
    assert spa.status == expected_status[review.decision]
    # The review re-ran the checklist once: one more frozen evaluation, not two.
    assert _frozen_evaluations(spa) == frozen_before + 1
    pages = [shown_after(c, r) for (c, _d), r in zip(people, responses, strict=True)]
    assert sum("Review saved." in page for page in pages) == 1
    assert sum(ALREADY_RECORDED in page or FINISHED in page for page in pages) == 1


def test_a_double_click_on_extend_extends_once_without_an_error(owner_client, due_pilot, spa):
    url = reverse("pilots:review", args=[due_pilot.code])
    new_date = due_pilot.review_date + timedelta(days=7)
    data = {"decision": Decision.EXTEND, "new_review_date": new_date.isoformat()}
    frozen_before = _frozen_evaluations(spa)
    clicks = [owner_client, same_browser(owner_client)]

    responses = at_once(*[lambda c=c: c.post(url, data) for c in clicks])

    assert Review.objects.filter(pilot=due_pilot).count() == 1
    due_pilot.refresh_from_db()
    assert due_pilot.extended and due_pilot.review_date == new_date
    assert due_pilot.status == PilotStatus.ACTIVE
    assert _frozen_evaluations(spa) == frozen_before + 1
    assert all(r.status_code in (302, 400) for r in responses)
    assert any(r.status_code == 302 for r in responses)


def test_a_double_tap_on_add_result_records_one_result(owner_client, due_pilot):
    page = owner_client.get(reverse("pilots:detail", args=[due_pilot.code]))
    action, data = form_on(page, having="referrals")
    data.update(referrals="2", sales="1", note="Two clients from the spa")
    taps = [owner_client, same_browser(owner_client)]

    responses = at_once(*[lambda c=c: c.post(action, data) for c in taps])

    entry = ResultEntry.objects.get(pilot=due_pilot)
    assert (entry.referrals, entry.sales) == (2, 1)
    assert all(r.status_code in (302, 400) for r in responses)
    assert any(r.status_code == 302 for r in responses)


def _signup_data() -> dict:
    return {
        "email": "nueva@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "business_name": "Floristería Rosa",
        "time_zone": "Europe/Madrid",
    }


def test_a_double_click_on_sign_up_makes_one_account_and_signs_in(db):
    clicks = [Client(), Client()]
    url = reverse("accounts:signup")

    responses = at_once(*[lambda c=c: c.post(url, _signup_data()) for c in clicks])

    user = User.objects.get(email="nueva@example.com")
    assert Workspace.objects.filter(memberships__user=user).count() == 1
    assert Workspace.objects.count() == 1
    for client, response in zip(clicks, responses, strict=True):
        if response.status_code == 302:  # signed in: the winner, or the loser as the winner
            assert response["Location"] == reverse("home")
            assert client.get(reverse("dashboard:home")).status_code == 200
        else:  # arrived after the first had finished: told the account exists
            assert response.status_code == 200
            assert "An account with this email already exists." in response.content.decode()
    assert any(r.status_code == 302 for r in responses)


def test_a_double_click_on_an_invitation_sign_up_makes_one_account_and_one_membership(
    workspace, owner
):
    invitation = Invitation.objects.create(
        workspace=workspace, email="newcomer@example.com", role=Role.MEMBER, invited_by=owner
    )
    url = reverse("accounts:invitation", args=[invitation.token])
    data = {"password1": PASSWORD, "password2": PASSWORD}
    clicks = [Client(), Client()]

    responses = at_once(*[lambda c=c: c.post(url, data) for c in clicks])

    user = User.objects.get(email="newcomer@example.com")
    membership = Membership.objects.get(user=user)
    assert (membership.workspace, membership.role) == (workspace, Role.MEMBER)
    for client, response in zip(clicks, responses, strict=True):
        if response.status_code == 302:
            assert client.get(reverse("dashboard:home")).status_code == 200
        else:  # arrived after the first had finished: the page says it was accepted
            assert response.status_code == 404
            assert 'data-invitation-state="accepted"' in response.content.decode()
    assert any(r.status_code == 302 for r in responses)
