"""The CSRF sweep: a POST without the token is refused (403) at every URL of the URLconf,
signed in or not, from a plain form or from htmx; and nothing changes.

The URLs come from walking the URLconf, so a new view is swept without anyone adding it.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import User
from tests.security.sweep import all_urls
from tests.test_isolation import POST_DATA, snapshot

pytestmark = pytest.mark.django_db

# Views that skip the CSRF check (csrf_exempt). None: every form, htmx call and public page
# that takes a POST checks the token. Adding one here needs a reason next to it.
CSRF_EXEMPT: dict[str, str] = {}

# Public pages (no login, the secret is in the link) that never take a POST, so there is
# nothing to forge: each answers 405 even to a POST that carries a valid token.
PUBLIC_GET_ONLY = {
    "partners:track": "the tracked link on the pilot card: counts a click and redirects",
    "dashboard:calendar_feed": "a read-only calendar feed that calendar apps fetch",
    "healthz": "the load balancer's probe: the database answers, nothing written",
    "password_reset_done": "a confirmation page",
    "password_reset_complete": "a confirmation page",
}

CSRF_FAILED = "CSRF verification failed"


def _client(user: User | None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def _client_with_token(user: User | None) -> tuple[Client, str]:
    """A client holding a CSRF cookie, and the token that matches it."""
    client = _client(user)
    client.get(reverse("login"))
    return client, client.cookies["csrftoken"].value


def _csrf_exempt_views() -> set[str]:
    def walk(resolver: URLResolver, prefix: str = ""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                namespace = pattern.namespace
                yield from walk(pattern, f"{prefix}{namespace}:" if namespace else prefix)
            elif isinstance(pattern, URLPattern) and getattr(
                pattern.callback, "csrf_exempt", False
            ):
                yield f"{prefix}{pattern.name or pattern.pattern}"

    return set(walk(get_resolver()))


def test_no_view_skips_the_csrf_check():
    assert _csrf_exempt_views() == set(CSRF_EXEMPT)


def test_the_sweep_covers_forms_htmx_views_and_public_pages(a):
    names = {name for name, _url in all_urls(a)}
    assert {"login", "logout", "password_reset", "accounts:signup"} <= names
    assert {"candidates:checklist", "candidates:archive", "pilots:result_add"} <= names
    assert {"partners:page", "accounts:invitation", "accounts:set_language"} <= names
    assert set(PUBLIC_GET_ONLY) <= names


@pytest.mark.parametrize("signed_in", [True, False], ids=["signed-in", "visitor"])
def test_every_post_without_the_token_is_forbidden_and_changes_nothing(a, signed_in):
    client = _client(a.owner if signed_in else None)
    urls = all_urls(a)
    before = snapshot()
    failures = []
    for name, url in urls:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.post(url, POST_DATA, headers=headers)
            if response.status_code != 403 or CSRF_FAILED not in response.content.decode():
                failures.append(f"{name} {url} {headers}: {response.status_code}")
    assert not failures, "POSTs without a CSRF token that were not refused:\n" + "\n".join(failures)
    assert snapshot() == before


def test_with_the_token_the_same_posts_get_past_the_check(a):
    """So the 403s above were the CSRF check's, and not, say, a permission check's."""
    client, token = _client_with_token(a.owner)
    failures = []
    for name, url in all_urls(a):
        client.force_login(a.owner)  # again: the POST before may have been the logout
        response = client.post(url, POST_DATA, headers={"X-CSRFToken": token})
        # A 403 of the app's own (e.g. an invitation for another email) is not the check's.
        if response.status_code == 403 and CSRF_FAILED in response.content.decode():
            failures.append(f"{name} {url}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name", sorted(PUBLIC_GET_ONLY))
def test_public_get_only_pages_take_no_post_even_with_a_token(a, name):
    url = dict(all_urls(a))[name]
    client, token = _client_with_token(None)
    response = client.post(url, {}, headers={"X-CSRFToken": token})
    assert response.status_code == 405, PUBLIC_GET_ONLY[name]
