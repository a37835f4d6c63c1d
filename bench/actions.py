"""DynamoDB requests per user action, the way the services run them: one
Stripe webhook that credits a gift (new) and its repeat delivery, a small
disbursement (under the four-eyes threshold, paid at once), a bed hold and a
distribution of stock to a client. Each action is run several times on the
demo data; the median and the largest count are printed with the operations
(GetItem, Query, TransactWriteItems, ...) of the last run. The receipt kept
in the local mail outbox is not counted: in prod it goes to SES.

Goals (issue 12): new webhook <= 2, repeat 1, small disbursement <= 2,
bed hold <= 3, distribution <= 3. The floor is one TransactWriteItems per
atomic change; a read before it is needed where the change depends on
stored state (a fund's balance, a shelter's holds, a location's stock).

    .venv/bin/python bench/actions.py
"""
from __future__ import annotations

import contextlib
import statistics
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import counts_in_prod, start_stack  # noqa: E402

SAMPLES = 9
GOALS = {"new webhook": 2, "repeat webhook": 1, "small disbursement": 2,
         "bed hold": 3, "distribution": 3}


@contextlib.contextmanager
def recording() -> Iterator[list[str]]:
    """The DynamoDB operations PynamoDB sends inside the block, in order."""
    from pynamodb.connection.base import Connection

    operations: list[str] = []
    original = Connection._make_api_call

    def recorded(self, operation_name, operation_kwargs, *args, **kwargs):
        if counts_in_prod(operation_kwargs):
            operations.append(operation_name)
        return original(self, operation_name, operation_kwargs, *args, **kwargs)

    Connection._make_api_call = recorded  # type: ignore[method-assign]
    try:
        yield operations
    finally:
        Connection._make_api_call = original  # type: ignore[method-assign]


def measure(action: Callable[[int], object],
            undo: Callable[[object], object] | None = None) -> tuple[list[int], list[str]]:
    """Run `action` SAMPLES times; `undo` (not counted) puts back what it took."""
    counts: list[int] = []
    last: list[str] = []
    for n in range(SAMPLES):
        with recording() as operations:
            result = action(n)
        counts.append(len(operations))
        last = operations
        if undo is not None:
            undo(result)
    return counts, last


def main() -> int:
    start_stack()
    from bench.webhook import paid_event
    from chalicelib.audit.service import Actor
    from chalicelib.db import put_if_absent
    from chalicelib.demo import load_demo_data
    from chalicelib.disbursements import service as disbursements
    from chalicelib.donations.models import Campaign
    from chalicelib.donations.settings import donation_settings
    from chalicelib.donations.testmode import signature_header
    from chalicelib.donations.webhook import receive
    from chalicelib.inkind import service as inkind
    from chalicelib.shelters import service as shelters

    load_demo_data("bench-password")
    put_if_absent(Campaign("bench", names={"en": "Bench"}, fund_id="christmas",
                           goal=1_000_000_00, starts="2000-01-01", ends="2099-12-31"))
    secret = donation_settings().stripe_webhook_secret
    staff = Actor("bench-staff", ("staff",))
    coordinator = Actor("bench-coordinator", ("coordinator",))

    def webhook(n: int) -> None:
        raw = paid_event(n)
        assert receive(raw, signature_header(raw, secret)) == "handled"

    def repeat(n: int) -> None:
        raw = paid_event(n)  # delivered by the "new webhook" runs before
        assert receive(raw, signature_header(raw, secret)) == "duplicate"

    def disbursement(n: int) -> None:
        request = disbursements.validate({
            "amount": 200_00, "client_code": f"K-2026-{500 + n:03d}",
            "purpose": "food", "method": "payment_card", "fund_id": "general"})
        disbursements.create(request, staff, idempotency_key=f"bench-d-{n}")

    def hold(n: int) -> object:
        return shelters.place_hold("lauras-hus", f"K-2026-{600 + n:03d}", 4,
                                   coordinator, request_key=f"bench-h-{n}")

    def release(placed: object) -> None:  # the bed is free again for the next run
        shelters.release_hold(placed.hold_id, coordinator)  # type: ignore[attr-defined]

    def distribution(n: int) -> None:
        inkind.distribute(f"bench-x-{n}", "hygiene-pack", 1, "office", staff,
                          client_code=f"K-2026-{700 + n:03d}")

    rows = []
    for name, action, undo in (
            ("new webhook", webhook, None), ("repeat webhook", repeat, None),
            ("small disbursement", disbursement, None), ("bed hold", hold, release),
            ("distribution", distribution, None)):
        counts, operations = measure(action, undo)
        rows.append((name, statistics.median(counts), max(counts), operations))
    print(f"{'action':<20} {'median':>6} {'max':>4} {'goal':>4}  operations (last run)")
    met = True
    for name, median, most, operations in rows:
        goal = GOALS[name]
        met = met and median <= goal
        print(f"{name:<20} {median:>6.0f} {most:>4} {goal:>4}  {', '.join(operations)}")
    print("max: the first run of a process also reads what it caches (the fund and "
          "campaign a webhook checks, for 5 minutes)")
    print("goals (median):", "met" if met else "NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
