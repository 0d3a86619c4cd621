"""Hostile input: junk in a URL or a form is refused (404, or a field error), never a 500.

Every URL pattern with an argument is found by walking the URLconf (tests/security/sweep.py),
so a new URL is covered without anyone remembering to add it. On PostgreSQL a NUL byte that
reaches a query is a DataError (a 500); SQLite takes it, so run this file on both:
DATABASE_URL=postgres://postgres@127.0.0.1:5432/semaforo .venv/bin/pytest tests/security.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils.html import escape

import accounts.forms
import candidates.forms
import pilots.forms
from candidates.criteria import CRITERIA
from pilots.models import CoordinationKind, Decision, Measurement
from semaforo.lib.forms import NoControlCharactersMixin
from semaforo.lib.validators import CONTROL_MESSAGE, reject_control_characters
from tests.conftest import client_for, make_candidate
from tests.security.sweep import all_urls
from tests.test_isolation import POST_DATA, WorkspaceA, snapshot

pytestmark = pytest.mark.django_db

# Percent-encoded as a browser or a script would send them; the test client decodes the
# path as a server does, so the view sees the raw bytes.
NUL, CONTROL = "%00", "%01"
# Characters a code is made of, but far more of them than any column holds.
LONG = "Z" * 300


def _hostile_urls(a: WorkspaceA) -> list[tuple[str, str, str]]:
    """(name, what, URL): every URL with an argument, with one argument at a time replaced
    (a NUL or a control character alone or inside the real value, or 300 characters)."""
    urls = []
    for name, url in all_urls(a):
        for value in map(str, resolve(url).kwargs.values()):
            start = url.find(value)
            while start != -1:
                before, after = url[:start], url[start + len(value) :]
                variants = {
                    "NUL": NUL,
                    "NUL inside": value[:2] + NUL + value[2:],
                    "control": CONTROL,
                    "control inside": value + CONTROL,
                    "300 characters": LONG,
                }
                urls += [(name, what, before + bad + after) for what, bad in variants.items()]
                start = url.find(value, start + 1)
    return urls


def _status(client: Client, method: str, url: str) -> int | str:
    """The status, or the exception a 500 would have shown (rolled back to a savepoint, so
    that on PostgreSQL one error does not abort the rest of the test's transaction)."""
    try:
        with transaction.atomic():
            if method == "POST":
                return client.post(url, POST_DATA).status_code
            return client.get(url).status_code
    except Exception as error:  # listing every 500, not stopping at the first
        return f"500 {type(error).__name__}"


def test_the_sweep_puts_junk_in_every_argument_of_every_url(a):
    names = {name for name, _what, _url in _hostile_urls(a)}
    public = {"partners:track", "partners:page", "partners:one_pager", "dashboard:calendar_feed"}
    assert public | {"accounts:invitation", "password_reset_confirm"} <= names
    assert {"candidates:detail", "candidates:evaluation", "pilots:detail", "pilots:create"} <= names


def test_junk_in_any_url_argument_is_never_a_500(a):
    """Signed in as the owner of every object named, and signed out."""
    urls, clients = _hostile_urls(a), {"owner": client_for(a.owner), "visitor": Client()}
    before = snapshot()
    failures = []
    for who, client in clients.items():
        for name, what, url in urls:
            for method in ("GET", "POST"):
                status = _status(client, method, url)
                if status not in (302, 404, 405):
                    failures.append(f"{who} {method} {name} ({what}) {url}: {status}")
    assert not failures, "\n".join(failures)
    assert snapshot() == before


def test_a_nul_or_control_character_in_an_argument_matches_no_url(a):
    """Refused by the path converters, before any view or query runs. Django's own URLs
    aside: the password-reset link's view decodes and checks the token without a query,
    and the admin sends anyone but staff to log in first."""
    reached = []
    for name, what, url in _hostile_urls(a):
        django_own = name == "password_reset_confirm" or name.startswith("admin:")
        if what == "300 characters" or django_own:
            continue
        path = url.replace(NUL, "\0").replace(CONTROL, "\x01")
        try:
            match = resolve(path)
        except Resolver404:
            continue
        reached.append(f"{name} ({what}): {match.view_name}")
    assert not reached, "\n".join(reached)


# Control characters in form fields


@dataclass
class FormCase:
    """A form a person submits: the page that shows it, the field that tells it apart from
    the page's other forms, what a valid submit needs on top of what the page fills in,
    and the text field that gets the control character (`{c}` marks where)."""

    page: Callable[[WorkspaceA], str]
    form_with: str
    valid: dict[str, str]
    poisoned: tuple[str, ...]
    value: str = "Spa{c}Serena"
    signed_in: bool = True


PASSWORD = "lunar-teapot-orchard-91"


def _another_green_candidate(a: WorkspaceA) -> str:
    return make_candidate(a.workspace, "Florería Rosa", ticks=8).code


FORMS = {
    "sign-up": FormCase(
        lambda a: reverse("accounts:signup"),
        "business_name",
        {"email": "new-owner@example.com", "password1": PASSWORD, "password2": PASSWORD},
        ("business_name",),
        signed_in=False,
    ),
    "sign-up email": FormCase(
        lambda a: reverse("accounts:signup"),
        "business_name",
        {"password1": PASSWORD, "password2": PASSWORD, "business_name": "Tienda Sol"},
        ("email",),
        value='"ana{c}"@example.com',  # a quoted local part takes controls (RFC 5322)
        signed_in=False,
    ),
    "sign-up from an invitation": FormCase(
        lambda a: reverse("accounts:invitation", args=[a.invitation.token]),
        "password1",
        {},
        ("password1", "password2"),
        value="lunar-teapot{c}-orchard-91",
        signed_in=False,
    ),
    "new workspace": FormCase(
        lambda a: reverse("accounts:workspace_create"), "name", {}, ("name",)
    ),
    "workspace settings": FormCase(
        lambda a: reverse("accounts:workspace_settings"), "time_zone", {}, ("name",)
    ),
    "invitation": FormCase(
        lambda a: reverse("accounts:members"),
        "role",
        {},
        ("email",),
        value='"ana{c}"@example.com',
    ),
    "new candidate": FormCase(lambda a: reverse("candidates:create"), "name", {}, ("name",)),
    "candidate edit": FormCase(
        lambda a: reverse("candidates:edit", args=[a.candidate.code]), "name", {}, ("notes",)
    ),
    "checklist note": FormCase(
        lambda a: reverse("candidates:detail", args=[a.candidate.code]),
        CRITERIA[0].note_field,
        {},
        (CRITERIA[0].note_field,),
    ),
    "new pilot": FormCase(
        lambda a: reverse("pilots:create", args=[_another_green_candidate(a)]),
        "offer",
        {"script": "Ask for Rosa.", "measurement": Measurement.DISCOUNT_CODE},
        ("offer",),
    ),
    "result": FormCase(
        lambda a: reverse("pilots:detail", args=[a.pilot.code]),
        "referrals",
        {"referrals": "1"},
        ("note",),
    ),
    "coordination time": FormCase(
        lambda a: reverse("pilots:detail", args=[a.pilot.code]),
        "minutes",
        {"minutes": "30", "kind": CoordinationKind.MEETING},
        ("note",),
    ),
    "one-pager": FormCase(
        lambda a: reverse("pilots:detail", args=[a.pilot.code]),
        "partner_benefit",
        {},
        ("partner_benefit",),
    ),
    "review": FormCase(
        lambda a: reverse("pilots:review", args=[a.pilot.code]),
        "decision",
        {"decision": Decision.PROMOTE},
        ("notes",),
    ),
    "partner's referral": FormCase(
        lambda a: reverse("partners:page", args=[a.pilot.partner_token]),
        "note",
        {},
        ("note",),
        signed_in=False,
    ),
}


class _Forms(HTMLParser):
    """The POST forms of a page as a browser would submit them: (action, {name: [values]})."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, list[str]]]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        fields = self.forms[-1][1] if self.forms else {}
        name = attrs.get("name")
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self.forms.append((attrs.get("action", ""), {}))
        elif tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                fields.setdefault(name, []).append(attrs.get("value", ""))
            else:
                fields.setdefault(name, [])
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = [""]
        elif tag == "select" and name:
            self._select, self._multiple = name, "multiple" in attrs
            self._options: list[str] = []
            fields[name] = []
        elif tag == "option" and self._select:
            self._options.append(attrs.get("value", ""))
            if "selected" in attrs:
                fields[self._select].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select" and self._select and self.forms:
            fields = self.forms[-1][1]
            if not fields[self._select] and not self._multiple and self._options:
                fields[self._select] = self._options[:1]  # a browser sends the first one
        if tag in ("select", "textarea"):
            self._select = self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1][1][self._textarea][0] += data


def _form_on(client: Client, page: str, form_with: str) -> tuple[str, dict[str, list[str]]]:
    response = client.get(page)
    assert response.status_code == 200, f"{page}: {response.status_code}"
    parser = _Forms()
    parser.feed(response.content.decode())
    action, fields = next(
        (action, fields) for action, fields in parser.forms if form_with in fields
    )
    return action or page, fields


@pytest.mark.parametrize("control", ["\x01", "\x1b"], ids=["SOH", "ESC"])
@pytest.mark.parametrize("case", FORMS.values(), ids=FORMS.keys())
def test_every_form_refuses_a_control_character_in_a_text_field(a, case, control):
    client = client_for(a.owner) if case.signed_in else Client()
    action, fields = _form_on(client, case.page(a), case.form_with)
    data = {**fields, **case.valid}
    poisoned = dict.fromkeys(case.poisoned, case.value.format(c=control))
    before = snapshot()

    response = client.post(action, {**data, **poisoned})
    assert response.status_code in (200, 400)
    assert escape(str(CONTROL_MESSAGE)) in response.content.decode()
    assert snapshot() == before, "saved although refused"
    # The same submit without the control character goes through: it was the only error.
    clean = dict.fromkeys(case.poisoned, case.value.format(c=""))
    assert client.post(action, {**data, **clean}).status_code == 302


@pytest.mark.parametrize("control", ["%00", "%01", "%1b"])
def test_searching_for_a_control_character_shows_an_error_not_a_500(a, control):
    client = client_for(a.owner)
    response = client.get(f"{reverse('candidates:list')}?q=Spa{control}")
    assert response.status_code == 200
    assert "Spa Serena" in response.content.decode()
    assert 'class="invalid-feedback"' in response.content.decode()


@pytest.mark.parametrize(
    "text",
    ["Peluquería Ñandú — “10 %” 🙂", "line one\nline two\r\nthree\rfour", "a\ttab", "日本語"],
)
def test_text_people_type_is_accepted(text):
    reject_control_characters(text)


@pytest.mark.parametrize("control", ["\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f"])
@pytest.mark.parametrize("where", ["{c}Spa", "Spa{c}", "S{c}pa"])
def test_c0_controls_and_del_are_refused(control, where):
    with pytest.raises(ValidationError) as refused:
        reject_control_characters(where.format(c=control))
    assert refused.value.code == "control_characters"


@pytest.mark.parametrize("control", ["\x80", "\x85", "\x9b", "\x9f"])
def test_c1_controls_are_refused(control):
    with pytest.raises(ValidationError):
        reject_control_characters(f"Spa{control}")


class _EveryKindOfField(NoControlCharactersMixin, forms.Form):
    name = forms.CharField()
    email = forms.EmailField()
    website = forms.URLField()
    count = forms.IntegerField()


def test_the_mixin_guards_every_text_field_and_leaves_the_others_alone():
    form = _EveryKindOfField(
        {
            "name": "Spa\x01",
            "email": '"ana\x1b"@example.com',
            "website": "https://x.example/\x7f",
            "count": "3",
        }
    )
    assert not form.is_valid()
    assert set(form.errors) == {"name", "email", "website"}
    assert form.errors["name"] == [str(CONTROL_MESSAGE)]
    # Per form instance: the class's fields (shared by every form) are left untouched.
    assert reject_control_characters not in _EveryKindOfField.base_fields["name"].validators


def test_a_nul_gets_django_s_own_message_only():
    form = _EveryKindOfField(
        {"name": "Spa\x00", "email": "a@example.com", "website": "", "count": "3"}
    )
    assert form.errors["name"] == ["Null characters are not allowed."]


@pytest.mark.parametrize("module", [accounts.forms, candidates.forms, pilots.forms])
def test_every_form_of_the_apps_refuses_control_characters(module):
    form_classes = [
        cls
        for cls in vars(module).values()
        if isinstance(cls, type)
        and issubclass(cls, forms.BaseForm)
        and cls.__module__ == module.__name__
    ]
    assert form_classes
    assert [cls for cls in form_classes if not issubclass(cls, NoControlCharactersMixin)] == []
