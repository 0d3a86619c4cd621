"""The XSS sweep: script put into every text a user can type comes back escaped on every page.

Every free-text field of the workspace, the candidate, its evaluations, the pilot, its
results, coordination and reviews holds both payloads below. Then every URL of the URLconf
(tests/security/sweep.py) is fetched, signed in and as a visitor: no HTML page may carry a
payload as markup, and the other responses (CSV, calendar files, JSON) are not HTML.
"""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.db import models
from django.test import Client
from django.utils.html import escape

from accounts.models import Role
from pilots import reminders
from pilots.models import CoordinationEntry, Pilot, ReminderKind, ResultEntry, Source
from tests.conftest import client_for
from tests.security.sweep import all_urls
from tests.test_isolation import WorkspaceA

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
IMG = '"><img src=x onerror=alert(1)>'
RAW = (SCRIPT, "<img src=x onerror=alert(1)>")

# Text that is not typed by users, or is checked against a list before it is saved.
NOT_FREE_TEXT = {"time_zone", "password", "last_error"}


def _payload(tag: str, max_length: int | None) -> str:
    full = f"{tag}{SCRIPT}{IMG}"
    if max_length is None or len(full) <= max_length:
        return full
    short = f"{tag}{IMG}"
    assert len(short) <= max_length, tag
    return short


def _free_text_fields(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.EmailField | models.URLField)
        and field.editable
        and not field.unique
        and not field.choices
        and field.name not in NOT_FREE_TEXT
    ]


def poison(obj: models.Model, planted: dict[str, str]) -> None:
    """Put a payload, tagged with a number, into every free-text field of obj; planted gets
    {"app.Model.field": payload} (the tag is short to fit a 40-character phone field)."""
    for field in _free_text_fields(type(obj)):
        payload = _payload(f"[{len(planted)}]", field.max_length)
        planted[f"{obj._meta.label}.{field.name}"] = payload
        setattr(obj, field.name, payload)
    obj.save()


@pytest.fixture
def planted(a: WorkspaceA) -> dict[str, str]:
    """Workspace A with a payload in every free-text field; {"app.Model.field": payload}."""
    planted: dict[str, str] = {}
    for obj in (a.workspace, a.candidate, a.frozen, a.candidate.current_evaluation()):
        poison(obj, planted)
    pilot = a.pilot
    poison(pilot, planted)
    poison(ResultEntry(pilot=pilot, date=pilot.start_date, referrals=1, consent=True), planted)
    poison(
        ResultEntry(
            pilot=pilot, date=pilot.start_date, referrals=1, consent=True, source=Source.PARTNER
        ),
        planted,
    )
    poison(
        CoordinationEntry(pilot=pilot, date=pilot.start_date, minutes=30, kind="meeting"), planted
    )
    review = pilot.record_review(
        a.owner, {"decision": "extend", "new_review_date": pilot.review_date + timedelta(1)}
    )
    poison(review, planted)
    return planted


class _Markup(HTMLParser):
    """What a browser would run: elements and attributes, not text."""

    def __init__(self):
        super().__init__()
        self.injected: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on"):
                self.injected.append(f"<{tag} {name}={value}>")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.injected.append("<img src=x>")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert(" in data:
            self.injected.append(f"<script>{data}</script>")


def _injected(html: str) -> list[str]:
    found = [raw for raw in RAW if raw in html]
    parser = _Markup()
    parser.feed(html)
    return found + parser.injected


def _fetch_everything(a: WorkspaceA) -> dict[str, object]:
    """GET every URL as the owner, and as a visitor (public pages, sign-in pages).

    Not the admin's: staff only, Django's own templates, and no ModelAdmin of ours builds
    HTML (test_nothing_turns_escaping_off below keeps it that way)."""
    urls = [(name, url) for name, url in all_urls(a) if not name.startswith("admin:")]
    responses = {}
    for who, client in (("owner", client_for(a.owner)), ("visitor", Client())):
        for name, url in urls:
            if name == "logout":
                continue
            responses[f"{who} {name} {url}"] = client.get(url)
    return responses


KEY_PAGES = {
    "candidates:list",
    "candidates:detail",
    "candidates:print",
    "candidates:evaluation",
    "pilots:detail",
    "pilots:list",
    "pilots:review",
    "partners:page",
    "dashboard:home",
    "accounts:members",
    "accounts:invitation",
}


def test_the_detector_catches_script_and_attribute_injection():
    assert _injected(f"<p>{SCRIPT}</p>")
    assert _injected(f'<input value="{IMG}">')
    # Escaped, but in an attribute without quotes: the space still starts a new attribute.
    assert _injected(f"<input value={escape(IMG)}>")
    assert not _injected(f'<p>{escape(SCRIPT)}</p><input value="{escape(IMG)}">')


def test_every_page_shows_typed_script_as_text(a, planted):
    failures, opened = [], set()
    for label, response in _fetch_everything(a).items():
        if response.status_code == 200:
            opened.add(label.split()[1])
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        injected = _injected(response.content.decode())
        if injected:
            failures.append(f"{label}: {injected[:3]}")
    assert not failures, "payloads rendered as markup:\n" + "\n".join(failures)
    assert opened >= KEY_PAGES, f"pages the sweep did not open: {KEY_PAGES - opened}"


def test_every_field_is_shown_somewhere_so_the_sweep_proves_something(a, planted):
    pages = "".join(
        response.content.decode()
        for response in _fetch_everything(a).values()
        if response.get("Content-Type", "").startswith("text/html")
    )
    # Escaped exactly once: &lt;script&gt;, not &amp;lt;script&amp;gt; nor <script>.
    unseen = [field for field, payload in planted.items() if escape(payload) not in pages]
    assert not unseen, f"fields no page shows (is the sweep missing a page?): {unseen}"


def test_exports_and_calendar_files_are_not_html(a, planted):
    owner = client_for(a.owner)
    for name, url in all_urls(a):
        if name in {"candidates:export", "pilots:export", "pilots:ics", "dashboard:calendar_feed"}:
            response = owner.get(url)
            assert response.status_code == 200, name
            assert not response["Content-Type"].startswith("text/html"), name
            # With nosniff a browser never second-guesses the type into HTML.
            assert response["X-Content-Type-Options"] == "nosniff", name


def test_emails_escape_names_and_offers_in_their_html(a, planted, mailoutbox):
    a.invitation.send()
    pilot = Pilot.objects.with_totals().select_related("candidate", "workspace").get(pk=a.pilot.pk)
    membership = a.owner.memberships.get(role=Role.OWNER)
    reminders.build_reminder_email(
        reminders.Planned(pilot, ReminderKind.DUE, membership, None)
    ).send()
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        html = message.alternatives[0].content
        assert not _injected(html), message.subject
    assert escape(planted["accounts.Workspace.name"]) in mailoutbox[0].alternatives[0].content
    assert escape(planted["candidates.Candidate.name"]) in mailoutbox[1].alternatives[0].content


def test_nothing_turns_escaping_off():
    """Escaping is Django's default; these are the ways around it, and none is used."""
    root = Path(settings.BASE_DIR)
    # Plain-text emails (*.txt) turn autoescape off on purpose: they are never HTML.
    templates = list((root / "templates").rglob("*.html"))
    code = [
        p
        for app in ("accounts", "candidates", "pilots", "semaforo")
        for p in (root / app).rglob("*.py")
    ]
    found = [
        f"{path.relative_to(root)}: {needle}"
        for path in templates + code
        for needle in ("|safe", "autoescape off", "mark_safe", "SafeString", "format_html")
        if needle in path.read_text()
    ]
    assert not found, found
