"""Recompute every fund's balance (and monthly totals) from its ledger
entries and report any drift. Used by `make reconcile` and by the nightly
job, whose last status the funds page shows (no page recomputes anything).

The job also checks the in-kind stock rows against their movements, emits
`ReconciliationDrift` (øre, the sum of |drift| over the funds) and
`ReconciliationMismatches` (funds and stock rows that differ) and keeps its
figures in the job-runs table. An admin may queue an extra check; the
quarter-hourly job runs it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.core import jobs
from chalicelib.core.clock import now_utc, oslo_date
from chalicelib.funds.models import Fund, FundMonth, LedgerEntry

PAGE_SIZE = 1000
JOB = "reconciliation"


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
    # Pages of 1,000 keep each request short (moto serialises slowly); on
    # DynamoDB that is 10 requests per 10,000 entries.
    entries = LedgerEntry.query(
        fund_id, attributes_to_get=["entry_id", "amount"], page_size=PAGE_SIZE
    )
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


def _drift_json(d: FundDrift) -> dict[str, Any]:
    return {"fund_id": d.fund_id, "stored": d.stored, "computed": d.computed,
            "drift": d.drift, "entries": d.entries, "months": d.months}


def check_books() -> dict[str, Any]:
    """Funds and in-kind stock against their histories, as the job keeps it;
    emits the two reconciliation metrics."""
    from chalicelib.core.metrics import emit
    from chalicelib.inkind.stock import reconcile as reconcile_stock

    drifts = reconcile()
    total = sum(abs(d.drift) for d in drifts)
    funds = [_drift_json(d) for d in drifts if not d.ok]
    stock = [{"item_id": item, "location": location, "stock": rows,
              "movements": moved}
             for (item, location), (rows, moved) in reconcile_stock().items()]
    emit("ReconciliationDrift", total)
    emit("ReconciliationMismatches", len(funds) + len(stock))
    return {"funds_checked": len(drifts), "total_drift": total, "funds": funds,
            "stock": stock}


def nightly_reconciliation(now: datetime | None = None) -> jobs.JobOutcome:
    """The nightly check, once per Oslo day."""
    now = now or now_utc()
    return jobs.run_once(JOB, oslo_date(now).isoformat(), check_books, now)


def request_reconciliation() -> bool:
    """Queue an extra check (admin); False when one is queued already."""
    return jobs.request(JOB)


def run_requested_reconciliation(now: datetime | None = None) -> jobs.JobOutcome | None:
    """Run the queued check, if any (the quarter-hourly job)."""
    now = now or now_utc()
    if not jobs.take_request(JOB):
        return None
    return jobs.run_once(JOB, now.strftime("%Y-%m-%dT%H:%MZ"), check_books, now)


def last_reconciliation() -> jobs.JobOutcome | None:
    return jobs.last_run(JOB)


def reconciliation_queued() -> bool:
    return jobs.is_requested(JOB)
