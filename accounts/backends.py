"""Login throttling with django-axes, fitted to the email login."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_ip_address, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


class LoginThrottleBackend(AxesStandaloneBackend):
    """Axes' lockout check, first in AUTHENTICATION_BACKENDS; ModelBackend signs in.

    Every sign-in through a page (the login form, the admin's) passes the request, and is
    checked. A call without one (the test client's login(), a shell) is no web attempt, so
    it is left to the next backend instead of failing as axes' own backend does.
    """

    def authenticate(self, request: HttpRequest | None, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def login_email(request: HttpRequest, credentials: dict | None) -> str:
    """The email as the user model compares it (any case, spaces around it ignored), so
    "Owner@Example.com" and "owner@example.com" count toward the same lockout."""
    typed = (credentials or {}).get("username") or request.POST.get("username") or ""
    return typed.strip().lower()


def address_failures(request: HttpRequest) -> int:
    """Wrong passwords from the request's address, for any email, within the cool-off (the
    rows axes keeps per email and address, counted the way axes counts one of them)."""
    ip = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    if ip is None:
        return 0
    since = (getattr(request, "axes_attempt_time", None) or timezone.now()) - get_cool_off(request)
    recent = AccessAttempt.objects.filter(ip_address=ip, attempt_time__gte=since)
    return recent.aggregate(total=Sum("failures_since_start"))["total"] or 0


def is_address_locked_out(request: HttpRequest) -> bool:
    return address_failures(request) >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS


def login_failure_limit(request: HttpRequest, credentials: dict | None) -> int:
    """AXES_FAILURE_LIMIT: how many failures axes allows the (email, address) pair it counts.

    The pair's own limit, unless the address as a whole has reached its higher one (one
    address trying many emails: password spraying), in which case none is left, for any
    email. Only the limit varies: AXES_LOCKOUT_PARAMETERS stays the pair, so a successful
    login clears that email's failures alone, never those of the other emails tried from
    the same address (which "ip_address" as a lockout parameter would also clear).
    """
    if is_address_locked_out(request):
        return 0
    return settings.LOGIN_FAILURE_LIMIT


def lockout_response(request: HttpRequest, original_response, credentials) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page's place takes a page that says for how long."""
    minutes = int(get_cool_off(request).total_seconds() // 60)
    context = {"minutes": minutes, "by_address": is_address_locked_out(request)}
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
