"""Languages: negotiation and gettext catalogs.

Catalogs are Babel-managed `.po` files, one per area, under
`chalicelib/<area>/locale/<lang>/LC_MESSAGES/messages.po`, compiled to `.mo`
by `make messages`/`make compile` and loaded with the standard library.
English is the source language of every message id.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

from chalicelib.errors import Label, Names

DEFAULT = "nb"
PUBLIC_LANGUAGES = ("nb", "en", "es")
STAFF_LANGUAGES = ("nb", "en")
LANGUAGE_NAMES = {"nb": "Norsk (bokmål)", "en": "English", "es": "Español"}
ALIASES = {"no": "nb", "nn": "nb", "nob": "nb"}
CHALICELIB = Path(__file__).resolve().parents[1]


def _from_accept_language(header: str, allowed: tuple[str, ...]) -> str | None:
    weighted = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        weighted.append((-quality, index, tag.strip().lower()))
    for _quality, _index, tag in sorted(weighted):
        base = tag.split("-")[0]
        base = ALIASES.get(base, base)
        if base in allowed:
            return base
    return None


def negotiate(
    query: str | None,
    cookie: str | None,
    accept_language: str | None,
    allowed: tuple[str, ...] = PUBLIC_LANGUAGES,
) -> str:
    """`?lang=`, then the `lang` cookie, then Accept-Language, then bokmål."""
    for candidate in (query, cookie):
        if candidate:
            code = ALIASES.get(candidate.lower(), candidate.lower())
            if code in allowed:
                return code
    if accept_language:
        found = _from_accept_language(accept_language, allowed)
        if found:
            return found
    return DEFAULT


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """All areas' catalogs for `lang`, chained into one translations object."""
    chain: gettext.NullTranslations = gettext.NullTranslations()
    for mo_file in sorted(CHALICELIB.glob(f"*/locale/{lang}/LC_MESSAGES/*.mo")):
        with mo_file.open("rb") as handle:
            catalog = gettext.GNUTranslations(handle)
        catalog.add_fallback(chain)
        chain = catalog
    return chain


def translate(lang: str, message: str, **params: object) -> str:
    """Translate one message id and fill its `%(name)s` placeholders; a
    parameter that is a Label or Names is shown in `lang` too."""
    catalog = translations(lang)
    text = catalog.gettext(message)
    if not params:
        return text
    shown = {key: catalog.gettext(value) if isinstance(value, Label)
             else value.in_language(lang) if isinstance(value, Names) else value
             for key, value in params.items()}
    return text % shown
