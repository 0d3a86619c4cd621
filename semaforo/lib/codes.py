"""Random public identifiers for URLs: short, unguessable, no ambiguous characters."""

from __future__ import annotations

import secrets

# No 0/O, 1/I/L, no vowels-only words: easy to read aloud or type on a phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def random_code(length: int = 10) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def random_token() -> str:
    """A URL-safe secret (256 bits) for links that grant access on their own."""
    return secrets.token_urlsafe(32)
