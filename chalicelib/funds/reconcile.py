"""Recompute every fund's balance (and monthly totals) from its ledger
entries and report any drift. Used by `make reconcile` and the admin page."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from chalicelib.funds.models import Fund, FundMonth, LedgerEntry


@dataclass
class FundDrift:
    fund_id: str
    stored: int  # the balance item, øre
    computed: int  # the sum of the entries, øre
    entries: int
    months: list[str] = field(default_factory=list)  # months whose totals differ

    @property
    def drift(self) -> int:
        return self.stored - self.computed

    @property
    def ok(self) -> bool:
        return self.drift == 0 and not self.months


def _month_totals(fund_id: str) -> tuple[int, int, dict[str, list[int]]]:
    total, count = 0, 0
    months: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    entries = LedgerEntry.query(fund_id, attributes_to_get=["entry_id", "amount"])
    for entry in entries:
        amount = int(entry.amount)
        total += amount
        count += 1
        # entry_id starts with the ISO time of posting: its month is [:7].
        months[entry.entry_id[:7]][0 if amount >= 0 else 1] += abs(amount)
    return total, count, months


def reconcile_fund(fund: Fund) -> FundDrift:
    total, count, months = _month_totals(fund.fund_id)
    stored_months = {
        month.month: [int(month.income or 0), int(month.spending or 0)]
        for month in FundMonth.query(fund.fund_id)
    }
    differ = sorted(
        month
        for month in set(months) | set(stored_months)
        if months.get(month, [0, 0]) != stored_months.get(month, [0, 0])
    )
    return FundDrift(fund.fund_id, int(fund.balance or 0), total, count, differ)


def reconcile() -> list[FundDrift]:
    """Every fund (active or not) with its stored and recomputed balance."""
    funds = sorted(Fund.scan(), key=lambda fund: fund.fund_id)
    return [reconcile_fund(fund) for fund in funds]
