"""One helper builds every email from templates/emails/<name>-subject.txt, -body.txt, -body.html."""

from __future__ import annotations

import email.policy

from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import translation

from semaforo.lib.links import site_url

# RFC 5322's limit for a line; every line we write is far shorter.
MAX_LINE_BYTES = 998


class ReadableMessage(email.message.EmailMessage):
    """A message whose as_string() reads like what the console backend prints.

    Python's string generator re-encodes any 8bit UTF-8 part as base64; as_bytes() keeps it
    as written, and every part of ours is UTF-8 (or ASCII), so decoding it is exact.
    """

    def as_string(self, unixfrom=False, maxheaderlen=0, policy=None):
        return self.as_bytes(unixfrom, policy).decode("utf-8", errors="replace")


class Email(EmailMultiAlternatives):
    """Text parts sent as 8bit UTF-8 instead of quoted-printable.

    Python's email package quoted-prints any body with a line over 78 characters: a link
    then breaks at the wrap ("=" and a line end) and a link copied from the console (or a
    plain-text mail client) no longer works, and "á" turns into "=C3=A1". 8bit keeps every
    line as written. SMTP servers have announced 8BITMIME for decades; a body with a line
    over 998 bytes (none of ours) keeps Python's choice.
    """

    def message(self, *, policy=email.policy.default):
        message = super().message(policy=policy)
        for part in message.walk():
            if part.get_content_maintype() != "text" or part.is_attachment():
                continue
            text = part.get_content()
            if max((len(line.encode()) for line in text.splitlines()), default=0) > MAX_LINE_BYTES:
                continue
            part.set_content(text, subtype=part.get_content_subtype(), charset="utf-8", cte="8bit")
            if part is not message:
                del part["MIME-Version"]  # set_content adds it; only the message has one
        message.__class__ = ReadableMessage  # adds a method, no state
        return message


def build_email(
    name: str,
    to: list[str],
    context: dict,
    language: str | None = None,
    request: HttpRequest | None = None,
) -> Email:
    """An email (text + HTML) rendered in `language` (default: the active one). `site_url`,
    the start of its links, comes from the request when there is one (semaforo/lib/links.py)
    unless the context brings its own."""
    context = {"site_url": site_url(request), **context}
    with translation.override(language or translation.get_language()):
        subject = render_to_string(f"emails/{name}-subject.txt", context)
        text = render_to_string(f"emails/{name}-body.txt", context)
        html = render_to_string(f"emails/{name}-body.html", context)
    message = Email(" ".join(subject.split()), text, to=to)
    message.attach_alternative(html, "text/html")
    return message


def send_email(
    name: str,
    to: list[str],
    context: dict,
    language: str | None = None,
    request: HttpRequest | None = None,
) -> None:
    build_email(name, to, context, language, request).send()
