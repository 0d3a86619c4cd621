"""Every email: made for a phone (lang, title, viewport, a button for its main action), the
workspace's currency and true plurals, and plain text whose links copy whole."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.mail.backends.console import EmailBackend

from pilots.models import Pilot
from pilots.reminders import Planned, build_reminder_email
from tests.conftest import make_candidate
from tests.pilots.conftest import TODAY, log_result, make_pilot
from tests.sample_emails import ACTIONS, SITE, every_email, html_of

LANGUAGES = ["en", "es", "es-ar"]


@pytest.fixture
def emails(owner, request, settings):
    settings.SITE_URL = SITE  # the reminder has no request: its links start with SITE_URL
    return every_email(owner, request.param)


@pytest.mark.parametrize("emails", LANGUAGES, indirect=True)
@pytest.mark.parametrize("name", list(ACTIONS))
def test_every_email_is_made_for_a_phone(emails, name, request):
    language = request.node.callspec.params["emails"]
    html = html_of(emails[name])
    assert f'<html lang="{language}">' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    title = re.search(r"<title>(.*?)</title>", html, re.S)[1].strip()
    assert title and title != "Semáforo"  # says what the email is about
    (button,) = re.findall(r'<a href="([^"]+)" data-button', html)
    assert button.startswith(ACTIONS[name])


@pytest.mark.parametrize("emails", ["es-ar"], indirect=True)
def test_the_reminder_shows_amounts_in_the_workspace_currency(emails):
    reminder = emails["review-reminder"]
    # 24 h at $99.999.999,99 an hour; 100.000 sales at the same margin; the revenue.
    assert "Ingresos: $9.999.999.999,99" in reminder.body
    assert "$2.399.999.999,76" in reminder.body
    assert "$9.999.999.999.000" in reminder.body
    assert "$9.999.999.999,99" in html_of(reminder)
    assert "100.000 referidos, 100.000 ventas" in reminder.body


@pytest.mark.parametrize(
    ("referrals", "sales", "shown"),
    [(1, 1, "1 referral, 1 sale"), (0, 2, "0 referrals, 2 sales")],
)
def test_the_reminder_counts_in_true_plurals(owner, workspace, referrals, sales, shown):
    pilot = make_pilot(
        make_candidate(workspace, ticks=4), owner, start_date=TODAY - timedelta(days=14)
    )
    log_result(pilot, referrals=referrals, sales=sales)
    pilot = Pilot.objects.with_totals().select_related("candidate", "workspace").get()
    reminder = build_reminder_email(Planned(pilot, "due", owner.memberships.get(), None))
    assert shown in reminder.body
    assert shown in html_of(reminder)


@pytest.mark.parametrize("emails", ["es"], indirect=True)
@pytest.mark.parametrize("name", list(ACTIONS))
def test_plain_text_is_8bit_utf8_and_every_link_copies_whole(emails, name):
    message = emails[name]
    link = re.search(rf"{re.escape(ACTIONS[name])}\S+", message.body)[0]
    as_string = message.message().as_string()
    assert link in as_string
    assert "quoted-printable" not in as_string
    assert "Content-Transfer-Encoding: 8bit" in as_string
    assert "Semáforo" in as_string  # not =C3=A1
    # What `make run` prints: the console backend.
    console = io.StringIO()
    EmailBackend(stream=console).send_messages([message])
    assert link in console.getvalue()
    assert "Semáforo" in console.getvalue()


@pytest.mark.parametrize("emails", ["en"], indirect=True)
def test_a_link_longer_than_a_quoted_printable_line_stays_whole(emails):
    message = emails["invitation"]
    link = re.search(rf"{re.escape(ACTIONS['invitation'])}\S+", message.body)[0]
    assert len(link) > 76  # quoted-printable would have cut it with "=" and a line end
    assert link in message.message().as_string()
