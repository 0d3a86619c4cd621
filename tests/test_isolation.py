"""The isolation sweep: no URL that names an object lets another workspace reach it.

Every URL pattern with a captured argument is found by walking the URLconf, so a new
URL is covered (or makes this test fail until it is) without anyone remembering to add it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Invitation, User, Workspace
from alliances.models import Alliance
from candidates.criteria import CRITERION_FIELDS
from candidates.models import Candidate, Evaluation
from pilots.models import Measurement, Pilot
from semaforo.models import Throttle
from tests.conftest import make_candidate

pytestmark = pytest.mark.django_db

# Pages that are meant to open for whoever holds the link (the token is the secret), or
# that are not workspace pages at all. Everything else that takes an argument is swept.
PUBLIC = {
    # The invitation link works for the person it was sent to, signed in or not.
    "accounts:invitation",
    # The emailed password-reset link, used while signed out.
    "password_reset_confirm",
    # The tracked link on the pilot card: counts a click, no login by design.
    "partners:track",
    # The partner's page: the owner hands the partner this (revocable) link.
    "partners:page",
    # A user's private calendar feed: calendar apps fetch it without a session
    # (tests/pilots/test_calendar.py checks it shows only that user's workspaces).
    "dashboard:calendar_feed",
    # The partner one-pager: read-only, revocable token (tests/pilots/test_one_pager.py).
    "partners:one_pager",
}
# Django's admin: staff only (is_staff), guarded by the admin itself, not by workspace.
PUBLIC_NAMESPACES = {"admin"}

# Data a POST would need to change something, for every form behind these URLs.
POST_DATA = {
    **dict.fromkeys(CRITERION_FIELDS, "on"),
    "name": "Hijacked",
    "kind": "channel",
    "status": "discarded",
    "notes": "changed by someone else",
    "offer": "Free everything",
    "script": "Buy now",
    "measurement": "discount_code",
    "start_date": "2026-01-01",
    "length_days": "14",
    "override": "on",
    "date": "2026-01-02",
    "referrals": "5",
    "sales": "5",
    "revenue": "500",
    "minutes": "60",
    "decision": "promote",
    "next": "/",
}


@dataclass
class WorkspaceA:
    workspace: Workspace
    owner: User
    candidate: Candidate
    frozen: Evaluation
    invitation: Invitation
    pilot: Pilot
    alliance: Alliance | None = None


@pytest.fixture
def a(owner, workspace) -> WorkspaceA:
    candidate = make_candidate(workspace, "Spa Serena", ticks=4)
    candidate.current_evaluation().reevaluate()
    frozen = candidate.evaluations.filter(frozen_at__isnull=False).first()
    today = timezone.localdate()
    pilot = Pilot(
        offer="10% off the first massage",
        script="Mention the spa at the till.",
        measurement=Measurement.TRACKED_LINK,
        landing_url="https://spa.example/",
        start_date=today,
        length_days=14,
        review_date=today + timedelta(days=14),
    ).start(
        candidate,
        owner,
    )
    invitation = Invitation.objects.create(
        workspace=workspace, email="new@example.com", invited_by=owner
    )
    # An alliance in design, for its URLs (made directly: the sweep needs the pages, not
    # the method's way to them).
    alliance = Alliance.objects.create(workspace=workspace, candidate=candidate, created_by=owner)
    return WorkspaceA(workspace, owner, candidate, frozen, invitation, pilot, alliance)


def kwarg_values(a: WorkspaceA) -> dict[str, dict[str, str]]:
    """What fills each URL argument, per app: a real object of workspace A.

    Keyed by namespace, so that a new app's `code` is not silently filled with a
    candidate's code (which would 404 for the wrong reason).
    """
    return {
        "candidates": {"code": a.candidate.code, "evaluation_code": a.frozen.code},
        "accounts": {"token": a.invitation.token},
        "pilots": {"code": a.pilot.code, "candidate_code": a.candidate.code},
        "alliances": {"code": a.alliance.code, "candidate_code": a.candidate.code},
    }


def _walk(resolver: URLResolver, namespace: str = "", kwargs: frozenset = frozenset()):
    """Yield (namespace, name, captured kwarg names) for every pattern under the resolver."""
    for pattern in resolver.url_patterns:
        names = kwargs | set(pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern, inner, frozenset(names))
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield namespace, name or f"<unnamed {pattern.pattern}>", frozenset(names)


def _is_public(namespace: str, name: str) -> bool:
    return name in PUBLIC or namespace.split(":", 1)[0] in PUBLIC_NAMESPACES


def swept_urls(a: WorkspaceA) -> list[tuple[str, str]]:
    """(name, URL) for every non-public pattern with arguments, filled from workspace A."""
    values = kwarg_values(a)
    urls, missing = [], []
    for namespace, name, kwargs in _walk(get_resolver()):
        if not kwargs or _is_public(namespace, name):
            continue
        known = values.get(namespace, {})
        if name.startswith("<unnamed") or not kwargs <= known.keys():
            missing.append(f"{name} in {namespace or 'root'}: {sorted(kwargs - known.keys())}")
            continue
        urls.append((name, reverse(name, kwargs={k: known[k] for k in kwargs})))
    assert not missing, (
        "URLs whose arguments this sweep cannot fill: add a real object of workspace A to "
        f"kwarg_values() (or, if the page is meant to be public, to PUBLIC): {missing}"
    )
    return urls


def snapshot() -> dict[str, list[dict]]:
    """Every row the app keeps (sessions and throttle counters aside): what a forbidden
    request must not touch."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_models()
        if model not in (Session, Throttle)
    }


