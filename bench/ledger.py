"""Ledger benchmark: DynamoDB requests per disbursement (goal <= 3) and the
time to reconcile 10,000 ledger entries. Run: `.venv/bin/python bench/ledger.py`."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import counting_requests, median_seconds, start_stack  # noqa: E402

ENTRIES = 10_000


def requests_per_disbursement(rounds: int = 20) -> tuple[float, float]:
    from chalicelib.audit.service import Actor
    from chalicelib.disbursements import service

    actor = Actor("u-bench", ("staff",))
    service.create(service.Request("K-2025-001", 100, "food", "cash", "bench"), actor)
    with counting_requests() as counter:
        for number in range(rounds):
            request = service.Request(
                f"K-2025-{number + 100:03d}", 100_00, "food", "payment_card", "bench"
            )
            service.create(request, actor, idempotency_key=f"bench-{number}")
    with counting_requests() as retries:
        for number in range(rounds):
            request = service.Request(
                f"K-2025-{number + 100:03d}", 100_00, "food", "payment_card", "bench"
            )
            service.create(request, actor, idempotency_key=f"bench-{number}")
    return counter.count / rounds, retries.count / rounds


def requests_per_api_call(rounds: int = 10) -> float:
    from chalice.test import Client

    from app import app
    from chalicelib.auth.tokens import issue_local_token

    token = issue_local_token("u-api", "staff@demo.local", ["staff"])
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with Client(app, stage_name="test") as client:
        with counting_requests() as counter:
            for number in range(rounds):
                body = {
                    "client_code": f"K-2026-{number + 100:03d}",
                    "amount": 5000,
                    "purpose": "food",
                    "method": "cash",
                    "fund_id": "bench",
                }
                response = client.http.post(
                    "/api/disbursements", body=json.dumps(body), headers=headers
                )
                assert response.status_code == 201, response.body
    return counter.count / rounds


def write_entries(fund_id: str, count: int) -> None:
    from chalicelib.funds.models import Fund, FundMonth, LedgerEntry

    start = datetime(2024, 1, 1, tzinfo=UTC)
    with LedgerEntry.batch_write() as batch:
        for number in range(count):
            at = start + timedelta(minutes=number)
            batch.save(
                LedgerEntry(
                    fund_id,
                    f"{at.isoformat(timespec='microseconds')}#bulk-{number}",
                    movement_id=f"bulk-{number}",
                    kind="gift",
                    amount=100,
                    created_at=at,
                    actor="bench",
                )
            )
    Fund(fund_id).update(actions=[Fund.balance.add(count * 100)])
    # All entries fall in January 2024: keep its monthly total in step too.
    FundMonth(fund_id, "2024-01").update(actions=[FundMonth.income.add(count * 100)])


def main() -> int:
    start_stack()
    from chalicelib.audit.service import SYSTEM
    from chalicelib.funds.admin import create_fund
    from chalicelib.funds.service import Posting, post_movement, reconcile

    create_fund("bench", {"nb": "b", "en": "b", "es": "b"}, SYSTEM)
    post_movement("bench-open", "opening", [Posting("bench", 10_000_000_00)], SYSTEM)
    per_create, per_retry = requests_per_disbursement()
    per_api = requests_per_api_call()
    print(
        f"DynamoDB requests per disbursement (service): {per_create:.1f} "
        f"(goal <= 3); per idempotent retry: {per_retry:.1f}"
    )
    print(f"DynamoDB requests per POST /api/disbursements: {per_api:.1f}")
    create_fund("bulk", {"nb": "b", "en": "b", "es": "b"}, SYSTEM)
    write_entries("bulk", ENTRIES)
    total = sum(d.entries for d in reconcile())
    seconds = median_seconds(reconcile, repeat=3)
    drift = [d.fund_id for d in reconcile() if not d.ok]
    print(
        f"reconcile: {total} entries in {seconds:.2f} s (median of 3), "
        f"{total / seconds:,.0f} entries/s, funds with drift: {drift or 'none'}"
    )
    return 0 if per_create <= 3 and not drift else 1


if __name__ == "__main__":
    sys.exit(main())
