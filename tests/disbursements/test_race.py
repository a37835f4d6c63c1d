"""Several people paying from a nearly empty fund at the same moment."""

from __future__ import annotations

import threading

import pytest

from chalicelib.audit.service import Actor
from chalicelib.disbursements import service
from chalicelib.funds.models import LedgerEntry
from chalicelib.funds.service import FundExhausted
from tests.money_helpers import balance, make_fund, serialise_moto_writes


@pytest.fixture(autouse=True)
def atomic_transactions():
    undo = serialise_moto_writes()
    yield
    undo()


def test_concurrent_payers_never_drive_a_fund_negative():
    make_fund("emergency", nok=1000)  # pays exactly three of 300 NOK
    results: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(10)

    def payer(number: int) -> None:
        request = service.Request(
            f"K-2025-{100 + number:03d}", 300_00, "food", "cash", "emergency")
        start.wait()
        try:
            service.create(request, Actor(f"u-staff-{number}", ("staff",)))
            outcome = "paid"
        except FundExhausted:
            outcome = "refused"
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=payer, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["paid"] * 3 + ["refused"] * 7
    assert balance("emergency") == 100_00
    entries = list(LedgerEntry.query("emergency"))
    assert sum(int(e.amount) for e in entries) == 100_00
    assert sum(1 for e in entries if e.kind == "disbursement") == 3
