"""DynamoDB requests (and time) for the stock page with 1x and 10x movement
history. Stock rows are maintained with every movement, so the page reads the
catalogue and the stock rows only: the count must not grow with history.

    .venv/bin/python bench/stock.py
"""
from __future__ import annotations

import itertools

from common import counting_requests, median_seconds, start_stack

BASE_HISTORY = 30  # movements in the 1x history
ids = itertools.count()


def add_history(count: int) -> None:
    from chalicelib.audit.service import SYSTEM
    from chalicelib.inkind import service
    from chalicelib.inkind.service import ReceiptLine

    for n in range(count // 3):
        item = ("hygiene-pack", "christmas-package", "toothbrush")[n % 3]
        service.receive_gifts(f"bench-r-{next(ids)}", "Bench giver", "storage",
                              [ReceiptLine(item, 3)], SYSTEM)
        service.transfer(f"bench-t-{next(ids)}", item, 2, "storage", "office", SYSTEM)
        service.distribute(f"bench-d-{next(ids)}", item, 1, "office", SYSTEM,
                           shelter_id="crisis-centre-bench")


def measure(client, headers) -> tuple[int, int, float]:
    with counting_requests() as page_count:
        page = client.get("/staff/inkind", headers=headers)
    assert page.status_code == 200, page.status_code
    with counting_requests() as api_count:
        api = client.get("/api/stock", headers={"Authorization": headers["Bearer"]})
    assert api.status_code == 200, api.status_code
    seconds = median_seconds(lambda: client.get("/staff/inkind", headers=headers))
    return page_count.count, api_count.count, seconds


def main() -> None:
    start_stack()
    from chalice.test import Client

    from app import app
    from chalicelib.auth.tokens import issue_local_token
    from chalicelib.inkind import demo
    from chalicelib.inkind.models import StockMovement

    demo.load()
    token = issue_local_token("u-bench", "staff@demo.local", ["staff"])
    headers = {"Cookie": f"session={token}", "Bearer": f"Bearer {token}"}
    with Client(app, stage_name="test") as test_client:
        client = test_client.http
        add_history(BASE_HISTORY)
        small = sum(1 for _ in StockMovement.scan())
        page_1, api_1, time_1 = measure(client, headers)
        add_history(9 * BASE_HISTORY)
        large = sum(1 for _ in StockMovement.scan())
        page_10, api_10, time_10 = measure(client, headers)
    print(f"movements: {small} (1x) and {large} (10x)")
    print(f"stock page: {page_1} DynamoDB requests (1x), {page_10} (10x)")
    print(f"stock API:  {api_1} DynamoDB requests (1x), {api_10} (10x)")
    print(f"stock page median: {time_1 * 1000:.1f} ms (1x), "
          f"{time_10 * 1000:.1f} ms (10x)")
    print(f"request ratio 10x/1x: {page_10 / page_1:.2f} (goal 1.00)")
    if page_10 != page_1 or api_10 != api_1:
        raise SystemExit("the stock page reads more with more history")


if __name__ == "__main__":
    main()
