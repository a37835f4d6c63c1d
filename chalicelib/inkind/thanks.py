"""The thank-you list of a year: every in-kind giver with what they gave and
its estimated value, and every money giver who agreed to be thanked (asked
from the money areas through `chalicelib.core.thanks`)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from chalicelib.core.thanks import money_givers
from chalicelib.inkind import stock
from chalicelib.inkind.models import StockMovement
from chalicelib.web.spreadsheet import safe_cell

ANONYMOUS = "Anonymous givers"  # in-kind givers who did not want their name shown


@dataclass
class ThankYou:
    name: str
    kind: str  # "in_kind" or the money channel (stripe, bank, vipps)
    value: int = 0  # øre: estimated for gifts in kind, paid for money
    gifts: dict[str, int] = field(default_factory=dict)  # item name -> units


def _receipts(year: int):
    return StockMovement.by_kind_year.query(f"receipt#{year}")


def thank_you_list(year: int, lang: str = "en") -> list[ThankYou]:
    """Givers of `year`, in-kind first then money, each sorted by name."""
    items = stock.get_items()
    in_kind: dict[str, ThankYou] = {}
    for receipt in _receipts(year):
        name = receipt.giver if receipt.thank_by_name else ANONYMOUS
        entry = in_kind.setdefault(name.casefold(), ThankYou(name, "in_kind"))
        entry.value += int(receipt.value)
        for line in receipt.lines:
            item = items.get(str(line["item_id"]))
            label = item.name(lang) if item else str(line["item_id"])
            entry.gifts[label] = entry.gifts.get(label, 0) + int(line["delta"])
    money = [
        ThankYou(giver.name, giver.channel, giver.amount)
        for giver in money_givers(year)
    ]
    return sorted(in_kind.values(), key=lambda t: t.name.casefold()) + sorted(
        money, key=lambda t: t.name.casefold()
    )


def describe_gifts(gifts: dict[str, int]) -> str:
    return ", ".join(f"{count} × {name}" for name, count in sorted(gifts.items()))


def as_csv(rows: list[ThankYou], headers: list[str]) -> str:
    """The list as CSV (name, kind, what, value in NOK with øre)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(
            [
                safe_cell(row.name),
                row.kind,
                safe_cell(describe_gifts(row.gifts)),
                f"{row.value // 100}.{row.value % 100:02d}",
            ]
        )
    return out.getvalue()


