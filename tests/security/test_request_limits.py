"""Request size limits: 2 MB for any body, file uploads included; at most 500 fields."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from candidates.models import Candidate

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
IMPORT = reverse("candidates:import")


def _csv(size: int) -> SimpleUploadedFile:
    header = b"Name\n"
    row = b"Spa Serena\n"
    body = header + row * ((size - len(header)) // len(row))
    return SimpleUploadedFile("candidates.csv", body, content_type="text/csv")


def test_the_limits_are_set_explicitly():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2 * MB
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2 * MB
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 500
    assert settings.FILE_UPLOAD_HANDLERS[0] == "semaforo.lib.uploads.SizeLimitUploadHandler"


def test_a_form_post_over_two_megabytes_is_refused(owner_client):
    response = owner_client.post(reverse("accounts:workspace_create"), {"name": "x" * (2 * MB + 1)})
    assert response.status_code == 400


def test_an_upload_over_two_megabytes_is_refused_before_the_view(owner_client, workspace):
    response = owner_client.post(IMPORT, {"file": _csv(3 * MB)})
    assert response.status_code == 400
    assert not Candidate.objects.filter(workspace=workspace).exists()


def test_an_upload_under_the_limit_reaches_the_import_and_its_own_rules(owner_client):
    # 1.5 MB: past the handler, then refused by the import itself (at most 1 MB).
    response = owner_client.post(IMPORT, {"file": _csv(3 * MB // 2)})
    assert response.status_code == 200
    assert "The file is larger than 1 MB." in response.content.decode()


def test_a_small_upload_is_previewed_as_usual(owner_client):
    response = owner_client.post(IMPORT, {"file": _csv(200)})
    assert response.status_code == 200
    assert "Spa Serena" in response.content.decode()


def test_too_many_fields_are_refused(owner_client):
    fields = {f"field{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = owner_client.post(reverse("accounts:workspace_create"), fields)
    assert response.status_code == 400
