"""Referral statistics from the monthly counts (one Query of a year's
`referral-counts`): referrals sent, placed and unplaced, time from referral
to placement, declines by reason and by shelter type, per month. Published
figures go through the annual report's suppression (allocation/report.py):
counts of 1 or 2 are hidden, with as many more cells of a table as it takes
that none can be worked out from the table's total."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.allocation import report
from chalicelib.referrals.models import ReferralCounts

OUTCOMES = ("sent", "placed", "unplaced")
# Published tables: (name, key prefix of its rows); each adds up to its total.
TABLES = (("declined", "declined#"), ("declined_type", "declined-type#"),
          ("placed_type", "placed-type#"))


def monthly(year: int) -> dict[str, Any]:
    """Every count of `year` per month: `rows[name][YYYY-MM]` with names
    `sent`, `placed`, `unplaced`, `declined#<reason>`, `declined-type#<kind>`,
    `placed-type#<kind>`; `minutes[YYYY-MM]` the average minutes from
    referral to placement of that month's placements."""
    rows: dict[str, dict[str, int]] = {}
    minutes: dict[str, int] = {}
    for item in ReferralCounts.query(str(year)):
        name, _, month = str(item.key).rpartition("#")
        rows.setdefault(name, {})[month] = int(item.number or 0)
        if name == "placed":
            minutes[month] = int(item.minutes or 0)
    average = {month: round(total / rows["placed"][month])
               for month, total in minutes.items() if rows["placed"].get(month)}
    return {"year": year, "rows": rows, "average_minutes": average,
            "minutes_total": sum(minutes.values())}


def _year_total(by_month: dict[str, int]) -> int:
    return sum(by_month.values())


def published(year: int, data: dict[str, Any] | None = None,
              rank: Callable[[str], Callable[[str], Any]] | None = None
              ) -> dict[str, Any]:
    """The year's figures fit for publication: each table's rows (reasons,
    shelter types) and its total, small counts and their complements shown
    as None; the average time to placement only over at least SMALL
    placements."""
    data = data or monthly(year)
    rank = rank or (lambda section: report.secret_rank(year, f"referrals-{section}"))
    rows = data["rows"]
    answer: dict[str, Any] = {"year": year, "small_count": report.SMALL}
    for outcome in OUTCOMES:
        count = _year_total(rows.get(outcome, {}))
        answer[outcome] = None if report.is_small(report.Figure("o", outcome, "",
                                                                count)) else count
    placed = _year_total(rows.get("placed", {}))
    answer["average_minutes_to_placement"] = (
        round(data["minutes_total"] / placed) if placed >= report.SMALL else None)
    for table, prefix in TABLES:
        figures = [report.Figure(table, name[len(prefix):], "", _year_total(by_month))
                   for name, by_month in sorted(rows.items())
                   if name.startswith(prefix)]
        hidden, hide_total = report.complementary(figures, rank(table))
        total = sum(int(f.count or 0) for f in figures)
        answer[table] = {
            "rows": {f.key: None if f.key in hidden else f.count for f in figures},
            "total": None if hide_total or report.is_small(
                report.Figure(table, "total", "", total)) else total}
    return answer
