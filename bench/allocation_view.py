"""Allocation view cost: DynamoDB requests and median time of GET /staff (as
admin, every panel) with 100 and with 100,000 donations stored, plus matching
ledger entries, disbursements and stays (one of each per 10 donations).
Goal: requests_ratio and time_ratio both <= 1.1.

    .venv/bin/python bench/allocation_view.py
"""
from __future__ import annotations

import gc
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import counting_requests, median_seconds, start_stack  # noqa: E402

SIZES = (100, 100_000)
REPEAT = 15


def seed(start: int, stop: int) -> None:
    """History the view must never read: donations, ledger entries (one per
    donation), and one paid disbursement and one finished stay per 10."""
    from chalicelib.disbursements.models import Disbursement
    from chalicelib.donations.models import Donation
    from chalicelib.funds.models import LedgerEntry
    from chalicelib.shelters.models import Stay

    now = datetime.now(UTC)
    month = now.strftime("%Y-%m")
    with Donation.batch_write() as donations, LedgerEntry.batch_write() as ledger:
        for n in range(start, stop):
            donations.save(Donation(
                f"pi_bench_{n}", version=1, status="credited", credited=True,
                amount=300_00, fund_id="general", channel="stripe", month=month,
                credited_at=f"{now.date().isoformat()}T00:{n:07d}"))
            ledger.save(LedgerEntry(
                "general", f"{now.isoformat()}#{n:07d}", movement_id=f"pi_bench_{n}",
                kind="donation", amount=300_00, created_at=now, actor="bench"))
    with Disbursement.batch_write() as cash, Stay.batch_write() as stays:
        for n in range(start - start % 10, stop, 10):
            cash.save(Disbursement(
                f"D-bench-{n}", client_code=f"K-2020-{n % 1000:03d}", amount=200_00,
                purpose="food", method="cash", fund_id="emergency-cash",
                status="paid", request_hash="bench", created_by="bench",
                created_at=now, paid_at=now))
            started = now - timedelta(days=30)
            stays.save(Stay(
                f"S-bench-{n}", shelter_id="lauras-hus",
                client_code=f"K-2020-{n % 1000:03d}", hold_id=f"H-bench-{n}",
                started_at=started, ended_at=now, nights=30))


def settle() -> None:
    """moto keeps the whole database in this process: freeze those objects so
    Python's garbage collector stops walking them on each request (Lambda's
    heap never holds the database)."""
    gc.collect()
    gc.freeze()


def measure(client, cookie: str) -> tuple[int, float]:
    def render() -> None:
        response = client.get("/staff", headers={"Cookie": cookie})
        assert response.status_code == 200, response.status_code

    render()  # warm the templates and caches once
    with counting_requests() as counter:
        render()
    return counter.count, median_seconds(render, repeat=REPEAT)


def main() -> int:
    start_stack(separate=True)
    from chalice.test import Client

    from app import app
    from chalicelib.auth.tokens import issue_local_token
    from chalicelib.demo import load_demo_data

    load_demo_data("bench-password")
    cookie = "session=" + issue_local_token("u-admin", "admin@demo.local", ["admin"])
    results, stored = [], 0
    with Client(app, stage_name="test") as test_client:
        for size in SIZES:
            seed(stored, size)
            settle()
            stored = size
            requests, seconds = measure(test_client.http, cookie)
            results.append((size, requests, seconds))
            print(f"donations={size:>7}  dynamodb_requests={requests:>3}  "
                  f"median_ms={seconds * 1000:8.1f}")
    requests_ratio = results[1][1] / results[0][1]
    time_ratio = results[1][2] / results[0][2]
    print("moto runs in its own process, as DynamoDB is not in the Lambda's heap")
    print(f"requests_ratio={requests_ratio:.2f} time_ratio={time_ratio:.2f}")
    return 0 if requests_ratio <= 1.1 and time_ratio <= 1.1 else 1


if __name__ == "__main__":
    sys.exit(main())
