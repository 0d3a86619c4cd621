"""Which Spanish a browser gets.

Two Spanish catalogues: `es` (neutral Latin-American Spanish, *tú*) and `es-ar`
(Rioplatense *voseo*: "agregá", "podés"). Django's LocaleMiddleware already sends an
`es-AR` browser to `es-ar`, because that code is in LANGUAGES; but it sends `es-UY` and
`es-PY` to the generic `es`, although Uruguay and Paraguay say "vos" too. This middleware
adds that one mapping and changes nothing else: a language chosen in the switch (the
cookie) or saved on the account (accounts.middleware.PreferencesMiddleware) still wins.
"""

from __future__ import annotations

from django.conf import settings
from django.middleware import locale
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

# Browser language → the catalogue written in its register (lower case, as Django parses it).
SAME_REGISTER_AS = {"es-uy": "es-ar", "es-py": "es-ar"}


def _supported(code: str | None) -> bool:
    try:
        translation.get_supported_language_variant(code)
    except LookupError:
        return False
    return True


def register_variant(accept_language: str) -> str | None:
    """The catalogue for the browser's first acceptable language when Django's own
    matching would pick a different one (es-UY → es-ar), else None."""
    for code, _quality in parse_accept_lang_header(accept_language):
        if code == "*":
            return None
        if code in SAME_REGISTER_AS:
            return SAME_REGISTER_AS[code]
        if _supported(code):
            return None  # the first language Django accepts decides, as it does without us
    return None


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's LocaleMiddleware, plus es-UY and es-PY browsers reading Rioplatense Spanish."""

    def process_request(self, request):
        super().process_request(request)
        if _supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)):
            return  # picked in the language switch
        variant = register_variant(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
        if variant is not None:
            translation.activate(variant)
            request.LANGUAGE_CODE = translation.get_language()
