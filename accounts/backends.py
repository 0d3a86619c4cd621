"""Login throttling with django-axes, fitted to the email login."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


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


def lockout_response(request: HttpRequest, original_response, credentials) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page's place takes a page that says for how long."""
    minutes = int(get_cool_off(request).total_seconds() // 60)
    response = render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
