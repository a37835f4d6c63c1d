"""What identifies a person in free text, found in text already made plain
(`plain()`: NFKC, every script's digits as ASCII, invisible characters
dropped). Each finder answers True or False; none of them returns the text it
found, so nothing identifying travels further. Heuristics with documented
limits (docs/privacy.md), tuned to refuse rather than let through."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import date
from typing import Any

from chalicelib.clients import mentions_client_code
from chalicelib.privacy import words


class _Pattern:
    """A regular expression compiled on its first use: compiling the guard's
    dozen patterns at import cost every cold page a few milliseconds, and
    most pages never check any text."""

    __slots__ = ("_source", "_flags", "_compiled")

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source, self._flags = source, flags
        self._compiled: re.Pattern[str] | None = None

    def _pattern(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self._source, self._flags)
        return self._compiled

    def search(self, text: str) -> re.Match[str] | None:
        return self._pattern().search(text)

    def findall(self, text: str) -> list[Any]:
        return self._pattern().findall(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self._pattern().finditer(text)


_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212\ufe63"), "-")


def plain(text: str) -> str:
    """`text` in one spelling: NFKC, ASCII digits of any script, one kind of
    dash, no invisible characters (a zero-width space splits no number)."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    out = []
    for char in text:
        if char.isdecimal():
            out.append(str(unicodedata.decimal(char)))
        elif unicodedata.category(char) != "Cf":
            out.append(char)
    return re.sub(r"\s+", " ", "".join(out))


# --- national identity and D-numbers -------------------------------------
_DIGIT_RUN = _Pattern(r"\d+(?:[ .\-/]\d+)*")
_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _control(digits: list[int], weights: tuple[int, ...]) -> int | None:
    rest = 11 - sum(d * w for d, w in zip(digits, weights, strict=False)) % 11
    return 0 if rest == 11 else (None if rest == 10 else rest)


def is_national_id(number: str) -> bool:
    """11 digits of a fødselsnummer, D-number (day + 40), H-number (month + 40)
    or synthetic number (month + 80) whose two mod-11 control digits hold."""
    if len(number) != 11 or not number.isdigit():
        return False
    d = [int(c) for c in number]
    day, month = int(number[:2]) % 40, int(number[2:4]) % 40
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return False
    return _control(d, _W1) == d[9] and _control(d, _W2) == d[10]


def has_national_id(text: str) -> bool:
    # Groups split by spaces, dots or dashes: any neighbouring groups that
    # make 11 digits are a candidate ("010190 123 45", "01.01.90-12345").
    for run in _DIGIT_RUN.findall(text):
        groups = re.split(r"[ .\-/]", run)
        for start in range(len(groups)):
            joined = ""
            for group in groups[start:]:
                joined += group
                if len(joined) >= 11:
                    break
            if is_national_id(joined):
                return True
    return False


# --- passports and other ID documents ------------------------------------
_DOCUMENT_WORD = _Pattern(
    r"(?i:\b(?:pass(?:nr|nummer|port)?|passeport|pasaporte|id[- ]?(?:kort|card|nr)"
    r"|identity card|dni|nie|oppholdskort|residence card|d-nr|dnr|fnr|personnr)"
    r"\b\.?:?)\s*(?:nr\.?|n\.? ?o\.?|number|n[úu]mero)?\s*:?\s*"
    r"(?=[A-Z0-9\-]{5,})(?=[A-Z\-]*\d)", re.IGNORECASE)
# One to three capitals and seven or more digits: "FH1234567", "C12345678".
_DOCUMENT_NUMBER = _Pattern(r"(?<![\w\-])[A-Z]{1,3} ?\d{7,9}(?![\w\-])")


def has_document_number(text: str) -> bool:
    return bool(_DOCUMENT_WORD.search(text) or _DOCUMENT_NUMBER.search(text))


# --- phone numbers ----------------------------------------------------------
_INTERNATIONAL = _Pattern(r"(?:\+|(?<!\d)00)\d{1,3}(?:[ \-]?\(?\d\)?){6,12}(?!\d)")
_NORWEGIAN = _Pattern(
    r"(?<![\d\-.,/])(?<!\d )[2-9]\d(?: ?\d){6}(?!\d| \d|[.,\-]\d)"
    r"(?! ?(?:kr|nok|,-)\b)", re.IGNORECASE)
_PHONE_WORD = _Pattern(
    r"\b(?:tlf|tel|telefon|telefonnummer|mobil|mob|mobilnr|phone|cell|whatsapp"
    r"|tel[ée]fono|m[óo]vil|celular|signal|viber)\b\.?:?\s*\+?\d(?:[ \-]?\d){4,}",
    re.IGNORECASE)


def has_phone(text: str) -> bool:
    return any(p.search(text) for p in (_INTERNATIONAL, _NORWEGIAN, _PHONE_WORD))


