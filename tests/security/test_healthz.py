"""/healthz: what a load balancer or a monitor probes (no login, over plain HTTP too)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError, connections
from django.urls import reverse

pytestmark = pytest.mark.django_db

HEALTHZ = reverse("healthz")


def test_it_answers_ok_while_the_database_answers(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(HEALTHZ)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_it_answers_503_when_the_database_does_not(client):
    down = OperationalError("could not connect to server")
    with mock.patch.object(connections["default"], "cursor", side_effect=down):
        response = client.get(HEALTHZ)
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


def test_it_needs_no_login_and_a_signed_in_user_gets_the_same(client, owner_client):
    assert client.get(HEALTHZ).status_code == 200
    assert owner_client.get(HEALTHZ).json() == {"status": "ok"}


def test_it_is_not_redirected_to_https_when_the_rest_of_the_site_is(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(HEALTHZ).status_code == 200
    response = client.get(reverse("login"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_head_works_and_nothing_else(client):
    assert client.head(HEALTHZ).status_code == 200
    assert client.post(HEALTHZ).status_code == 405
    assert client.delete(HEALTHZ).status_code == 405
