"""Every page speaks the page's language: with the demo data, every staff
role (and volunteers and partner shelters) follows every link and form it
reaches in bokmål, volunteers and the public also in Spanish, and no
text a person reads on them shows a catalogue's id (a fund, campaign, item,
location, purpose, channel, role or audit action) where its name belongs,
the English name of an entry that has one in the page's language, a time in
UTC or written the ISO way, or a decimal point in a number. The exports'
CSV headers are names in the page's language too."""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser
from typing import NamedTuple
from urllib.parse import parse_qs, urlsplit

import pytest

from app import app
from chalicelib.auth.roles import ALL_ROLES
from chalicelib.demo import load_demo_data
from chalicelib.web.i18n import translate
from tests.conftest import DEMO_PASSWORD, reset_tables
from tests.gateway import Gateway, GatewayResponse
from tests.platform.test_crawl_deployed import Crawl, log_in

# What reads like an id or a UTC time but is meant to be read: an email
# address (a login, a user), a client code (pseudonymous on purpose), a
# URL or a path a person copies.
NOT_IDS = re.compile(r"\S+@\S+|\bK-\d{4}-\d{3,4}\b|https?://\S+|(?<!\w)/[\w/.-]+")
ISO_TIME = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?\b")
UTC = re.compile(r"\bUTC\b")
DECIMAL_POINT = re.compile(r"(?<![\d.])\d+\.\d+(?![\d.])")
# Ids that are also words of the page's language ("gaver via bank"): an id
# only as a whole text node, a table cell.
WORDS = {"nb": {"bank"}, "es": set()}


LANGS = ("nb", "en", "es")


class Entry(NamedTuple):
    catalogue: str
    id: str
    names: dict[str, str]  # by language


def _labelled(catalogue: str, labels: dict[str, str]) -> list[Entry]:
    """A catalogue of codes whose names are msgids (English)."""
    return [Entry(catalogue, code, {lang: translate(lang, label) for lang in LANGS})
            for code, label in labels.items()]


def catalogue_entries() -> list[Entry]:
    """The demo's records and the code lists pages name by name."""
    from chalicelib.audit.routes import WRITERS
    from chalicelib.audit.service import ACTIONS, RECORD_TYPES
    from chalicelib.donations.models import Campaign
    from chalicelib.funds.models import Fund
    from chalicelib.funds.purposes import PURPOSES
    from chalicelib.inkind.catalogue import LOCATIONS
    from chalicelib.inkind.models import Item
    from chalicelib.money import CHANNELS
    from chalicelib.shelters.models import Shelter

    entries = [Entry("fund", f.fund_id, f.names.as_dict()) for f in Fund.scan()]
    entries += [Entry("campaign", c.campaign_id, c.names.as_dict())
                for c in Campaign.scan()]
    entries += [Entry("item", i.item_id, i.names.as_dict()) for i in Item.scan()]
    entries += [Entry("shelter", s.shelter_id, {lang: str(s.name) for lang in LANGS})
                for s in Shelter.scan()]
    for name, labels in (("location", LOCATIONS), ("purpose", PURPOSES),
                         ("channel", CHANNELS), ("role", WRITERS),
                         ("audit action", ACTIONS), ("audited record", RECORD_TYPES),
                         *_code_lists()):
        entries += _labelled(name, labels)
    return entries


def _code_lists() -> list[tuple[str, dict[str, str]]]:
    """The other lists of codes pages show by name."""
    from chalicelib.core.vocabulary import COUNTY_NAMES
    from chalicelib.disbursements.routes import METHOD_LABELS
    from chalicelib.disbursements.service import STATUS_LABELS
    from chalicelib.funds.service import MOVEMENT_KINDS
    from chalicelib.inkind.catalogue import KINDS, UNITS
    from chalicelib.referrals.rules import DECLINE_REASONS, URGENCIES
    from chalicelib.shelters.rules import SHELTER_TYPES
    from chalicelib.volunteers import rules

    return [("county", COUNTY_NAMES), ("payment method", METHOD_LABELS),
            ("payment status", STATUS_LABELS), ("ledger entry", MOVEMENT_KINDS),
            ("item kind", KINDS), ("unit", UNITS), ("urgency", URGENCIES),
            ("decline reason", DECLINE_REASONS), ("shelter type", SHELTER_TYPES),
            ("skill", rules.SKILLS), ("language level", rules.LEVELS),
            ("availability", rules.AVAILABILITY), ("volunteer status", rules.STATUSES),
            ("task status", rules.TASK_STATUSES)]


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}


