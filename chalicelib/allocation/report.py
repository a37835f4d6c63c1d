"""The annual figures the organisation publishes. A yearly report may read a
year's records by Query (gifts by year, in-kind receipts by year, ledger
entries by fund and time); web donations come from their day totals;
elsewhere it reads maintained
totals (emergency cash, bed-nights, volunteer hours). For publication, a
count of 1 or 2 (and the amount that goes with it) is hidden, and so are as
many more cells of a section with a total as it takes that no hidden cell can
be worked out by subtraction (`publish`)."""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from chalicelib.errors import N_, NotFound
from chalicelib.money import CHANNELS

SMALL = 3  # counts below this are not published
SECTIONS: dict[str, str] = {
    "donations": N_("Donations by channel and month"),
    "donors": N_("Number of donors"),
    "earmarked": N_("Earmarked gifts"),
    "inkind": N_("Gifts in kind by giver"),
    "cash": N_("Emergency cash by purpose"),
    "clients": N_("Clients helped with emergency cash"),
    "bed_nights": N_("Bed-nights by shelter type"),
    "holds": N_("Holds that became stays"),
    "hours": N_("Volunteer hours"),
}
ANONYMOUS = N_("Anonymous givers")
# Sections whose rows add up to a published total row (its key).
TOTALS = {"donations": "total"}
Gettext = Callable[..., str]


class UnknownYear(NotFound):
    code = "unknown_year"
    message = N_("Choose a year between 2000 and 2100.")


@dataclass(frozen=True)
class Figure:
    section: str
    key: str
    label: str
    count: int | None = None  # people, payments, gifts, nights: suppressible
    amount: int | None = None  # øre
    quantity: float | None = None  # units or hours: never suppressed
    suppressed: bool = False


@dataclass
class Report:
    year: int
    publication: bool
    figures: list[Figure] = field(default_factory=list)

    def section(self, name: str) -> list[Figure]:
        return [f for f in self.figures if f.section == name]

    def as_json(self) -> dict[str, Any]:
        return {"year": self.year, "publication": self.publication,
                "small_count": SMALL,
                "sections": {name: [asdict(f) for f in self.section(name)]
                             for name in SECTIONS}}


def parse_year(text: str) -> int:
    if not (text.isdigit() and 2000 <= int(text) <= 2100):
        raise UnknownYear()
    return int(text)


def is_small(figure: Figure) -> bool:
    return figure.count is not None and 0 < figure.count < SMALL


def _hide(figure: Figure) -> Figure:
    return replace(figure, count=None, amount=None, suppressed=True)


def _safe(rows: list[Figure], hidden: set[str]) -> bool:
    # Total minus the visible rows gives the hidden rows' sum: it must be a
    # sum of at least two cells, not itself small, and leave each cell (>= 1)
    # room to be more than one value.
    together = sum(int(row.count or 0) for row in rows if row.key in hidden)
    return len(hidden) >= 2 and together >= SMALL and together > len(hidden)


def complementary(rows: list[Figure], rank: Callable[[str], Any]
                  ) -> tuple[set[str], bool]:
    """Which rows of a section with a total to hide, and whether to hide the
    total. Small rows first; then, until `_safe`, the next non-zero row in a
    secret order (`rank`), never by size: which row is picked tells a reader
    nothing about the hidden values. When no non-zero row stays visible, the
    total is hidden as well."""
    hidden = {row.key for row in rows if is_small(row)}
    others = sorted((row.key for row in rows if row.count and row.key not in hidden),
                    key=rank)
    while hidden and others and not _safe(rows, hidden):
        hidden.add(others.pop(0))
    visible = [row for row in rows if row.key not in hidden and row.count]
    return hidden, bool(hidden) and not visible


def secret_rank(year: int, section: str) -> Callable[[str], str]:
    """A fixed order of a section's rows, unknown without the stage's secret
    key (the same order at every request, so two readings show the same)."""
    from chalicelib.config import get_settings
    from chalicelib.core.secrets import get_secret

    key = get_secret("secret-key", get_settings().secret_key).encode()
    return lambda row_key: hmac.new(key, f"{year}#{section}#{row_key}".encode(),
                                    hashlib.sha256).hexdigest()


