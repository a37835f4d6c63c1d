"""The thank-you list of a year: every in-kind giver with what they gave and
its estimated value, and every money giver who agreed to be thanked (asked
from the money areas through `chalicelib.core.thanks`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.core.thanks import money_givers
from chalicelib.errors import N_
from chalicelib.inkind import stock
from chalicelib.inkind.models import StockMovement
from chalicelib.web.spreadsheet import csv_text, kroner

ANONYMOUS = N_("Anonymous givers")  # in-kind givers who did not want their name shown


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


def as_csv(rows: list[ThankYou], headers: list[str], gettext, lang: str) -> str:
    """The list as CSV (name, kind, what, value in NOK with øre), in the
    reader's language."""
    from chalicelib.money import CHANNELS

    return csv_text(headers, (
        (gettext(row.name) if row.name == ANONYMOUS else row.name,
         gettext(CHANNELS[row.kind]) if row.kind in CHANNELS else row.kind,
         describe_gifts(row.gifts), kroner(row.value, lang)) for row in rows))


