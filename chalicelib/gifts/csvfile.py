"""Reading a Vipps settlement report or a bank statement export: date, amount,
reference and an optional name per row. Every problem is a per-row error."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date

from chalicelib.core.clock import oslo_date
from chalicelib.errors import N_
from chalicelib.money import parse_nok

COLUMNS = {
    "date": {
        "date",
        "dato",
        "salgsdato",
        "bokført",
        "bokfort",
        "transaksjonsdato",
        "fecha",
    },
    "amount": {"amount", "beløp", "belop", "beløp inn", "inn", "importe"},
    "reference": {
        "reference",
        "referanse",
        "ref",
        "transaksjons-id",
        "transaksjonsid",
        "arkivreferanse",
        "arkivref",
        "referencia",
    },
    "name": {"name", "navn", "fra", "from", "donor", "nombre"},
}
MAX_FILE_BYTES = 512 * 1024  # a preview is one DynamoDB item (400 KB at most)
MAX_ERRORS = 50  # problems kept with a preview; the rest are counted
MAX_VALUE = 100  # characters of a bad value shown back
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_NORWEGIAN = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


@dataclass(frozen=True)
class Row:
    line: int
    date: str
    amount: int
    reference: str
    name: str


@dataclass(frozen=True)
class RowError:
    line: int
    message: str  # a msgid
    value: str = ""


def parse_date(text: str, today: date | None = None) -> str | None:
    """ISO or Norwegian (31.12.2025) date, not in the future; None if not."""
    text = text.strip()
    match = _ISO.match(text)
    parts = match.groups() if match else None
    if not parts and (match := _NORWEGIAN.match(text)):
        day, month, year = match.groups()
        parts = (year, month, day)
    try:
        value = date(*map(int, parts)) if parts else None
    except ValueError:
        return None
    if value is None or value.year < 2000 or value > (today or oslo_date()):
        return None
    return value.isoformat()


def parse_amount(text: str) -> int | None:
    """'1 234,50', '1234.50' or '1.234,50' NOK as positive øre, else None."""
    cleaned = re.sub(r"[\s\u00a0]|kr|NOK", "", text or "", flags=re.I)
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(".", "")
    amount = parse_nok(cleaned)
    return amount if amount and amount > 0 else None


def _decode(raw: bytes) -> tuple[list[tuple[int, str]], list[RowError]]:
    lines, errors = [], []
    for number, chunk in enumerate(raw.split(b"\n"), start=1):
        try:
            text = chunk.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            errors.append(RowError(number, N_("The line is not UTF-8 text.")))
            continue
        if text.strip():
            lines.append((number, text.rstrip("\r")))
    return lines, errors


def _header(text: str) -> tuple[str, dict[str, int]]:
    delimiter = max((";", ",", "\t"), key=text.count)
    names = [cell.strip().lower() for cell in _cells(text, delimiter) or []]
    found = {}
    for column, aliases in COLUMNS.items():
        for index, name in enumerate(names):
            if name in aliases:
                found[column] = index
    return delimiter, found


def _row(number: int, cells: list[str], columns: dict[str, int]) -> Row | RowError:
    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    when = parse_date(cell("date"))
    if when is None:
        return RowError(number, N_("The date is not a valid past date."), cell("date"))
    amount = parse_amount(cell("amount"))
    if amount is None:
        return RowError(
            number, N_("The amount is not a positive amount in NOK."), cell("amount")
        )
    reference = cell("reference")
    if not reference or len(reference) > 64:
        return RowError(number, N_("The reference is missing or too long."))
    return Row(number, when, amount, reference, cell("name")[:120])


def parse(raw: bytes) -> tuple[list[Row], list[RowError]]:
    """The file's rows and its errors (line numbers count from 1): at most
    MAX_ERRORS of them, each value cut to MAX_VALUE characters, so that any
    file fits in its preview."""
    if len(raw) > MAX_FILE_BYTES:
        return [], [RowError(1, N_("The file is larger than 512 KB; split it in "
                                   "parts."))]
    rows, errors = _parse(raw)
    kept = [RowError(e.line, e.message, e.value[:MAX_VALUE]) for e in errors]
    if len(kept) > MAX_ERRORS:
        kept = kept[:MAX_ERRORS] + [RowError(
            0, N_("Only the first 50 problems are listed."))]
    return rows, kept


def _cells(text: str, delimiter: str) -> list[str] | None:
    try:
        return next(csv.reader([text], delimiter=delimiter))
    except csv.Error:  # a cell over the csv module's limit, a NUL byte
        return None


def _parse(raw: bytes) -> tuple[list[Row], list[RowError]]:
    lines, errors = _decode(raw)
    if not lines:
        return [], errors or [RowError(1, N_("The file is empty."))]
    first, header = lines[0]
    delimiter, columns = _header(header)
    if not {"date", "amount", "reference"} <= set(columns):
        return [], [
            RowError(
                first,
                N_("The first line must name the columns date, amount and reference."),
            )
        ]
    rows: list[Row] = []
    seen: set[str] = set()
    for number, text in lines[1:]:
        cells = _cells(text, delimiter)
        result = (_row(number, cells, columns) if cells is not None
                  else RowError(number, N_("The line could not be read.")))
        if isinstance(result, Row) and result.reference in seen:
            result = RowError(
                number, N_("The reference appears twice in the file."), result.reference
            )
        if isinstance(result, Row):
            seen.add(result.reference)
            rows.append(result)
        else:
            errors.append(result)
    return rows, sorted(errors, key=lambda error: error.line)
