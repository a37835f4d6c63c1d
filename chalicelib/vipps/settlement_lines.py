"""The lines of a Vipps settlement report, from either source, as one shape.

- The business portal's settlement CSV (Norwegian headers, `;`): one row per
  sale with `Salgsdato`, `Transaksjons-ID`, `Ordre-ID`, `Brutto`, `Gebyr`,
  `Netto`, `Transaksjonstype` (`Salg` for a sale), `Fornavn`, `Etternavn`,
  `Melding`. Columns are found by name, in any order.
- The Report API's ledger items (`GET /report/v2/ledgers/{ledgerId}/funds/
  dates/{date}` and `.../fees/...`): `pspReference`, `time`, `ledgerDate`,
  `entryType` (`capture`, `refund`, `capture-fee`, `fees-retained`,
  `scheduled-for-payout`, ... and new types without warning), `reference`,
  `currency`, `amount` (øre, signed), `recipientHandle`.

Each line is keyed by what Vipps calls the transaction: its pspReference
(the portal's Transaksjons-ID), so the same payment read from either source,
or twice, is one line. Every problem with a row is a per-row error."""

from __future__ import annotations

import csv
import re
from typing import Any, NamedTuple

from chalicelib.errors import N_
from chalicelib.gifts.csvfile import MAX_FILE_BYTES, RowError, parse_date
from chalicelib.money import parse_nok

MAX_LINES = 600  # a preview is one DynamoDB item (400 KB at most)
MAX_ERRORS = 50
TEXT = 120  # characters kept of a name or a message
# column -> the portal's header names (lower case)
COLUMNS = {
    "date": {"salgsdato", "dato", "date"},
    "psp": {"transaksjons-id", "transaksjonsid", "pspreference", "transaction id"},
    "reference": {"ordre-id", "ordreid", "reference", "referanse"},
    "gross": {"brutto", "gross"},
    "fee": {"gebyr", "fee"},
    "net": {"netto", "net"},
    "type": {"transaksjonstype", "type"},
    "currency": {"valuta", "currency"},
    "first": {"fornavn", "first name"},
    "last": {"etternavn", "last name"},
    "message": {"melding", "message"},
}
REQUIRED = ("date", "psp", "gross", "type")
SALE = "salg"  # the portal's Transaksjonstype of a sale
KINDS = {"capture": "capture", "refund": "refund"}  # entryType -> our kind
FEE_TYPES = {"capture-fee"}  # fees per payment, keyed by its pspReference


class Line(NamedTuple):
    """One transaction on the ledger. `amount` is signed as Vipps shows it
    (a refund is negative); `fee` is what Vipps kept for it, in øre (>= 0)."""

    key: str  # "<kind>#<pspReference>"
    kind: str  # capture | refund | fee | other
    psp: str
    reference: str  # ours (the ePayment reference), when there is one
    date: str  # YYYY-MM-DD
    amount: int
    fee: int
    currency: str
    name: str
    message: str
    row: int  # line in the file, or position in the ledger
    entry_type: str  # as Vipps wrote it


def line_key(kind: str, psp: str) -> str:
    return f"{kind}#{psp}"


def signed_amount(text: str) -> int | None:
    """'-1 234,50', '1234.50' or '1.234,50' as signed øre; None if not."""
    cleaned = re.sub(r"[\s\u00a0]|kr|NOK", "", text or "", flags=re.I)
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(".", "")
    negative = cleaned.startswith(("-", "\u2212"))
    value = parse_nok(cleaned.lstrip("-\u2212"))
    return None if value is None else (-value if negative else value)


def _header(text: str) -> tuple[str, dict[str, int]]:
    delimiter = max((";", ",", "\t"), key=text.count)
    names = [cell.strip().lower() for cell in _cells(text, delimiter) or []]
    found = {}
    for column, aliases in COLUMNS.items():
        for index, name in enumerate(names):
            if name in aliases and column not in found:
                found[column] = index
    return delimiter, found


