"""Babel catalogs, one per area: `python -m devtools.messages extract|compile|check`.

An area's messages come from `chalicelib/<area>/` and `templates/<area>/`; the
platform catalog (`chalicelib/web/locale`) also takes the shared templates and
the cross-cutting packages. English is the source language; nb and es are
translated. `check` fails when a catalog is stale or has an empty translation.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("nb", "es")
PLATFORM = [
    "chalicelib/web",
    "chalicelib/auth",
    "chalicelib/core",
    "chalicelib/audit",
    "chalicelib/errors.py",
    "chalicelib/privacy",
    "chalicelib/idempotency.py",
    "chalicelib/money.py",
    "templates/base.html",
    "templates/error.html",
    "templates/busy.html",
    "templates/core",
    "templates/auth",
    "templates/audit",
]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def areas() -> dict[str, list[str]]:
    found = {"web": PLATFORM}
    for package in sorted((ROOT / "chalicelib").iterdir()):
        if (
            package.is_dir()
            and (package / "routes.py").exists()
            and f"chalicelib/{package.name}" not in PLATFORM
        ):
            found[package.name] = [
                f"chalicelib/{package.name}",
                f"templates/{package.name}",
            ]
    return found


def _files(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for rel in paths:
        path = ROOT / rel
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.suffix in (".py", ".html"))
            )
    return files


def template_for(paths: list[str]) -> Catalog:
    catalog = Catalog(project="ngo-platform", fuzzy=False)
    for path in _files(paths):
        method = "python" if path.suffix == ".py" else "jinja2"
        options = {"extensions": "jinja2.ext.i18n"} if method == "jinja2" else {}
        for lineno, message, comments, context in extract_from_file(
            method, str(path), keywords=KEYWORDS, options=options
        ):
            catalog.add(
                message,
                locations=[(str(path.relative_to(ROOT)), lineno)],
                auto_comments=comments,
                context=context,
            )
    return catalog


def po_path(area: str, lang: str) -> Path:
    return ROOT / "chalicelib" / area / "locale" / lang / "LC_MESSAGES" / "messages.po"


def extract(only: list[str] | None = None) -> None:
    """Update the catalogs of `only` these areas (all when empty)."""
    for area, paths in areas().items():
        if only and area not in only:
            continue
        template = template_for(paths)
        for lang in LANGS:
            path = po_path(area, lang)
            if path.exists():
                with path.open("rb") as handle:
                    catalog = read_po(handle, locale=lang)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                catalog = Catalog(locale=lang, project="ngo-platform")
            catalog.update(template, no_fuzzy_matching=True)
            with path.open("wb") as handle:
                write_po(
                    handle,
                    catalog,
                    width=100,
                    omit_header=False,
                    ignore_obsolete=True,
                    include_previous=False,
                )


def compile_all() -> None:
    for path in sorted(
        (ROOT / "chalicelib").glob("*/locale/*/LC_MESSAGES/messages.po")
    ):
        lang = path.parent.parent.name
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        with path.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)


def problems() -> list[str]:
    found: list[str] = []
    for area, paths in areas().items():
        wanted = {m.id for m in template_for(paths) if m.id}
        for lang in LANGS:
            path = po_path(area, lang)
            if not path.exists():
                found.append(f"{path.relative_to(ROOT)} is missing")
                continue
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=lang)
            have = {m.id: m for m in catalog if m.id}
            for msgid in sorted(wanted - set(have)):
                found.append(f"{area}/{lang}: not extracted yet: {msgid!r}")
            for msgid in sorted(wanted & set(have)):
                message = have[msgid]
                empty = not message.string or (
                    isinstance(message.string, tuple) and not all(message.string)
                )
                if empty or message.fuzzy:
                    found.append(f"{area}/{lang}: no translation for {msgid!r}")
    return found




def fill(area: str, lang: str, json_file: str) -> None:
    """Set translations from a JSON object {msgid: translation}."""
    import json

    wanted = json.loads(Path(json_file).read_text(encoding="utf-8"))
    path = po_path(area, lang)
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    for message in catalog:
        if message.id and message.id in wanted:
            message.string = wanted[message.id]
            message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, ignore_obsolete=True)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "extract":
        extract(sys.argv[2:])
    elif command == "fill":
        fill(sys.argv[2], sys.argv[3], sys.argv[4])
    elif command == "compile":
        compile_all()
    else:
        issues = problems()
        print("\n".join(issues) or "catalogs complete")
        sys.exit(1 if issues else 0)
