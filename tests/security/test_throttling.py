"""Brakes on abuse: login lockout (django-axes), and throttles on sign-up, password reset
and the partner page (semaforo/lib/throttle.py, counted in a table: semaforo.models.Throttle)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import User
from accounts.views import RESET_LIMIT_PER_EMAIL, RESET_LIMIT_PER_IP, SIGNUP_LIMIT
from partners import views as partner_views
from semaforo import models as semaforo_models
from semaforo.lib import throttle
from semaforo.models import Throttle
from tests.conftest import PASSWORD, make_candidate
from tests.pilots.conftest import make_pilot

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
SIGNUP = reverse("accounts:signup")
RESET = reverse("password_reset")
HOME_IP, OTHER_IP = "203.0.113.7", "198.51.100.9"
LOCKED = "Too many wrong passwords for this email."
TOO_MANY = "Too many attempts in a short time. Please try again in an hour."
START = datetime(2026, 12, 9, 10, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _log_in(email: str, password: str, ip: str = HOME_IP, client: Client | None = None):
    client = client or Client()
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)


def _fail(times: int, email: str = "owner@example.com", ip: str = HOME_IP) -> None:
    for _ in range(times):
        _log_in(email, "wrong-one", ip)


# Login (django-axes)


def test_the_login_lockout_is_five_failures_for_fifteen_minutes():
    assert settings.LOGIN_FAILURE_LIMIT == 5
    assert settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS == 20
    assert settings.AXES_FAILURE_LIMIT == "accounts.backends.login_failure_limit"
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "accounts.backends.LoginThrottleBackend"


def test_four_wrong_passwords_still_let_the_right_one_in(owner, clock):
    _fail(4)
    response = _log_in("owner@example.com", PASSWORD)
    assert response.status_code == 302


def test_the_fifth_wrong_password_locks_the_email_out_even_with_the_right_one(owner, clock):
    for _ in range(4):
        assert _log_in("owner@example.com", "wrong-one").status_code == 200
    response = _log_in("owner@example.com", "wrong-again")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()

    client = Client()
    response = _log_in("owner@example.com", PASSWORD, client=client)
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    page = response.content.decode()
    assert "logging in from here is paused for 15 minutes" in page
    assert reverse("password_reset") in page
    assert client.get(reverse("candidates:list")).status_code == 302  # not signed in


def test_the_lockout_counts_the_email_in_any_case(owner, clock):
    for typed in (
        "owner@example.com",
        "Owner@Example.com",
        "OWNER@EXAMPLE.COM",
        " owner@example.com",
    ):
        _log_in(typed, "wrong-one")
    _log_in("owner@Example.COM", "wrong-one")
    assert _log_in("owner@example.com", PASSWORD).status_code == 429


def test_the_lockout_is_for_that_email_from_that_address_only(owner, outsider, clock):
    _fail(5)
    assert _log_in("owner@example.com", PASSWORD, ip=OTHER_IP).status_code == 302
    assert _log_in("outsider@example.com", PASSWORD, ip=HOME_IP).status_code == 302


def test_after_fifteen_minutes_the_right_password_works_again(owner, clock):
    _fail(5)
    clock.shift(timedelta(minutes=14))
    assert _log_in("owner@example.com", PASSWORD).status_code == 429
    clock.shift(timedelta(minutes=16))
    assert _log_in("owner@example.com", PASSWORD).status_code == 302


def test_a_successful_login_forgets_the_earlier_failures(owner, clock):
    _fail(4)
    assert _log_in("owner@example.com", PASSWORD).status_code == 302
    _fail(4)
    assert _log_in("owner@example.com", PASSWORD).status_code == 302


def test_an_unknown_email_is_locked_out_the_same_way(owner, clock):
    """Otherwise the lockout would tell which emails have an account."""
    _fail(5, email="nobody@example.com")
    assert _log_in("nobody@example.com", "anything").status_code == 429


def test_the_lockout_page_is_in_spanish_for_a_spanish_browser(owner, clock, settings):
    settings.LANGUAGE_CODE = "es"
    _fail(5)
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    response = _log_in("owner@example.com", PASSWORD, client=client)
    assert response.status_code == 429
    assert "Demasiadas contraseñas incorrectas" in response.content.decode()


def test_the_admin_login_is_behind_the_same_lockout(owner, clock):
    User.objects.filter(pk=owner.pk).update(is_staff=True, is_superuser=True)
    _fail(5)
    response = Client().post(
        reverse("admin:login"),
        {"username": "owner@example.com", "password": PASSWORD},
        REMOTE_ADDR=HOME_IP,
    )
    assert response.status_code == 429


# Password spraying: a few wrong passwords for each of many emails, from one address


def _spray(emails: int, each: int = 4, ip: str = HOME_IP) -> list[int]:
    return [
        _log_in(f"person{n}@example.com", "Summer2026!", ip).status_code
        for n in range(emails)
        for _ in range(each)
    ]


def test_wrong_passwords_over_many_emails_lock_the_address_at_the_twentieth(owner, clock):
    # 4 for each email: never the 5 that lock one email, but 24 from one address.
    statuses = _spray(emails=6)
    assert statuses[:19] == [200] * 19
    assert set(statuses[19:]) == {429}
    response = _log_in("owner@example.com", PASSWORD)
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    page = response.content.decode()
    assert "Too many wrong passwords from your connection" in page
    assert LOCKED not in page


def test_the_address_lockout_leaves_other_addresses_alone(owner, outsider, clock):
    _spray(emails=6)
    assert _log_in("owner@example.com", PASSWORD, ip=OTHER_IP).status_code == 302
    assert _log_in("outsider@example.com", PASSWORD, ip=OTHER_IP).status_code == 302


def test_an_office_below_the_address_limit_still_logs_in(owner, clock):
    """Offices share one address: 19 wrong passwords among colleagues lock nobody out."""
    assert set(_spray(emails=19, each=1)) == {200}
    assert _log_in("owner@example.com", PASSWORD).status_code == 302


def test_the_address_lockout_ends_after_fifteen_minutes(owner, clock):
    _spray(emails=5)
    clock.shift(timedelta(minutes=14))
    assert _log_in("owner@example.com", PASSWORD).status_code == 429
    clock.shift(timedelta(minutes=16))
    assert _log_in("owner@example.com", PASSWORD).status_code == 302


def test_logging_in_to_ones_own_account_does_not_reset_the_count_for_the_address(outsider, clock):
    """The sprayer has an account: its successful login clears its own failures only."""
    _spray(emails=4)  # 16
    assert _log_in("outsider@example.com", PASSWORD).status_code == 302
    statuses = [_log_in(f"other{n}@example.com", "Summer2026!").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]


# Sign-up


def _sign_up(n: int, ip: str = HOME_IP):
    data = {
        "email": f"new{n}@example.com",
        "password1": "lunar-teapot-orchard-91",
        "password2": "lunar-teapot-orchard-91",
        "business_name": f"Business {n}",
    }
    return Client().post(SIGNUP, data, REMOTE_ADDR=ip)


def test_sign_ups_from_one_address_are_limited_per_hour(db, clock):
    for n in range(SIGNUP_LIMIT):
        assert _sign_up(n).status_code == 302
    response = _sign_up(99)
    assert response.status_code == 429
    assert TOO_MANY in response.content.decode()
    assert not User.objects.filter(email="new99@example.com").exists()

    assert _sign_up(100, ip=OTHER_IP).status_code == 302
    clock.shift(timedelta(hours=1))
    assert _sign_up(101).status_code == 302


def test_looking_at_the_sign_up_page_does_not_count(db, clock):
    for _ in range(SIGNUP_LIMIT + 5):
        assert Client().get(SIGNUP, REMOTE_ADDR=HOME_IP).status_code == 200
    assert _sign_up(1).status_code == 302


# Password reset


def _reset(email: str, ip: str = HOME_IP):
    return Client().post(RESET, {"email": email}, REMOTE_ADDR=ip)


def test_reset_emails_to_one_address_are_limited_per_hour(owner, clock, mailoutbox):
    for _ in range(RESET_LIMIT_PER_EMAIL):
        assert _reset("owner@example.com").status_code == 302
    response = _reset("Owner@Example.com", ip=OTHER_IP)
    assert response.status_code == 429
    assert TOO_MANY in response.content.decode()
    assert len(mailoutbox) == RESET_LIMIT_PER_EMAIL

    clock.shift(timedelta(hours=1))
    assert _reset("owner@example.com").status_code == 302
    assert len(mailoutbox) == RESET_LIMIT_PER_EMAIL + 1


def test_the_per_email_limit_is_the_same_for_an_email_without_account(db, clock):
    for _ in range(RESET_LIMIT_PER_EMAIL):
        assert _reset("nobody@example.com").status_code == 302
    assert _reset("nobody@example.com").status_code == 429


def test_reset_requests_from_one_address_are_limited_per_hour(owner, clock, mailoutbox):
    for n in range(RESET_LIMIT_PER_IP - 1):
        assert _reset(f"someone{n}@example.com").status_code == 302
    assert _reset("owner@example.com").status_code == 302
    assert len(mailoutbox) == 1
    response = _reset("owner@example.com")
    assert response.status_code == 429
    assert len(mailoutbox) == 1
    assert _reset("owner@example.com", ip=OTHER_IP).status_code == 302


# The partner page


@pytest.fixture
def partner_url(workspace, owner, monkeypatch) -> str:
    # A smaller limit than PARTNER_IP_LIMIT's 60: the same code path, a quicker test.
    monkeypatch.setattr(partner_views, "PARTNER_IP_LIMIT", 5)
    pilot = make_pilot(make_candidate(workspace, "Spa Serena", ticks=4), owner)
    return reverse("partners:page", args=[pilot.partner_token])


def test_the_partner_page_takes_60_requests_per_address_in_10_minutes():
    assert (partner_views.PARTNER_IP_LIMIT, partner_views.PARTNER_IP_WINDOW) == (60, 600)


def test_the_partner_page_is_limited_per_address(partner_url, clock):
    for _ in range(5):
        assert Client().get(partner_url, REMOTE_ADDR=HOME_IP).status_code == 200
    response = Client().get(partner_url, REMOTE_ADDR=HOME_IP)
    assert response.status_code == 429
    assert "Too many requests from your connection" in response.content.decode()
    assert response["Retry-After"] == "600"
    assert Client().post(partner_url, REMOTE_ADDR=HOME_IP).status_code == 429

    assert Client().get(partner_url, REMOTE_ADDR=OTHER_IP).status_code == 200
    clock.shift(timedelta(minutes=10))
    assert Client().get(partner_url, REMOTE_ADDR=HOME_IP).status_code == 200


def test_guessing_partner_tokens_counts_toward_the_same_limit(partner_url, clock):
    for n in range(5):
        url = reverse("partners:page", args=[f"guess-{n}"])
        assert Client().get(url, REMOTE_ADDR=HOME_IP).status_code == 404
    assert Client().get(partner_url, REMOTE_ADDR=HOME_IP).status_code == 429


# The helper


def test_a_window_counts_hits_up_to_the_limit_then_refuses(db, clock):
    results = [throttle.allow("test", "who", limit=3, window=60) for _ in range(5)]
    assert results == [True, True, True, False, False]
    assert throttle.allow("test", "someone-else", limit=3, window=60)
    assert throttle.allow("other-scope", "who", limit=3, window=60)
    clock.shift(timedelta(seconds=60))
    assert throttle.allow("test", "who", limit=3, window=60)


def test_the_counts_live_in_the_database_shared_by_all_processes(db, clock):
    throttle.allow("test", "who@example.com", limit=3, window=60)
    throttle.allow("test", "who@example.com", limit=3, window=60)
    counter = Throttle.objects.get()
    assert counter.count == 2
    assert counter.key.startswith("test:")
    assert "who" not in counter.key  # hashed: no addresses or emails in the table


def test_a_window_of_any_length_counts(db, clock):
    day = 24 * 60 * 60  # windows start at midnight UTC; START is 10:00
    results = [throttle.allow("test", "who", limit=2, window=day) for _ in range(3)]
    assert results == [True, True, False]
    clock.shift(timedelta(hours=13, minutes=59))
    assert not throttle.allow("test", "who", limit=2, window=day)
    clock.shift(timedelta(minutes=1))
    assert throttle.allow("test", "who", limit=2, window=day)


def test_a_new_counter_clears_the_ended_windows(db, clock):
    throttle.allow("test", "who", limit=3, window=60)
    throttle.allow("other-scope", "someone-else", limit=3, window=3600)
    clock.shift(timedelta(seconds=60))
    throttle.allow("test", "who", limit=3, window=60)
    assert Throttle.objects.count() == 2  # the hour's counter is still running
    assert Throttle.objects.get(key__startswith="test:").count == 1


def test_a_counter_made_at_the_same_moment_by_another_request_counts_this_hit(
    db, clock, monkeypatch
):
    increment = semaforo_models._increment

    def another_request_creates_it_first(counter):
        monkeypatch.setattr(semaforo_models, "_increment", increment)  # once
        throttle.allow("test", "who", limit=2, window=60)
        return None  # this request had found no counter, just before

    monkeypatch.setattr(semaforo_models, "_increment", another_request_creates_it_first)
    assert throttle.allow("test", "who", limit=2, window=60)
    assert Throttle.objects.get().count == 2
    assert not throttle.allow("test", "who", limit=2, window=60)


def test_the_client_address_is_the_connection_unless_behind_the_proxy(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7"
    )
    settings.BEHIND_PROXY = False
    assert throttle.client_ip(request) == "10.0.0.2"
    settings.BEHIND_PROXY = True
    # The right-most entry is the one the proxy added; the rest could be forged.
    assert throttle.client_ip(request) == "203.0.113.7"
    assert throttle.client_ip(RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
    # Not an address (a misconfigured proxy): the connection's, never the text as sent.
    garbage = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="<x>")
    assert throttle.client_ip(garbage) == "10.0.0.2"


def test_a_request_built_in_code_has_no_address():
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    assert throttle.client_ip(request) is None