# --- email addresses --------------------------------------------------------
_EMAIL = _Pattern(
    r"[\w.+\-]+ ?(?:@|\(at\)|\[at\]|\{at\}) ?[\w\-]+"
    r"(?: ?(?:\.|\(dot\)|\[dot\]|\{dot\}) ?[\w\-]+)*"
    r" ?(?:\.|\(dot\)|\[dot\]|\{dot\}) ?[a-z]{2,}\b", re.IGNORECASE)


def has_email(text: str) -> bool:
    return bool(_EMAIL.search(text))


# --- dates of birth ---------------------------------------------------------
_MONTHS = ("jan|januar|january|enero|feb|februar|february|febrero|mar|mars|march|"
           "marzo|apr|april|abril|mai|may|mayo|jun|juni|june|junio|jul|juli|july|"
           "julio|aug|august|agosto|sep|sept|september|septiembre|okt|oct|oktober|"
           "october|octubre|nov|november|noviembre|des|dec|desember|december|"
           "diciembre")
_NUMERIC_DATE = _Pattern(
    r"(?<![\d.])(\d{1,2}) ?[./\-] ?(\d{1,2}) ?[./\-] ?(\d{4}|\d{2})(?![\d])")
_ISO_DATE = _Pattern(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_WORD_DATE = _Pattern(rf"(?<!\d)(\d{{1,2}})\.? (?:de )?(?:{_MONTHS})\.?,? "
                        r"(?:de )?(\d{4})(?!\d)", re.IGNORECASE)
_BIRTH_WORD = _Pattern(
    r"(?:\bf\. ?|\bf (?=\d)|\b(?:født|fodt|fødd|fødselsdato|fødselsår|f\.dato|fdato"
    r"|dob|d\.o\.b\.?|born|birth|date of birth|birthday|nacid[oa]|nac\.|fecha de "
    r"nacimiento|cumpleaños|bursdag)\b:? ?(?:den |on |el |i |in |en )?)"
    r"(?:\d{1,2} ?[./\-]|\d{4}\b|\d{1,2}\.? [a-z])", re.IGNORECASE)
ADULT_YEARS = 12  # a full date this long ago is read as a date of birth


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year <= date.today().year % 100 else 1900
    return year


def _old_date(day: int, month: int, year: int) -> bool:
    return 1 <= day <= 31 and 1 <= month <= 12 and (
        1900 <= year <= date.today().year - ADULT_YEARS)


def has_birth_date(text: str) -> bool:
    if _BIRTH_WORD.search(text):
        return True
    for d, m, y in _NUMERIC_DATE.findall(text):
        if _old_date(int(d), int(m), _year(y)) or _old_date(int(m), int(d), _year(y)):
            return True
    if any(_old_date(int(d), int(m), int(y)) for y, m, d in _ISO_DATE.findall(text)):
        return True
    return any(_old_date(int(d), 1, int(y)) for d, y in _WORD_DATE.findall(text))


# --- personal names ---------------------------------------------------------
_NAME = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+(?:-[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+)?"
# Overlapping (a lookahead): in "Hente Maria Hansen" the pair "Maria Hansen"
# starts inside the pair "Hente Maria".
_PAIR = _Pattern(rf"\b(?=({_NAME}) ({_NAME})\b)")
_TRIGGER = _Pattern(
    r"\b(?i:til|for|navn|name|named|nombre|llamad[ao]|para|heter|kalt|called|"
    r"klient|klienten|client|bruker|brukeren|mottaker|mottakeren|recipient|"
    r"pasient|pasienten|patient|beboer|beboeren|hos|fru|herr|mr|mrs|ms|miss|sr|"
    r"sra|señor|señora|mor|far|mother|father|madre|padre|søster|bror|sister|"
    r"brother|datter|sønn|kontakt|contact|contacto)\.?:? "
    rf"({_NAME})(?: ({_NAME}))?")


def _surname(word: str) -> bool:
    low = word.lower()
    if low in words.SURNAMES:
        return True
    return low.endswith(words.SURNAME_ENDINGS) and not low.endswith(
        words.NOT_SURNAME_ENDINGS)


def _person(first: str, second: str | None) -> bool:
    pair = [w.lower() for w in (first, second) if w]
    if any(w in words.NOT_PEOPLE for w in pair):
        return False
    return second is not None or pair[0] in words.FIRST_NAMES


def has_name(text: str) -> bool:
    """Capitalised pairs after words like "til", "for", "navn"; a known first
    name or a surname-like second word anywhere ("Maria Hansen")."""
    if any(_person(m.group(1), m.group(2)) for m in _TRIGGER.finditer(text)):
        return True
    for first, second in _PAIR.findall(text):
        if first.lower() in words.NOT_PEOPLE or second.lower() in words.NOT_PEOPLE:
            continue
        if first.lower() in words.FIRST_NAMES or _surname(second):
            return True
    return False


def has_client_code(text: str) -> bool:
    return mentions_client_code(text)
