"""The running alliance's pages are valid HTML too (the Nu HTML Checker, as
tests/test_html_valid.py runs it): its page with the charts, the ledger and the partner's page,
with data in them and after a failed submit."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from tests.alliances.running import custom_metric, log, log_time, referral_programme, url
from tests.page_forms import form_on
from tests.pilots.conftest import TODAY, set_hourly_value
from tests.test_html_valid import CANARY, IGNORE_HX, checker  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_the_running_pages_are_valid_html(
    checker,  # noqa: F811 (the fixture imported above)
    owner_client,
    alliance,
    owner,
    workspace,
    tmp_path,
):
    set_hourly_value(workspace, "60")
    programme = referral_programme(alliance, owner, "percent", "12.5")
    custom_metric(programme)
    for month in range(7):
        day = TODAY - timedelta(days=31 * month)
        log(programme, on=day, referrals=2, sales=1, revenue=Decimal("100.10"), note="Ana & Co")
        log_time(programme, 90, on=day)
    partner = reverse("partners:page", args=[programme.partner_token])
    action, data = form_on(owner_client.get(url("detail", programme)), having="referrals")
    pages = {
        "alliance": owner_client.get(url("detail", programme)),
        "alliance, failed submit": owner_client.post(action, {**data, "date": "2099-01-01"}),
        "ledger": owner_client.get(url("ledger", programme)),
        "ledger, failed submit": owner_client.post(url("mark_paid", programme), {"paid_on": ""}),
        "ledger, last year": owner_client.get(url("ledger", programme) + "?year=2025"),
        "partner": Client().get(partner),
        "partner, failed submit": Client().post(partner, {"action": "sale", "revenue": "-1"}),
    }
    files = {}
    for name, response in pages.items():
        assert response.status_code in (200, 400), name
        path = tmp_path / (name.replace(" ", "-").replace(",", "") + ".html")
        path.write_bytes(response.content)
        files[str(path)] = name
    canary = tmp_path / "canary.html"  # proves the checker ran
    canary.write_text(CANARY)
    run = subprocess.run(  # noqa: S603  (fixed arguments, our own temporary files)
        [*checker, *files, str(canary), "--ignore-re", IGNORE_HX],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = (run.stdout + run.stderr).strip().splitlines()
    assert any(str(canary) in line for line in lines), "the checker did not run"
    report = "\n".join(line for line in lines if str(canary) not in line)
    for path, name in files.items():
        report = report.replace(f'"file:{path}"', name).replace(path, name)
    assert not report, report
