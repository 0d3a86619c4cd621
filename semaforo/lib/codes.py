"""Random public identifiers for URLs: short, unguessable, no ambiguous characters.

Both are named callables (not lambdas) because migrations use them as field defaults."""

from __future__ import annotations

import secrets

from django.utils.crypto import get_random_string

# No 0/O, 1/I/L, no vowels-only words: easy to read aloud or type on a phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def random_code(length: int = 10) -> str:
    return get_random_string(length, ALPHABET)


def random_token() -> str:
    """A URL-safe secret (256 bits) for links that grant access on their own."""
    return secrets.token_urlsafe(32)
