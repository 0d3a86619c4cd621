from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, get_resolver, reverse

from candidates.models import Candidate, Evaluation
from tests.conftest import make_candidate

pytestmark = pytest.mark.django_db

LIST_URL = reverse("candidates:list")


def _archive(client, candidate):
    return client.post(reverse("candidates:archive", args=[candidate.code]))


def _restore(client, candidate):
    return client.post(reverse("candidates:restore", args=[candidate.code]))


def _listed(client, **query) -> bool:
    """Whether the candidate is a row of the list (not just named in a message)."""
    body = client.get(LIST_URL, query).content.decode()
    return re.search(r'<td><a href="/candidates/[^/"]+/">Spa Serena</a>', body) is not None


def test_archiving_takes_the_candidate_off_the_list(owner_client, candidate):
    response = _archive(owner_client, candidate)
    assert response.status_code == 302 and response.url == LIST_URL
    body = owner_client.get(LIST_URL).content.decode()
    assert "“Spa Serena” archived. You can restore it from the archived list." in body
    assert not _listed(owner_client)
    candidate.refresh_from_db()
    assert candidate.is_archived()


def test_an_archived_candidate_is_on_the_archived_list_and_keeps_its_page(owner_client, candidate):
    _archive(owner_client, candidate)
    assert _listed(owner_client, archived="on")
    detail = owner_client.get(reverse("candidates:detail", args=[candidate.code]))
    body = detail.content.decode()
    assert detail.status_code == 200
    assert "<strong>Archived</strong>" in body
    assert reverse("candidates:restore", args=[candidate.code]) in body


def test_restoring_puts_the_candidate_back_on_the_list(owner_client, candidate):
    _archive(owner_client, candidate)
    response = _restore(owner_client, candidate)
    assert response.url == reverse("candidates:detail", args=[candidate.code])
    assert "“Spa Serena” restored." in owner_client.get(response.url).content.decode()
    assert _listed(owner_client)
    assert not _listed(owner_client, archived="on")


def test_archiving_keeps_the_evaluations(owner_client, workspace):
    candidate = make_candidate(workspace, "Spa Serena", ticks=5)
    candidate.current_evaluation().reevaluate()
    _archive(owner_client, candidate)
    _restore(owner_client, candidate)
    assert candidate.evaluations.count() == 2
    assert "! Yellow · 5/8" in owner_client.get(LIST_URL).content.decode()


def test_a_member_can_archive_and_restore(member_client, candidate):
    _archive(member_client, candidate)
    assert not _listed(member_client)
    _restore(member_client, candidate)
    assert _listed(member_client)


@pytest.mark.parametrize("action", ["archive", "restore"])
def test_archive_and_restore_refuse_get(owner_client, candidate, action):
    assert owner_client.get(reverse(f"candidates:{action}", args=[candidate.code])).status_code == (
        405
    )


@pytest.mark.parametrize("action", ["archive", "restore"])
def test_archive_and_restore_need_a_login(client, candidate, action):
    response = client.post(reverse(f"candidates:{action}", args=[candidate.code]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    candidate.refresh_from_db()
    assert not candidate.is_archived()


def test_another_workspace_cannot_archive(outsider_client, candidate):
    assert _archive(outsider_client, candidate).status_code == 404
    candidate.refresh_from_db()
    assert not candidate.is_archived()


def test_another_workspace_cannot_restore(owner_client, outsider_client, candidate):
    _archive(owner_client, candidate)
    assert _restore(outsider_client, candidate).status_code == 404
    candidate.refresh_from_db()
    assert candidate.is_archived()


def _candidate_urls(candidate: Candidate) -> list[str]:
    """Every candidates URL that takes a candidate's code."""
    urls = []
    for pattern in get_resolver("candidates.urls").url_patterns:
        assert isinstance(pattern, URLPattern)
        kwargs = set(pattern.pattern.regex.groupindex)
        if kwargs == {"code"}:
            urls.append(reverse(f"candidates:{pattern.name}", args=[candidate.code]))
    return urls


def test_no_url_deletes_a_candidate_with_evaluations(owner_client, workspace):
    candidate = make_candidate(workspace, "Spa Serena", ticks=3)
    candidate.current_evaluation().reevaluate()
    frozen = candidate.evaluations.get(frozen_at__isnull=False)
    urls = _candidate_urls(candidate)
    assert len(urls) >= 6
    for url in urls:
        owner_client.delete(url)
        owner_client.post(url, {"delete": "on", "confirm": "on", "name": "Spa Serena"})
    assert Candidate.objects.filter(pk=candidate.pk).exists()
    assert Evaluation.objects.filter(pk=frozen.pk).exists()
    names = [p.name for p in get_resolver("candidates.urls").url_patterns]
    assert not [name for name in names if "delete" in name or "remove" in name]
