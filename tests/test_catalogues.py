"""Spanish and English are both first-class: the catalogues are complete and compiled."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client

LOCALE = Path(settings.BASE_DIR) / "locale"


def _po(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def test_every_spanish_string_is_translated():
    po = _po("es")
    untranslated = [entry.msgid for entry in po if not entry.translated()]
    assert untranslated == []
    assert len(po) > 100


@pytest.mark.parametrize("language", ["es", "en"])
def test_compiled_catalogue_matches_its_source(language):
    po = _po(language)
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in mo}
    source = {(e.msgctxt, e.msgid): e.msgstr for e in po if e.msgstr and not e.obsolete}
    assert compiled.items() >= source.items(), "run `make messages` to recompile"


def test_english_catalogue_lists_the_same_strings_as_spanish():
    assert {e.msgid for e in _po("en")} == {e.msgid for e in _po("es")}


@pytest.mark.django_db
def test_a_spanish_browser_gets_spanish_with_no_extra_step(settings):
    settings.LANGUAGE_CODE = "es"
    response = Client(HTTP_ACCEPT_LANGUAGE="es-AR,es;q=0.9").get("/")
    assert "Deja de gastar energía" in response.content.decode()
    assert response.headers["Content-Language"] == "es"


@pytest.mark.django_db
def test_an_english_browser_gets_english():
    response = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get("/")
    assert "Stop wasting energy" in response.content.decode()
