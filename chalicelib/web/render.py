"""Jinja2 environments, one per language, created on first use.

A cold request compiles no template: the deployment zip carries every
template compiled to a Python module (`templates_compiled/`, made by
devtools/package.py, shipped as .pyc) and loads it with Jinja2's
ModuleLoader. Without that folder (a checkout) templates load from
`templates/` and their compiled code is kept in Jinja2's per-user bytecode
cache in the temp directory, checked against each template's source.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from chalicelib.core.clock import day_text, oslo_day, oslo_time, wall_time
from chalicelib.money import CHANNELS, format_money, format_nok
from chalicelib.web import urls
from chalicelib.web.forms import FormView
from chalicelib.web.i18n import translations

# Locally templates/ sits beside app.py; in the Lambda zip vendor/templates
# (a symlink) lands at the zip root, again beside app.py.
TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
COMPILED_DIR = TEMPLATES_DIR.with_name("templates_compiled")


@cache
def environment(lang: str, source: bool = False) -> Any:
    """`source`: from templates/ even in the zip (what the package compiles)."""
    import jinja2  # imported on the first page, not at start-up

    compiled = COMPILED_DIR.is_dir() and not source
    env = jinja2.Environment(
        loader=jinja2.ModuleLoader(str(COMPILED_DIR)) if compiled
        else jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        bytecode_cache=None if compiled or source else jinja2.FileSystemBytecodeCache(),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    catalog = translations(lang)
    env.install_gettext_translations(catalog, newstyle=True)  # type: ignore[attr-defined]
    env.filters["decimal"] = lambda number, places=2: decimal_text(number, lang, places)
    env.filters["channel"] = lambda code: (
        catalog.gettext(CHANNELS[code]) if code in CHANNELS else code)
    env.filters["reference"] = lambda text: reference_text(text, catalog.gettext)
    env.filters["nok"] = format_nok
    env.filters["money"] = format_money
    _vocabulary(env, catalog)
    env.globals["url"] = urls.url
    env.filters["oslo_time"] = oslo_time
    env.filters["oslo_day"] = oslo_day
    env.filters["day"] = day_text
    env.filters["wall_time"] = wall_time
    env.globals["form_view"] = jinja2.pass_context(_form_view)
    env.globals["scroll_region"] = scroll_region
    return env


def _vocabulary(env: Any, catalog: Any) -> None:
    """`{{ code|county }}`, `{{ code|language }}`: the name, in the page's
    language; `counties`: today's counties by code (core/vocabulary.py)."""
    from chalicelib.core.vocabulary import COUNTY_NAMES, LANGUAGES, county_of

    env.filters["county"] = lambda stored, municipality=None: county_of(
        stored, municipality).shown
    env.filters["language"] = lambda code: (
        catalog.gettext(LANGUAGES[code]) if code in LANGUAGES else code)
    env.globals["counties"] = COUNTY_NAMES


def scroll_region(label: str) -> Any:
    """`<div {{ scroll_region(_("Balances")) }}>` around a wide table: it
    scrolls sideways on a phone, so it takes keyboard focus and has a name."""
    from markupsafe import Markup

    return Markup('class="table-wrap" role="region" tabindex="0" '
                  'aria-label="%s"') % label


def _form_view(context: Any, name: str = "") -> FormView:
    """`{% set f = form_view("d") %}`: form `d` of this page, for the macros
    of core/forms.html."""
    return FormView(name, context.get("form_failure"))


def reference_text(reference: str | None, gettext: Any) -> str:
    """A gift's id as people read it: `bank#DEMO-BANK-0001` is `Bank
    transfer DEMO-BANK-0001` (the channel by name); others as they are."""
    channel, hash_, rest = str(reference or "").partition("#")
    if hash_ and channel in CHANNELS:
        return f"{gettext(CHANNELS[channel])} {rest}"
    return str(reference or "")


BABEL_LOCALES = {"nb": "nb_NO", "en": "en_GB", "es": "es_ES"}


def decimal_text(number: float | int | None, lang: str, places: int = 2) -> str:
    """`1,5` in bokmål and Spanish, `1.5` in English, thousands grouped the
    language's way (`100 012`); at most `places` decimals, no trailing zeros."""
    if number is None:
        return ""
    from babel.numbers import format_decimal  # on the pages that show numbers

    pattern = "#,##0" + ("." + "#" * places if places else "")
    return str(format_decimal(number, format=pattern,
                              locale=BABEL_LOCALES.get(lang, "nb_NO")))


def month_text(month: str, lang: str) -> str:
    """`2026-12` as the page's language names it: `desember 2026`."""
    from datetime import date

    from babel.dates import format_date

    year, number = (int(part) for part in month.split("-")[:2])
    return str(format_date(date(year, number, 1), "LLLL y",
                           locale=BABEL_LOCALES.get(lang, "nb_NO")))


def render(
    template: str, lang: str, site: urls.Site = urls.ROOT, **context: Any
) -> str:
    """The page, its links written for `site` (where the request came in)."""
    token = urls.rendering_for(site)
    try:
        page = environment(lang).get_template(template).render(lang=lang, **context)
    finally:
        urls.done_rendering(token)
    return str(page)
