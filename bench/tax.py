"""The RF-1310 report for 1,000 and 10,000 donors: DynamoDB requests to
build finance's view, prepare the delivery and send it (to the in-process
stand-in). Goal: flat per donor (the year's tables are read by paged
Queries, rows written 99 to a transaction; no Scan, no read per donor).

    .venv/bin/python bench/tax.py
"""
from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import counting_requests, start_stack  # noqa: E402

YEAR = 2025


def person_numbers(count: int, skip: int = 0) -> list[str]:
    from chalicelib.tax.identifiers import with_check_digits

    found: list[str] = []
    serial = 0
    while len(found) < count + skip:
        day, month = 1 + serial % 28, 1 + (serial // 28) % 12
        year, individual = 50 + (serial // 336) % 50, (serial // 16800) % 500
        serial += 1
        number = with_check_digits(f"{day:02d}{month:02d}{year:02d}{individual:03d}")
        if number:
            found.append(number)
    return found[skip:]


def add_donors(count: int, first: int) -> None:
    """`count` donors with a request and a total (batch writes: the report,
    not the writing, is measured); every tenth has no request."""
    from chalicelib.tax import crypto, requests
    from chalicelib.tax.models import TaxRequest, TaxTotal

    now = datetime.now(UTC)
    numbers = person_numbers(count, skip=first)
    with TaxRequest.batch_write() as asked, TaxTotal.batch_write() as kept:
        for n, number in enumerate(numbers, start=first):
            email = f"donor{n:06d}@bench.example"
            key = requests.unit_key(YEAR, email)
            kept.save(TaxTotal(str(YEAR), key, email=email,
                               amount=300_00 + (n % 60) * 100_00, refunded=0,
                               gifts=1 + n % 12))
            if n % 10 == 9:
                continue
            sealed = crypto.seal(number, {"unit": key})
            asked.save(TaxRequest(
                key, year=str(YEAR), email=email, name=f"Giver {n:06d}",
                kind="person", id_sealed=sealed.ciphertext,
                id_key=sealed.wrapped_key, id_last5=number[-5:], status="active",
                lang="nb", consent_at=now, updated_at=now))


def measure(donors: int) -> tuple[int, int, float]:
    from chalicelib.audit.service import Actor
    from chalicelib.tax import delivery, report
    from chalicelib.tax.models import TaxDelivery

    actor = Actor("bench-finance", ("finance",))
    for old in TaxDelivery.query(str(YEAR)):  # each size reports from scratch
        old.delete()
    from chalicelib.tax.models import TaxReported

    with TaxReported.batch_write() as rows:
        for row in TaxReported.query(str(YEAR)):
            rows.delete(row)
    started = time.perf_counter()
    with counting_requests() as view:
        built = report.build(YEAR)
    with counting_requests() as sending:
        prepared = delivery.prepare(YEAR, actor)
        sent = delivery.send(YEAR, prepared.delivery_id, actor)
    seconds = time.perf_counter() - started
    assert sent.status == "sent", sent.status
    print(f"{donors} donors: {len(built.due)} due, {len(built.missing)} without a "
          f"request; page {view.count} requests, prepare+send {sending.count} "
          f"requests ({(view.count + sending.count) / donors:.3f} per donor), "
          f"{seconds:.1f} s")
    return view.count, sending.count, seconds


def main() -> None:
    start_stack(separate=True, read_timeout=600)
    add_donors(1_000, 0)
    view_1k, send_1k, _ = measure(1_000)
    add_donors(9_000, 1_000)
    view_10k, send_10k, _ = measure(10_000)
    per_1k = (view_1k + send_1k) / 1_000
    per_10k = (view_10k + send_10k) / 10_000
    ratio = per_10k / per_1k
    print(f"requests per donor 1k={per_1k:.4f} 10k={per_10k:.4f}; ratio 10k/1k = "
          f"{ratio:.2f} (goal: flat per donor, ratio <= 1.0)")
    if ratio > 1.05:
        sys.exit(1)


if __name__ == "__main__":
    main()
