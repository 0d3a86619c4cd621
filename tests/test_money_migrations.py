"""The data migrations of money: existing workspaces get a currency from where they are,
existing pilots their workspace's hourly value (what they were priced at until then)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from candidates.models import Candidate

BEFORE = [("accounts", "0003_rioplatense_spanish"), ("pilots", "0006_rioplatense_spanish")]
AFTER = [
    ("accounts", "0005_workspace_currency_required"),
    ("pilots", "0008_pilot_hourly_value_required"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def _back_to_the_latest_schema():
    """Rolling back to BEFORE also unapplies what depends on it (the alliances' tables):
    the tests that come after need every app's latest schema again."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_workspaces_and_pilots_get_their_currency_and_hourly_value():
    old = _migrate(BEFORE)
    User = old.get_model("accounts", "User")
    Workspace = old.get_model("accounts", "Workspace")
    Membership = old.get_model("accounts", "Membership")
    Pilot = old.get_model("pilots", "Pilot")
    PilotSettings = old.get_model("pilots", "PilotSettings")

    def workspace(name, time_zone, language=""):
        owner = User.objects.create(email=f"{name}@example.com", language=language)
        created = Workspace.objects.create(name=name, time_zone=time_zone)
        Membership.objects.create(user=owner, workspace=created, role="owner")
        return created

    buenos_aires = workspace("ba", "America/Argentina/Buenos_Aires")
    madrid = workspace("madrid", "Europe/Madrid")
    rioplatense = workspace("rio", "UTC", language="es-ar")
    anywhere = workspace("utc", "UTC", language="en")
    PilotSettings.objects.create(workspace=buenos_aires, hourly_value=Decimal("15000"))

    def pilot(in_workspace, name):
        # Today's model: the candidates app is not rolled back (it is not money's).
        candidate = Candidate.objects.create(workspace_id=in_workspace.pk, name=name)
        return Pilot.objects.create(
            workspace=in_workspace,
            candidate_id=candidate.pk,
            offer="Oferta",
            script="Una línea.",
            measurement="discount_code",
            start_date=date(2026, 11, 1),
            length_days=14,
            review_date=date(2026, 11, 15),
        )

    priced, unpriced = pilot(buenos_aires, "Spa"), pilot(madrid, "Yoga")

    new = _migrate(AFTER)
    currencies = dict(
        new.get_model("accounts", "Workspace").objects.values_list("name", "currency")
    )
    assert currencies == {"ba": "ARS", "madrid": "EUR", "rio": "ARS", "utc": "USD"}
    hourly = dict(new.get_model("pilots", "Pilot").objects.values_list("pk", "hourly_value"))
    assert hourly == {priced.pk: Decimal("15000"), unpriced.pk: Decimal("0")}
    del rioplatense, anywhere
