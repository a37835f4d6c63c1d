"""Maintained disbursement totals: written with each payment or reversal, read
by reports (one Query per year) instead of the history."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pynamodb.transactions import TransactWrite

from chalicelib.disbursements.models import DisbursementTotal


def _keys(month: str, fund_id: str, purpose: str) -> list[str]:
    return [
        f"{month}#all",
        f"{month}#purpose#{purpose}",
        f"{month}#fund#{fund_id}",
        f"{month}#fund#{fund_id}#purpose#{purpose}",
    ]


def total_writes(
    paid_at: datetime, fund_id: str, purpose: str, amount: int, count: int
) -> list[Callable[[TransactWrite], None]]:
    """Transaction writes adding `amount` øre and `count` payments."""
    month = paid_at.strftime("%Y-%m")

    def write(key: str) -> Callable[[TransactWrite], None]:
        return lambda tx: tx.update(
            DisbursementTotal(month[:4], key),
            actions=[
                DisbursementTotal.amount.add(amount),
                DisbursementTotal.payments.add(count),
            ],
        )

    return [write(key) for key in _keys(month, fund_id, purpose)]


# Disbursements waiting for a second person, kept by the transaction that
# logs one (+) and by the approval or rejection that decides it (-).
WAITING = ("pending", "waiting")


def waiting_write(amount: int, count: int) -> Callable[[Any], None]:
    """A transaction write adding `count` waiting payments of `amount` øre."""
    return lambda tx: tx.update(
        DisbursementTotal(*WAITING),
        actions=[DisbursementTotal.amount.add(amount),
                 DisbursementTotal.payments.add(count)],
    )


def waiting() -> tuple[int, int]:
    """(count, øre) of disbursements waiting for approval: one GetItem."""
    try:
        total = DisbursementTotal.get(*WAITING)
    except DisbursementTotal.DoesNotExist:
        return 0, 0
    return max(0, int(total.payments)), max(0, int(total.amount))


def year_report(year: int) -> dict:
    """{"months": {m: øre}, "purposes": {p: øre}, "funds": {f: øre},
    "fund_purposes": {(f, p): øre}, "rows": [(month, kind, name, øre, count)]}."""
    report: dict = {
        "months": defaultdict(int),
        "purposes": defaultdict(int),
        "funds": defaultdict(int),
        "fund_purposes": defaultdict(int),
        "rows": [],
    }
    for total in DisbursementTotal.query(str(year)):
        month, kind, *rest = total.key.split("#")
        amount = int(total.amount)
        report["rows"].append(
            (month, kind, "#".join(rest), amount, int(total.payments))
        )
        if kind == "all":
            report["months"][month] += amount
        elif kind == "purpose":
            report["purposes"][rest[0]] += amount
        elif len(rest) == 1:
            report["funds"][rest[0]] += amount
        else:
            report["fund_purposes"][(rest[0], rest[2])] += amount
    return report
