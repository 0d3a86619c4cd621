"""How text is compared when people search for it: without case or accents."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """`text` lower-cased, without accents and with single spaces: "  Estética  TITÁN" →
    "estetica titan". The same on every database, so a search (or a check for a duplicate
    name) is a plain comparison of folded texts, stored folded beside the original.

    NFKD splits accented letters from their accents (and folds compatibility forms such as
    ligatures and full-width letters); casefold() is lower() for every script ("ß" → "ss");
    splitting again after it catches what it composes ("İ" → "i̇").
    """
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())
