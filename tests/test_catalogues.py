"""Spanish and English are both first-class, and the Spanish sounds like the person reading it.

Three catalogues: `es` (neutral Latin-American Spanish with "tú"), `es_AR` (Rioplatense
"vos", for es-AR, es-UY and es-PY browsers) and `en`. Each is complete and compiled; neither
Spanish one says "usted" (Django's own strings included, see semaforo/django_strings.py);
`es_AR` has no "tú"; `es` has no word only Spain uses; the method's words stay the article's.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

LOCALE = Path(settings.BASE_DIR) / "locale"
SPANISH = ["es", "es_AR"]
DJANGO = Path(django.__file__).parent


def _po(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def _translations(language: str) -> list[tuple[str, str]]:
    """(msgid, msgstr) for every form of every entry."""
    pairs = []
    for entry in _po(language):
        if entry.msgid_plural:
            pairs += [(entry.msgid, text) for text in entry.msgstr_plural.values()]
        else:
            pairs.append((entry.msgid, entry.msgstr))
    return pairs


def _matches(language: str, patterns: list[str], flags: int = 0) -> list[str]:
    found = []
    for msgid, text in _translations(language):
        text = re.sub(r"%\(\w+\)\w|\{\w+\}", "", text)  # placeholders are not words
        for pattern in patterns:
            if match := re.search(pattern, text, flags):
                found.append(f"{match.group(0)!r} in {text!r} ({msgid!r})")
    return found


# --- complete and compiled -----------------------------------------------------------------


@pytest.mark.parametrize("language", SPANISH)
def test_every_spanish_string_is_translated(language):
    po = _po(language)
    untranslated = [e.msgid for e in po if not e.translated() or "fuzzy" in e.flags]
    assert untranslated == []
    assert len(po) > 100


@pytest.mark.parametrize("language", SPANISH)
def test_every_plural_has_all_its_forms(language):
    po = _po(language)
    forms = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"]).group(1))
    short = [e.msgid for e in po if e.msgid_plural and len(e.msgstr_plural) != forms]
    assert short == []


@pytest.mark.parametrize("language", ["es", "es_AR", "en"])
def test_compiled_catalogue_matches_its_source(language):
    po = _po(language)
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in mo}
    source = {(e.msgctxt, e.msgid): e.msgstr for e in po if e.msgstr and not e.obsolete}
    assert compiled.items() >= source.items(), "run `make messages` to recompile"


@pytest.mark.parametrize("language", ["en", "es_AR"])
def test_every_catalogue_lists_the_same_strings_as_spanish(language):
    assert {e.msgid for e in _po(language)} == {e.msgid for e in _po("es")}


# --- Django's own strings, in our register -------------------------------------------------


def _django_strings_module() -> list[str]:
    """The msgids semaforo/django_strings.py lists (singular of each plural)."""
    tree = ast.parse((Path(settings.BASE_DIR) / "semaforo" / "django_strings.py").read_text())
    return [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", "") in {"gettext_noop", "ngettext_lazy"}
    ]


def test_the_django_strings_we_reword_are_still_djangos():
    """A Django upgrade that rewords one of them would bring "Introduzca…" back unnoticed."""
    django_msgids = set()
    for catalogue in ("conf/locale", "contrib/auth/locale"):
        django_msgids |= {
            e.msgid for e in polib.pofile(str(DJANGO / catalogue / "es/LC_MESSAGES/django.po"))
        }
    ours = _django_strings_module()
    assert len(ours) > 40
    assert [msgid for msgid in ours if msgid not in django_msgids] == []


@pytest.mark.parametrize("language", SPANISH)
def test_our_catalogues_say_djangos_strings_our_way(language):
    translated = {e.msgid for e in _po(language) if e.translated()}
    assert [msgid for msgid in _django_strings_module() if msgid not in translated] == []


# --- the register --------------------------------------------------------------------------

USTED = [
    r"\busted(es)?\b",
    r"\b[Ss]u (contraseña|cuenta)\b",  # the reader's own password or account: "tu"
    # Formal imperatives (Django's Spanish says "Introduzca…", "Escoja…", "Asegúrese…").
    r"\b(Introduzca|Ingrese|Escriba|Escoja|Elija|Seleccione|Asegúrese|Compruebe|Verifique"
    r"|Revise|Corrija|Vuelva|Intente|Marque|Agregue|Añada|Guarde|Suba|Cambie|Habilite|Pulse"
    r"|Haga|Indique|Defina|Pida|Inicie|Cierre|Acepte|Responda|Deje|Quite|Espere|Utilice"
    r"|Observe|Envíe|Complete|Confirme|Use)\b",
]

TU = [
    # Imperatives ("Agrega" → "Agregá"), capitalised where a sentence starts with them…
    r"\b(Agrega|Añade|Elige|Guarda|Responde|Revisa|Escribe|Ingresa|Sube|Vuelve|Pide|Cierra"
    r"|Empieza|Define|Considera|Deja|Acepta|Crea|Estima|Indica|Inicia|Quita|Repite"
    r"|Restablece|Evalúa|Reevalúa|Espera|Entrega|Envía|Cambia|Marca|Ten|Corrige)\b",
    # …lower case after a colon or a semicolon…
    r"[:;] (agrega|añade|elige|guarda|responde|revisa|escribe|ingresa|sube|vuelve|pide|deja"
    r"|decide|considera|diseña|marca)\b",
    # …with a pronoun attached ("Déjalo" → "Dejalo")…
    r"(?i)\b(déjalo|márcalo|guárdalo|revísalo|súbelo|corrígelas|léelas|diséñala|suscríbete"
    r"|revísalo|ponle|evalúalo|envíaselo|quítalos|mídela|ejecútala|haz|obtén)\b",
    # …and the present tense and the pronoun ("puedes" → "podés", "tú" → "vos").
    r"(?i)\b(puedes|tienes|quieres|eres|sabes|trabajas|esperas|usas|envías|asesoras|archiva|tú)\b",
]


@pytest.mark.parametrize("language", SPANISH)
def test_no_spanish_catalogue_says_usted(language):
    assert _matches(language, USTED) == []


def test_rioplatense_spanish_says_vos_and_never_tu():
    assert _matches("es_AR", TU) == []
    texts = {msgid: text for msgid, text in _translations("es_AR")}
    assert texts["Add your first candidate"] == "Agregá tu primer candidato"
    assert texts["Forgot your password? You can choose a new one now."].endswith(
        "Podés elegir una nueva ahora."
    )


def test_neutral_spanish_says_tu():
    texts = {msgid: text for msgid, text in _translations("es")}
    assert texts["Add your first candidate"] == "Agrega tu primer candidato"
    assert texts["Already have an account?"] == "¿Ya tienes una cuenta?"


SPAIN_ONLY = [
    r"\b(ordenador(es)?|móvil(es)?|vosotr[oa]s|vuestr[oa]s?|ficheros?|coger|guay)\b",
    r"\bañad\w*",  # añadir: "agregar" in Latin America
    r"\b\w+[áé]is\b",  # vosotros forms: podéis, queréis
    r"\bvale\b(?! la pena)",  # "¡vale!"
]
# English the app says in Spanish words. "Know-how", "hobby caro" and "checklist" stay: they
# are the article's own words for an asset, the cost rule and the template it offers.
ENGLISH = [r"\b(score|win-win|links?|feedback|email)\b"]


@pytest.mark.parametrize("language", SPANISH)
def test_no_word_only_spain_uses_and_no_needless_english(language):
    assert _matches(language, SPAIN_ONLY + ENGLISH, re.IGNORECASE) == []


# The checklist's 8 points as the article names them.
ARTICLE_POINTS = {
    "Compatible ideal customer": "Cliente ideal compatible",
    "Transferable trust": "Confianza transferible",
    "Active channel": "Canal activo",
    "Real complement": "Complemento real",
    "Natural purchase context": "Contexto natural de compra",
    "Easy execution": "Ejecución fácil",
    "Clear two-sided benefit": "Beneficio bilateral claro",
    "Measurable": "Se puede medir",
}


@pytest.mark.parametrize("language", SPANISH)
def test_the_methods_words_stay_the_articles(language):
    po = _po(language)
    points = {e.msgid: e.msgstr for e in po if e.msgctxt == "criterion"}
    assert points == ARTICLE_POINTS
    texts = {e.msgid: e.msgstr for e in po}
    assert texts["Expensive hobby"] == "Hobby caro"
    assert texts["Open referral"] == "Referido abierto"
    assert texts["Don't invest energy."] == "No invertir energía."


# --- which Spanish a browser gets ----------------------------------------------------------


def _home(accept_language: str, **cookies) -> tuple[str, str]:
    client = Client(HTTP_ACCEPT_LANGUAGE=accept_language)
    for name, value in cookies.items():
        client.cookies[name] = value
    response = client.get("/")
    return response.headers["Content-Language"], response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("accept_language", ["es-AR", "es-UY,es;q=0.9", "es-PY", "es-ar,en;q=0.5"])
def test_argentina_uruguay_and_paraguay_get_rioplatense_spanish(accept_language):
    language, page = _home(accept_language)
    assert language == "es-ar"
    assert '<html lang="es-ar">' in page
    assert "Dejá de gastar energía en alianzas que no traen clientes." in page
    assert "Creá tu cuenta gratis" in page


@pytest.mark.django_db
@pytest.mark.parametrize("accept_language", ["es-MX", "es", "es-419", "es-ES", "es-CO,es;q=0.8"])
def test_other_spanish_browsers_get_neutral_spanish(accept_language):
    language, page = _home(accept_language)
    assert language == "es"
    assert '<html lang="es">' in page
    assert "Deja de gastar energía en alianzas que no traen clientes." in page


@pytest.mark.django_db
def test_an_english_browser_gets_english():
    language, page = _home("en-US,en;q=0.9,es-UY;q=0.5")
    assert language == "en"
    assert "Stop wasting energy" in page


@pytest.mark.django_db
def test_the_language_switch_wins_over_the_browser():
    assert _home("es-UY", **{settings.LANGUAGE_COOKIE_NAME: "es"})[0] == "es"
    assert _home("es-MX", **{settings.LANGUAGE_COOKIE_NAME: "es-ar"})[0] == "es-ar"


def _switch(page: str) -> list[tuple[str, str]]:
    form = re.search(r"<form[^>]*lang-form.*?</form>", page, re.DOTALL).group(0)
    return re.findall(r'name="language" value="([^"]+)"[^>]*>([^<]+)<', form)


@pytest.mark.django_db
def test_the_language_switch_offers_the_other_two_by_their_own_names():
    assert _switch(_home("es-MX")[1]) == [("es-ar", "Español (Argentina)"), ("en", "English")]
    assert _switch(_home("es-AR")[1]) == [("es", "Español"), ("en", "English")]
    assert _switch(_home("en")[1]) == [("es", "Español"), ("es-ar", "Español (Argentina)")]


@pytest.mark.django_db
def test_picking_rioplatense_spanish_in_the_switch_keeps_it():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post(reverse("accounts:set_language"), {"language": "es-ar", "next": "/"})
    page = client.get("/").content.decode()
    assert '<html lang="es-ar">' in page


# --- Django's forms, in the reader's register ----------------------------------------------

LOGIN_ERROR = {
    "es-AR": "Ingresá un correo electrónico y una contraseña correctos. Tené en cuenta",
    "es-MX": "Ingresa un correo electrónico y una contraseña correctos. Ten en cuenta",
    "en": "Please enter a correct email address and password.",
}


@pytest.mark.django_db
@pytest.mark.parametrize("accept_language", LOGIN_ERROR)
def test_a_wrong_password_is_told_in_the_readers_register(accept_language):
    client = Client(HTTP_ACCEPT_LANGUAGE=accept_language)
    page = client.post(
        reverse("login"), {"username": "nadie@example.com", "password": "x"}
    ).content.decode()
    assert LOGIN_ERROR[accept_language] in page
    empty = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert {"en": "This field is required."}.get(
        accept_language, "Este campo es obligatorio."
    ) in empty


SIGNUP = {
    "es-AR": [
        "Repetí la contraseña",
        "Escribí la misma contraseña otra vez, para verificarla.",
        "Tu contraseña no puede tener solo números.",
        "Las dos contraseñas no coinciden.",
        "Ingresá un correo electrónico válido.",
    ],
    "es-MX": [
        "Repite la contraseña",
        "Escribe la misma contraseña otra vez, para verificarla.",
        "Tu contraseña no puede tener solo números.",
        "Las dos contraseñas no coinciden.",
        "Ingresa un correo electrónico válido.",
    ],
}


@pytest.mark.django_db
@pytest.mark.parametrize("accept_language", SIGNUP)
def test_the_password_rules_and_errors_of_sign_up_read_in_the_readers_register(accept_language):
    client = Client(HTTP_ACCEPT_LANGUAGE=accept_language)
    data = {
        "email": "no-es-un-correo",
        "password1": "12345678",
        "password2": "87654321",
        "business_name": "Luna",
    }
    page = client.post(reverse("accounts:signup"), data).content.decode()
    for text in SIGNUP[accept_language]:
        assert text in page
    assert not re.search(r"Su contraseña|Introduzca|Asegúrese", page)