class Text(HTMLParser):
    """The text a person reads on a page, one piece per text node: not
    attributes (so not input values or an option's value), scripts, styles
    or what is typed in a textarea; an option's label is read. What is
    marked translate="no" (a record's exact id in the audit log) is not in
    any language."""

    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[str] = []
        self.lang = ""
        self._hidden = 0
        self._open: list[tuple[str, bool]] = []  # per open element: does it hide its text

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang") or ""
        if tag in VOID:
            return
        hides = tag in ("script", "style", "textarea") or a.get("translate") == "no"
        self._open.append((tag, hides))
        self._hidden += hides

    def handle_endtag(self, tag: str) -> None:
        # An end tag closes what is open inside it (a <p> or <li> left open).
        while any(name == tag for name, _ in self._open):
            name, hides = self._open.pop()
            self._hidden -= hides
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self._hidden:
            self.pieces.append(text)


class Reading(Crawl):
    """The crawl in one language, keeping what each page shows."""

    def __init__(self, browser: Gateway, lang: str) -> None:
        super().__init__(browser)
        self.lang = lang
        browser.cookies["lang"] = lang
        self.pages: list[tuple[str, list[str]]] = []  # where, text pieces
        self.headers: list[tuple[str, list[str]]] = []  # where, CSV header

    def add(self, method: str, url: str, body: str, where: str) -> None:
        if "lang" not in parse_qs(urlsplit(url).query):  # stay in one language
            super().add(method, url, body, where)

    def page(self, response: GatewayResponse, where: str) -> None:
        kind = response.headers.get("content-type", "")
        page = where.split(" (from")[0]
        if "text/csv" in kind:
            first = response.text.lstrip("\ufeff").split("\n")[0]
            header = next(csv.reader([first], delimiter=";" if ";" in first else ","))
            self.headers.append((page, header))
        elif "text/html" in kind:
            text = Text()
            text.feed(response.text)
            assert text.lang == self.lang, f"{page} is in {text.lang!r}"
            self.pages.append((page, text.pieces))
        super().page(response, where)


def read_every_page(role: str, lang: str) -> Reading:
    browser = Gateway(app)
    if role != "public":
        log_in(browser, role)
    reading = Reading(browser, lang)
    reading.run("/api/me" if role != "public" else "/api/")
    assert len(reading.pages) > 5, role
    return reading


# Volunteers read their pages in the public languages too.
CRAWLS = [(role, "nb") for role in sorted(ALL_ROLES)] + [
    ("volunteer", "es"), ("public", "nb"), ("public", "es")]


@pytest.fixture(scope="module")
def readings():
    reset_tables()  # the per-test reset runs only after this module fixture
    load_demo_data(DEMO_PASSWORD)
    entries = catalogue_entries()
    return {(role, lang): read_every_page(role, lang)
            for role, lang in CRAWLS}, entries


def _word(text: str) -> re.Pattern:
    return re.compile(rf"(?<![\w-]){re.escape(text)}(?![\w-])")


def ids_shown(pieces: list[str], entries: list[Entry], lang: str) -> list[str]:
    """An id where its name belongs. An id that reads as its own name (a
    fund `transport` named Transport) counts only as a whole text node."""
    found = []
    for piece in pieces:
        readable = NOT_IDS.sub(" ", piece)
        for entry in entries:
            if (entry.id in WORDS[lang]
                    or entry.id.casefold() == entry.names.get(lang, "").casefold()):
                hit = piece == entry.id
            else:
                hit = bool(_word(entry.id).search(readable))
            if hit:
                found.append(f"{entry.catalogue} id {entry.id!r} in {piece!r}")
    return found


