"""One helper builds every email from templates/emails/<name>-subject.txt, -body.txt, -body.html."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def build_email(name: str, to: list[str], context: dict, language: str | None = None):
    """An EmailMultiAlternatives (text + HTML) rendered in `language` (default: the active one)."""
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language or translation.get_language()):
        subject = render_to_string(f"emails/{name}-subject.txt", context)
        text = render_to_string(f"emails/{name}-body.txt", context)
        html = render_to_string(f"emails/{name}-body.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, to=to)
    message.attach_alternative(html, "text/html")
    return message


def send_email(name: str, to: list[str], context: dict, language: str | None = None) -> None:
    build_email(name, to, context, language).send()
