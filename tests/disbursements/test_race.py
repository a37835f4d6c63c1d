"""Several people paying from a nearly empty fund at the same moment."""

from __future__ import annotations

import threading

from chalicelib.audit.service import Actor
from chalicelib.disbursements import service
from chalicelib.funds.models import LedgerEntry
from chalicelib.funds.service import FundExhausted
from tests.money_helpers import balance, make_fund


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


def test_racing_payments_to_one_client_never_pass_the_30_day_limit_together():
    make_fund("general", nok=100_000)
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(10)

    def payer(number: int) -> None:
        # 1,000 kr each, paid at once (below four eyes); the limit is 6,000 kr.
        request = service.Request("K-2025-077", 1000_00, "food", "cash", "general")
        start.wait()
        try:
            service.create(request, Actor(f"u-staff-{number}", ("staff",)))
            outcome = "paid"
        except service.ClientLimitExceeded:
            outcome = "over the limit"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=payer, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["over the limit"] * 4 + ["paid"] * 6
    assert service.client_total_30_days("K-2025-077") == 6000_00
    assert balance("general") == 94_000_00


def test_a_payment_racing_one_logged_just_before_it_checks_the_limit_again(monkeypatch):
    """The limit is read, then another payment to the same client commits,
    then this one writes: its transaction fails and the limit is checked
    again with the other payment counted."""
    make_fund("general", nok=100_000)
    staff = Actor("u-staff-1", ("staff",))
    service.create(service.Request("K-2025-078", 4000_00, "rent", "bank_transfer",
                                   "general"), Actor("u-finance", ("finance",)))
    read = service.client_window
    sneaked: list[bool] = []

    def window_then_another_payment(code, now=None):
        seen = read(code, now)
        if not sneaked:
            sneaked.append(True)
            service.create(service.Request(code, 1500_00, "food", "cash", "general"),
                           Actor("u-staff-2", ("staff",)))
        return seen

    monkeypatch.setattr(service, "client_window", window_then_another_payment)
    try:
        service.create(service.Request("K-2025-078", 1500_00, "food", "cash",
                                       "general"), staff)
        raise AssertionError("both payments passed the 6,000 kr limit")
    except service.ClientLimitExceeded:
        pass
    assert service.client_total_30_days("K-2025-078") == 5500_00