def english_names_shown(pieces: list[str], entries: list[Entry],
                        lang: str) -> list[str]:
    found = []
    for entry in entries:
        english, own = entry.names.get("en", ""), entry.names.get(lang, "")
        if not english or not own or english.casefold() == own.casefold():
            continue
        pattern = _word(english)
        found += [f"English {entry.catalogue} name {english!r} in {piece!r}"
                  for piece in pieces if pattern.search(piece)
                  and own not in piece]
    return found


def times_shown(pieces: list[str], _entries: object = (), _lang: str = "") -> list[str]:
    found = []
    for piece in pieces:
        readable = NOT_IDS.sub(" ", piece)
        if UTC.search(readable) or ISO_TIME.search(readable):
            found.append(f"UTC or an ISO date in {piece!r}")
    return found


def decimal_points_shown(pieces: list[str], _entries: object = (),
                         _lang: str = "") -> list[str]:
    return [f"decimal point in {piece!r}" for piece in pieces
            if DECIMAL_POINT.search(NOT_IDS.sub(" ", piece))]


def findings(reading: Reading, entries: list[Entry], check) -> list[str]:
    seen, found = set(), []
    for page, pieces in reading.pages:
        for finding in check(pieces, entries, reading.lang):
            if (page, finding) not in seen:
                seen.add((page, finding))
                found.append(f"{page}: {finding}")
    return found


@pytest.mark.parametrize("role, lang", CRAWLS)
def test_no_page_shows_a_catalogue_id_where_its_name_belongs(readings, role, lang):
    crawled, entries = readings
    assert findings(crawled[role, lang], entries, ids_shown) == []


@pytest.mark.parametrize("role, lang", CRAWLS)
def test_no_page_shows_an_english_name_where_the_page_language_has_one(
        readings, role, lang):
    crawled, entries = readings
    assert findings(crawled[role, lang], entries, english_names_shown) == []


@pytest.mark.parametrize("role, lang", CRAWLS)
def test_no_page_shows_a_time_in_utc_or_a_date_written_the_iso_way(
        readings, role, lang):
    crawled, _ = readings
    assert findings(crawled[role, lang], [], times_shown) == []


@pytest.mark.parametrize("role, lang", CRAWLS)
def test_no_page_writes_a_number_with_a_decimal_point(readings, role, lang):
    crawled, _ = readings
    assert findings(crawled[role, lang], [], decimal_points_shown) == []


def test_every_export_names_its_columns_in_the_page_language(readings):
    crawled, entries = readings
    headers = [(page, header) for reading in crawled.values()
               for page, header in reading.headers]
    assert headers, "the crawl reached the exports"
    found = [f"{page}: {problem}" for page, header in headers
             for problem in ids_shown(header, entries, "nb")
             + english_names_shown(header, entries, "nb")
             + [f"column {cell!r} is not a name" for cell in header
                if re.fullmatch(r"[a-z0-9]+(?:[_-][a-z0-9]+)*", cell)]]
    assert found == []


def test_the_checks_find_what_they_look_for():
    entries = [Entry("fund", "emergency-cash", {"nb": "Nødhjelp kontanter",
                                                "en": "Emergency cash"}),
               Entry("channel", "vipps", {"nb": "Vipps", "en": "Vipps"})]
    assert ids_shown(["Fond: emergency-cash"], entries, "nb")
    assert ids_shown(["vipps"], entries, "nb")
    assert not ids_shown(["Betalt med vipps-appen", "vipps@demo.local"], entries, "nb")
    assert english_names_shown(["Fra Emergency cash"], entries, "nb")
    assert times_shown(["reservert til 2026-12-02 01:36 UTC"])
    assert times_shown(["2026-12-09T13:00"]) and not times_shown(["09.12.2026 13:00"])
    assert decimal_points_shown(["1.5 timer"])
    assert not decimal_points_shown(["09.12.2026", "1,5 timer", "K-2026-031"])