def _cells(text: str, delimiter: str) -> list[str] | None:
    try:
        return next(csv.reader([text], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return None


def _csv_row(number: int, cells: list[str], columns: dict[str, int]) -> Line | RowError:
    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    when = parse_date(cell("date"))
    if when is None:
        return RowError(number, N_("The date is not a valid past date."), cell("date"))
    psp = cell("psp")
    if not psp or len(psp) > 64:
        return RowError(number, N_("The transaction id is missing or too long."))
    gross = signed_amount(cell("gross"))
    if gross is None:
        return RowError(number, N_("The gross amount is not an amount."), cell("gross"))
    fee = abs(signed_amount(cell("fee")) or 0)
    net = signed_amount(cell("net")) if cell("net") else None
    if net is not None and net != gross - (fee if gross >= 0 else -fee):
        return RowError(number, N_("Gross less fee is not the net amount."),
                        cell("net"))
    kind = "capture" if cell("type").lower() == SALE else "other"
    name = f"{cell('first')} {cell('last')}".strip()[:TEXT]
    return Line(line_key(kind, psp), kind, psp, cell("reference")[:64], when,
                gross, fee, (cell("currency") or "NOK").upper()[:3], name,
                cell("message")[:TEXT], number, cell("type")[:40])


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


def parse_portal_csv(raw: bytes) -> tuple[list[Line], list[RowError]]:
    """The portal CSV's lines and its per-row errors (at most MAX_ERRORS)."""
    if len(raw) > MAX_FILE_BYTES:
        return [], [RowError(1, N_("The file is larger than 512 KB; split it in "
                                   "parts."))]
    lines, errors = _decode(raw)
    if not lines:
        return [], errors or [RowError(1, N_("The file is empty."))]
    first, header = lines[0]
    delimiter, columns = _header(header)
    if not set(REQUIRED) <= set(columns):
        return [], [RowError(first, N_(
            "The first line must name the columns Salgsdato, Transaksjons-ID, "
            "Brutto and Transaksjonstype."))]
    found: list[Line] = []
    for number, text in lines[1:]:
        cells = _cells(text, delimiter)
        result = (_csv_row(number, cells, columns) if cells is not None
                  else RowError(number, N_("The line could not be read.")))
        if isinstance(result, Line):
            found.append(result)
        else:
            errors.append(result)
    return _limited(found, errors)


def _limited(found: list[Line], errors: list[RowError]) -> tuple[
        list[Line], list[RowError]]:
    if len(found) > MAX_LINES:
        errors.append(RowError(0, N_(
            "A report may hold at most 600 lines; split it in parts.")))
        found = found[:MAX_LINES]
    errors = sorted(errors, key=lambda error: error.line)
    kept = [RowError(e.line, e.message, e.value[:100]) for e in errors]
    if len(kept) > MAX_ERRORS:
        kept = kept[:MAX_ERRORS] + [RowError(
            0, N_("Only the first 50 problems are listed."))]
    return found, kept


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def ledger_lines(funds: list[dict[str, Any]], fees: list[dict[str, Any]],
                 ledger_date: str) -> tuple[list[Line], list[RowError]]:
    """A day's funds and fees items as lines: captures and refunds by their
    pspReference, each payment's fees (`capture-fee`, summed) as one fee
    line, every other entry type as an `other` line finance sees."""
    found: list[Line] = []
    errors: list[RowError] = []
    fee_of: dict[str, int] = {}
    for number, item in enumerate(fees, start=1):
        amount, psp = _int(item.get("amount")), str(item.get("pspReference") or "")
        if str(item.get("entryType")) not in FEE_TYPES:
            continue  # fees-retained/-invoiced: the day's sum, shown on funds
        if amount is None or not psp:
            errors.append(RowError(number, N_("A fee entry lacks its amount or "
                                              "pspReference.")))
            continue
        fee_of[psp] = fee_of.get(psp, 0) + abs(amount)
    for number, item in enumerate(funds, start=1):
        line = _ledger_line(number, item, ledger_date)
        if isinstance(line, RowError):
            errors.append(line)
        else:
            found.append(line)
    for psp, fee in sorted(fee_of.items()):
        found.append(Line(line_key("fee", psp), "fee", psp, "", ledger_date, 0, fee,
                          "NOK", "", "", 0, "capture-fee"))
    return _limited(found, errors)


def _ledger_line(number: int, item: dict[str, Any], ledger_date: str) -> (
        Line | RowError):
    amount, psp = _int(item.get("amount")), str(item.get("pspReference") or "")
    entry = str(item.get("entryType") or "")
    if amount is None or not psp or len(psp) > 64:
        return RowError(number, N_("A ledger entry lacks its amount or "
                                   "pspReference."), entry)
    kind = KINDS.get(entry, "other")
    when = str(item.get("ledgerDate") or ledger_date)[:10]
    return Line(line_key(kind, psp), kind, psp, str(item.get("reference") or "")[:64],
                when, amount, 0, str(item.get("currency") or "NOK").upper()[:3], "",
                "", number, entry[:40])