def publish(figures: list[Figure], rank: Callable[[str], Callable[[str], Any]]
            ) -> list[Figure]:
    """Figures fit for publication: small counts hidden, and complementary
    cells hidden in every section whose rows add up to a total;
    `rank(section)` orders a section's rows (`secret_rank`)."""
    hide: set[tuple[str, str]] = {(f.section, f.key) for f in figures if is_small(f)}
    for section, total_key in TOTALS.items():
        rows = [f for f in figures if f.section == section and f.key != total_key]
        keys, hide_total = complementary(rows, rank(section))
        hide |= {(section, key) for key in keys}
        if hide_total:
            hide.add((section, total_key))
    return [_hide(f) if (f.section, f.key) in hide else f for f in figures]


def annual_report(year: int, _: Gettext, publication: bool = False,
                  lang: str = "nb") -> Report:
    """Every figure of `year`, named in `lang` (`_` translates into it);
    `publication` hides counts below 3 and what would let them be derived
    (`publish`)."""
    from chalicelib.allocation import yearly
    from chalicelib.web.render import month_text

    figures: list[Figure] = []
    money = yearly.money_in(year)
    by_channel = sorted(money.by_channel.items())
    figures += [Figure("donations", f"{channel}#{month}",
                       f"{_(CHANNELS[channel]) if channel in CHANNELS else channel} "
                       f"{month_text(month, lang)}", count, amount)
                for (channel, month), (count, amount) in by_channel]
    figures.append(Figure("donations", "total", _("Total"),
                          sum(c for c, _a in money.by_channel.values()),
                          sum(a for _c, a in money.by_channel.values())))
    figures.append(Figure("donors", "donors", _("Donors"), money.donor_count))
    figures += [Figure("earmarked", fund_id, names.in_language(lang), count, amount)
                for fund_id, (names, count, amount) in sorted(money.earmarked.items())]
    figures += _inkind(year, _)
    figures += _cash(year, _)
    figures.append(Figure("clients", "clients", _("Distinct clients"),
                          yearly.clients_helped_with_cash(year)))
    figures += _beds(year, _)
    held, stayed = yearly.holds_and_stays(year)
    figures += [Figure("holds", "holds", _("Holds placed"), held),
                Figure("holds", "stays", _("Holds that became stays"), stayed)]
    figures.append(Figure("hours", "hours", _("Hours"),
                          quantity=round(yearly.volunteer_minutes(year) / 60, 1)))
    if publication:
        figures = publish(figures, lambda section: secret_rank(year, section))
    return Report(year, publication, figures)


def _inkind(year: int, _: Gettext) -> list[Figure]:
    from chalicelib.inkind.models import StockMovement

    givers: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    names: dict[str, str] = {}
    for receipt in StockMovement.by_kind_year.query(f"receipt#{year}"):
        name = str(receipt.giver) if receipt.thank_by_name and receipt.giver \
            else _(ANONYMOUS)
        key = name.casefold()
        names.setdefault(key, name)
        totals = givers[key]
        totals[0] += 1
        totals[1] += int(receipt.value or 0)
        totals[2] += sum(int(line["delta"]) for line in receipt.lines)
    return [Figure("inkind", key, names[key], None, value, float(units))
            for key, (_gifts, value, units) in sorted(givers.items())]


def _cash(year: int, _: Gettext) -> list[Figure]:
    from chalicelib.disbursements.totals import year_report
    from chalicelib.funds.purposes import PURPOSES

    amounts: dict[str, int] = defaultdict(int)
    counts: dict[str, int] = defaultdict(int)
    for _month, kind, name, amount, count in year_report(year)["rows"]:
        if kind == "purpose":
            amounts[name] += amount
            counts[name] += count
    return [Figure("cash", purpose, _(PURPOSES.get(purpose, purpose)),
                   counts[purpose], amounts[purpose]) for purpose in sorted(amounts)]


def _beds(year: int, _: Gettext) -> list[Figure]:
    from chalicelib.shelters.rules import SHELTER_TYPES
    from chalicelib.shelters.search import bed_nights

    by_type = bed_nights(year)["by_type"]
    return [Figure("bed_nights", kind, _(SHELTER_TYPES.get(kind, kind)),
                   sum(by_type[kind].values())) for kind in sorted(by_type)]
