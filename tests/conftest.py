"""Named personas shared by every test: an owner, another member of the same workspace,
and an outsider who owns a different workspace."""

from __future__ import annotations

import os
from collections.abc import Iterable

import pytest
from django.test import Client

from accounts.models import Membership, Role, User, Workspace
from candidates.models import Candidate, Evaluation

PASSWORD = "correct-horse-battery-staple"


def pytest_collection_modifyitems(items):
    # Real Chromium takes seconds a test: `make test` leaves them out, CI runs them.
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _no_server_error(caplog):
    """No test may leave a 500 in the logs: not a view of the test client, not a request to
    the live server of a browser or concurrency test (whose errors the test cannot see)."""
    yield
    errors = [
        f"{record.getMessage()} ({record.status_code})"
        for record in caplog.get_records("call")
        if record.name == "django.request" and getattr(record, "status_code", 0) == 500
    ]
    assert not errors, "server errors logged: " + "; ".join(errors)


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    # Tests read English copy unless they ask for Spanish explicitly.
    settings.LANGUAGE_CODE = "en"


def must_not_skip() -> bool:
    """Under CI or REQUIRE_BROWSER=1 a test whose tool is missing fails instead of skipping."""
    return any(
        os.environ.get(name, "").strip().lower() in {"1", "true", "yes"}
        for name in ("REQUIRE_BROWSER", "CI")
    )


def make_user(email: str) -> User:
    return User.objects.create_user(email=email, password=PASSWORD)


@pytest.fixture
def owner(db) -> User:
    user = make_user("owner@example.com")
    user.create_workspace("Tienda Luna")
    return user


@pytest.fixture
def workspace(owner) -> Workspace:
    return owner.workspaces().get()


@pytest.fixture
def member(workspace) -> User:
    user = make_user("member@example.com")
    Membership.objects.create(user=user, workspace=workspace, role=Role.MEMBER)
    return user


@pytest.fixture
def outsider(db) -> User:
    user = make_user("outsider@example.com")
    user.create_workspace("Otra Empresa")
    return user


def client_for(user: User, **options) -> Client:
    """A test client signed in as `user`; options go to Client (e.g. enforce_csrf_checks)."""
    client = Client(**options)
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(owner) -> Client:
    return client_for(owner)


@pytest.fixture
def member_client(member) -> Client:
    return client_for(member)


@pytest.fixture
def outsider_client(outsider) -> Client:
    return client_for(outsider)


def make_candidate(
    workspace: Workspace, name: str = "Spa Serena", ticks: int | Iterable[str] = 0, **fields
):
    """A candidate with its first evaluation: `ticks` is how many criteria are ticked (the
    first ones, in order), or which ones (criterion field names)."""
    from candidates.criteria import CRITERION_FIELDS

    candidate = Candidate.objects.create(workspace=workspace, name=name, **fields)
    evaluation = Evaluation.start(candidate)
    for field in CRITERION_FIELDS[:ticks] if isinstance(ticks, int) else ticks:
        setattr(evaluation, field, True)
    evaluation.rescore()
    evaluation.save()
    return candidate


@pytest.fixture
def candidate(workspace) -> Candidate:
    return make_candidate(workspace)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Full-strength PBKDF2 costs about a second per user created; no test needs it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
