"""`manage.py load_demo`: the article's spa example, ready to explore, created once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User, Workspace
from candidates.models import Candidate, Evaluation
from pilots.models import Pilot, ReviewState

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (User, Workspace, Candidate, Evaluation, Pilot))


def test_load_demo_twice_leaves_the_same_counts():
    out = StringIO()
    call_command("load_demo", stdout=out)
    first = _counts()
    call_command("load_demo", stdout=out)
    assert _counts() == first
    assert "demo@example.com / semaforo-demo" in out.getvalue()


def test_the_demo_has_all_three_colours_a_due_and_an_overdue_review():
    call_command("load_demo", stdout=StringIO())
    workspace = Workspace.objects.get(name__contains="demo")
    colours = set(
        Candidate.objects.for_workspace(workspace)
        .with_current()
        .values_list("current_colour", flat=True)
    )
    assert colours == {"green", "yellow", "red"}
    assert Candidate.objects.get(workspace=workspace, name="Spa Serena").filter_passed()
    today = workspace.today()
    states = sorted(p.review_state(today) for p in Pilot.objects.for_workspace(workspace))
    assert states == sorted(
        [ReviewState.DUE, ReviewState.OVERDUE, ReviewState.DONE, ReviewState.DONE]
    )
    outcomes = set(
        Pilot.objects.for_workspace(workspace).exclude(outcome="").values_list("outcome", flat=True)
    )
    assert outcomes == {"promoted", "open_referral"}


def test_the_printed_login_works():
    call_command("load_demo", stdout=StringIO())
    client = Client()
    assert client.login(email="demo@example.com", password="semaforo-demo")
    body = client.get("/dashboard/").content.decode()
    assert "Estudio de Yoga Prana" in body and "Farmacia del Centro" in body
