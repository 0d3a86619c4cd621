"""Path converters that accept only the characters our identifiers are made of.

A `<str:…>` lets anything but "/" reach the view's lookup: on PostgreSQL a NUL byte there
is a DataError (a 500), and any other junk costs a query. With these, such a URL matches
no pattern and answers 404 before any view runs. Imported by every urls.py that uses them
(registering happens once, at the first import).
"""

from __future__ import annotations

from django.urls import register_converter

from semaforo.lib.codes import ALPHABET


class CodeConverter:
    """`<code:…>`: a random code of semaforo/lib/codes.py, as it is stored (upper case)."""

    regex = f"[{ALPHABET}]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class AnyCaseCodeConverter(CodeConverter):
    """`<anycase_code:…>`: a code someone may type by hand (the tracked link on a flyer),
    in either case; the view receives it upper-cased, as it is stored."""

    regex = f"[{ALPHABET}{ALPHABET.lower()}]+"

    def to_python(self, value: str) -> str:
        return value.upper()


class TokenConverter:
    """`<token:…>`: a secrets.token_urlsafe() token (the URL-safe base64 alphabet)."""

    regex = "[A-Za-z0-9_-]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CodeConverter, "code")
register_converter(AnyCaseCodeConverter, "anycase_code")
register_converter(TokenConverter, "token")
