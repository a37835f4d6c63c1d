"""Shared bench helpers: an embedded DynamoDB, a request counter, a timer.
Run a benchmark from the repository root: `.venv/bin/python bench/<name>.py`."""
from __future__ import annotations

import contextlib
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def start_stack(separate: bool = False, read_timeout: int | None = None) -> None:
    """moto's DynamoDB, every table created; call before importing app.
    `separate`: in its own process, as a Lambda's heap never holds the
    database (in-process, moto's items slow every request of the app by
    the size of the history: a bench artifact, not the app's cost).
    `read_timeout`: seconds a request may take (moto reads a whole
    partition for each page of a Query; DynamoDB reads only the page)."""
    os.environ.update({"STAGE": "test", "TABLE_PREFIX": "ngo-bench",
                       "DEMO_PASSWORD": "bench-password"})
    from devtools.localstack import free_port, start_dynamodb

    if separate:
        import multiprocessing
        import urllib.request

        port = free_port()
        server = multiprocessing.get_context("spawn").Process(
            target=_serve_dynamodb, args=(port,), daemon=True)
        server.start()
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        os.environ["DYNAMODB_HOST"] = f"http://127.0.0.1:{port}"
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            os.environ.setdefault(name, "testing")
        os.environ.setdefault("AWS_DEFAULT_REGION", "eu-north-1")
    else:
        start_dynamodb()
    from chalicelib.db import BaseMeta, create_tables

    if read_timeout:
        BaseMeta.read_timeout_seconds = read_timeout
    create_tables()


def _serve_dynamodb(port: int) -> None:
    from devtools.localstack import start_dynamodb

    start_dynamodb(port)
    while True:
        time.sleep(3600)


def counts_in_prod(operation_kwargs: dict) -> bool:
    """False for the local mail transport's outbox put: in prod a receipt
    goes to SES, which is not a DynamoDB request."""
    return not str(operation_kwargs.get("TableName", "")).endswith("-outbox")


class RequestCounter:
    count = 0


@contextlib.contextmanager
def counting_requests() -> Iterator[RequestCounter]:
    """Count the DynamoDB API calls PynamoDB makes inside the block (those
    prod makes: see `counts_in_prod`)."""
    from pynamodb.connection.base import Connection

    counter = RequestCounter()
    original = Connection._make_api_call

    def counted(self, operation_name, operation_kwargs, *args, **kwargs):
        counter.count += counts_in_prod(operation_kwargs)
        return original(self, operation_name, operation_kwargs, *args, **kwargs)

    Connection._make_api_call = counted  # type: ignore[method-assign]
    try:
        yield counter
    finally:
        Connection._make_api_call = original  # type: ignore[method-assign]


def median_seconds(action: Callable[[], object], repeat: int = 7) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)
