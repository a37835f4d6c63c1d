"""Cells of CSV files people open in a spreadsheet: text that came from a
giver, a pledge or a staff member must never run as a formula."""

from __future__ import annotations

import re

# A formula may start a cell, or a part of a cell that a spreadsheet splits
# off at a separator: Norwegian Excel splits at ";" even in a comma file.
_FORMULA_START = re.compile(r"(^|[;,\t|])(\s*)([=+\-@\uff1d\uff0b\uff0d\uff20])")


def safe_cell(text: str) -> str:
    """`text` with line breaks flattened and every formula start defused by
    an apostrophe (which spreadsheets show as text and do not display)."""
    flat = text.replace("\r", " ").replace("\n", " ")
    return _FORMULA_START.sub(lambda m: f"{m[1]}{m[2]}'{m[3]}", flat)
