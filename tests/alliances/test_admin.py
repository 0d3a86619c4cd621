"""The operator's pages for alliances open, with their metrics and design history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.alliances.conftest import complete

pytestmark = pytest.mark.django_db


def test_the_admin_pages_open(admin_client, alliance, owner):
    complete(alliance, metrics=2)
    alliance.save_design(owner)
    for url in (
        reverse("admin:alliances_alliance_changelist"),
        reverse("admin:alliances_alliance_change", args=[alliance.pk]),
        reverse("admin:alliances_alliance_add"),
    ):
        assert admin_client.get(url).status_code == 200, url