def _request(client, method: str, url: str):
    if method == "POST":
        return client.post(url, POST_DATA)
    return client.generic(method, url)


def _allowed(response) -> list[str]:
    return [m.strip() for m in response.headers.get("Allow", "").split(",") if m.strip()]


def test_the_sweep_covers_every_app_with_workspace_data(a):
    names = {name for name, _url in swept_urls(a)}
    assert {"candidates:detail", "candidates:evaluation", "candidates:checklist"} <= names
    assert {"accounts:invitation_revoke", "pilots:detail", "pilots:create"} <= names


def test_every_public_exception_is_a_real_url():
    for name in PUBLIC:
        assert any(n == name for _ns, n, _kw in _walk(get_resolver())), f"stale: {name}"


def test_another_workspace_gets_404_from_every_url_that_names_an_object(
    a, outsider, outsider_client
):
    assert a.workspace not in outsider.workspaces()
    before = snapshot()
    failures = []
    for name, url in swept_urls(a):
        seen = {}
        for method in ("GET", "POST"):
            response = _request(outsider_client, method, url)
            seen[method] = response.status_code
            if response.status_code == 405:
                # Wrong method: the method it does take must say "not found" too.
                for allowed in _allowed(response):
                    seen[allowed] = _request(outsider_client, allowed, url).status_code
        if any(status not in (404, 405) for status in seen.values()) or 404 not in seen.values():
            failures.append(f"{name} {url}: {seen}")
    assert not failures, "reached another workspace's data:\n" + "\n".join(failures)
    assert snapshot() == before, "a request from another workspace changed data"


def test_visitors_are_sent_to_log_in_from_every_url_that_names_an_object(a, client):
    before = snapshot()
    login = reverse("login")
    failures = []
    for name, url in swept_urls(a):
        for method in ("GET", "POST"):
            response = _request(client, method, url)
            if response.status_code == 405:
                response = _request(client, _allowed(response)[0], url)
            if response.status_code != 302 or not response.url.startswith(login):
                failures.append(f"{method} {name}: {response.status_code}")
    assert not failures, "\n".join(failures)
    assert snapshot() == before


def test_the_urls_of_the_sweep_are_real_for_workspace_a(a, owner_client):
    """Otherwise the 404s above would prove nothing: the owner does reach every one."""
    urls = swept_urls(a)
    takes_get = []
    for name, url in urls:
        response = owner_client.get(url)
        if response.status_code != 405:
            takes_get.append(name)
            assert response.status_code in (200, 302), f"GET {name}: {response.status_code}"
    # Then the POST-only ones (after the GETs: archiving would hide the candidate).
    for name, url in urls:
        if name not in takes_get:
            response = owner_client.post(url, POST_DATA)
            assert response.status_code in (200, 302, 400), f"POST {name}: {response.status_code}"
