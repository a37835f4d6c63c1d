"""Cells of CSV files people open in a spreadsheet: text that came from a
giver, a pledge or a staff member must never run as a formula."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# A formula may start a cell, or a part of a cell that a spreadsheet splits
# off at a separator: Norwegian Excel splits at ";" even in a comma file.
_FORMULA_START = re.compile(r"(^|[;,\t|])(\s*)([=+\-@\uff1d\uff0b\uff0d\uff20])")


def safe_cell(text: str) -> str:
    """`text` with line breaks flattened and every formula start defused by
    an apostrophe (which spreadsheets show as text and do not display)."""
    flat = text.replace("\r", " ").replace("\n", " ")
    return _FORMULA_START.sub(lambda m: f"{m[1]}{m[2]}'{m[3]}", flat)


def kroner(ore: int, lang: str) -> str:
    """Øre as a plain number of kroner a spreadsheet reads: no thousands
    separator, a decimal comma in bokmål and Spanish, a point in English."""
    sign = "-" if ore < 0 else ""
    whole, rest = divmod(abs(int(ore)), 100)
    return f"{sign}{whole}{'.' if lang == 'en' else ','}{rest:02d}"


def number(value: float, lang: str) -> str:
    """A quantity a spreadsheet reads (`1,5` in bokmål and Spanish)."""
    return f"{value:g}" if lang == "en" else f"{value:g}".replace(".", ",")


def csv_text(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    """A CSV file as a spreadsheet in Norway opens it: a byte order mark (so
    ø and ñ read as UTF-8), ";" between cells (the decimal comma stays in
    its cell), every text cell `safe_cell`."""
    import csv
    import io

    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow([safe_cell(str(title)) for title in header])
    for row in rows:
        writer.writerow([cell if isinstance(cell, int) else safe_cell(str(cell))
                         for cell in row])
    return out.getvalue()


def csv_response(filename: str, body: str) -> Any:
    """The file as a download named `filename`."""
    from chalice import Response

    return Response(body, headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{filename}"'})
