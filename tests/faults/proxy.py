"""A small fault-injecting HTTP proxy in front of moto's DynamoDB: it answers
some requests with the errors real DynamoDB gives under load (moto never
does), or forwards a request and then drops the response, as a lost answer
after commit, or answers 500 after it committed (DynamoDB's "may or may not
have succeeded"). Like DynamoDB (and unlike moto) it answers a TransactWriteItems
sent again with a committed ClientRequestToken as done, applying nothing.
Tests queue faults per operation:

    with fault_proxy() as proxy:
        proxy.fail("TransactWriteItems", "TransactionConflict", times=2)
        proxy.fail("TransactWriteItems", "drop_after_commit")

or let a seeded random source answer a fraction of all requests with faults:

        proxy.chaos(random.Random(7), rate=0.15)
"""

from __future__ import annotations

import http.client
import json
import random
import threading
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

PREFIX = "com.amazonaws.dynamodb.v20120810#"
# fault -> (HTTP status, error type); TransactionConflict is a cancellation.
ERRORS = {
    "TransactionConflict": (400, "TransactionCanceledException"),
    "ProvisionedThroughputExceededException": (
        400, "ProvisionedThroughputExceededException"),
    "ThrottlingException": (400, "ThrottlingException"),
    "RequestLimitExceeded": (400, "RequestLimitExceeded"),
    "InternalServerError": (500, "InternalServerError"),
    # A single-item write that meets a transaction on its item.
    "TransactionConflictException": (400, "TransactionConflictException"),
}


def _token(operation: str, body: bytes) -> str | None:
    if operation != "TransactWriteItems":
        return None
    return json.loads(body or b"{}").get("ClientRequestToken")


def _as_answered(fault: str, operation: str) -> str:
    """What DynamoDB answers for `fault` on `operation`: a conflict cancels a
    transaction, rejects a single-item write, and never hits a plain read."""
    if fault != "TransactionConflict" or operation == "TransactWriteItems":
        return fault
    if operation in WRITES:
        return "TransactionConflictException"
    return "ProvisionedThroughputExceededException"

# What chaos answers with, and which operations it touches (not DescribeTable,
# ListTables, Scan: test set-up and checks).
CHAOS_FAULTS = ("TransactionConflict", "ProvisionedThroughputExceededException",
                "InternalServerError", "drop_after_commit", "error_after_commit")
WRITES = ("TransactWriteItems", "PutItem", "UpdateItem", "DeleteItem",
          "BatchWriteItem")
READS = ("GetItem", "Query", "BatchGetItem", "TransactGetItems")


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = urlsplit(upstream)
        self.queues: dict[str, deque[str]] = defaultdict(deque)
        self.always: dict[str, str] = {}
        self.seen: dict[str, int] = defaultdict(int)  # requests per operation
        self.injected: dict[str, int] = defaultdict(int)  # faults answered, by kind
        self._chaos: tuple[random.Random, float, tuple[str, ...]] | None = None
        self.tokens: dict[str, tuple[bytes, tuple]] = {}  # committed, by token
        self.token_replays = 0  # requests answered from a kept token
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def fail(self, operation: str, fault: str, times: int = 1) -> None:
        """The next `times` requests of `operation` get `fault`."""
        with self.lock:
            self.queues[operation].extend([fault] * times)

    def fail_always(self, operation: str, fault: str) -> None:
        with self.lock:
            self.always[operation] = fault

    def chaos(self, rng: random.Random, rate: float,
              faults: tuple[str, ...] = CHAOS_FAULTS) -> None:
        """From now on each request gets one of `faults` with chance `rate`
        (drawn from `rng`, so a seed reproduces the run); None stops it."""
        with self.lock:
            self._chaos = (rng, rate, faults)

    def calm(self) -> None:
        with self.lock:
            self._chaos = None

    def _next_fault(self, operation: str) -> str | None:
        with self.lock:
            self.seen[operation] += 1
            if self.queues[operation]:
                fault: str | None = self.queues[operation].popleft()
            elif operation in self.always:
                fault = self.always[operation]
            elif self._chaos and operation in WRITES + READS:
                rng, rate, faults = self._chaos
                fault = rng.choice(faults) if rng.random() < rate else None
                if fault and fault.endswith("_after_commit") and operation not in WRITES:
                    fault = "InternalServerError"  # nothing to commit
            else:
                fault = None
            if fault and fault != "forward":  # "forward": this one goes through
                self.injected[fault] += 1
            return fault

    def _token_answer(self, operation: str, body: bytes):
        """DynamoDB answers a TransactWriteItems whose ClientRequestToken it
        committed (within 10 minutes) with success and applies nothing; the
        same token with another request is refused. moto ignores tokens."""
        token = _token(operation, body)
        with self.lock:
            kept = self.tokens.get(token) if token else None
        if kept is None:
            return None
        self.token_replays += 1
        if kept[0] != body:
            data = json.dumps({"__type": PREFIX + "IdempotentParameterMismatchException",
                               "message": "token reused"}).encode()
            return 400, [("Content-Type", "application/x-amz-json-1.0")], data
        return kept[1]

    def _keep_token(self, operation: str, body: bytes, answer: tuple) -> None:
        token = _token(operation, body)
        if token and answer[0] == 200:
            with self.lock:
                self.tokens[token] = (body, answer)

    def _forward(self, method: str, path: str, headers: dict, body: bytes):
        connection = http.client.HTTPConnection(
            self.upstream.hostname, self.upstream.port, timeout=30)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args) -> None:  # quiet
                return

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                operation = self.headers.get("X-Amz-Target", "").split(".")[-1]
                fault = proxy._next_fault(operation)
                if fault in ERRORS:
                    return self._error(_as_answered(fault, operation), body)
                answered = proxy._token_answer(operation, body)
                if answered is not None:
                    status, headers, data = answered
                else:
                    status, headers, data = proxy._forward(
                        "POST", self.path, dict(self.headers), body)
                    proxy._keep_token(operation, body, (status, headers, data))
                if fault == "error_after_commit":  # "may or may not have succeeded"
                    return self._error("InternalServerError", body)
                if fault == "drop_after_commit":
                    self.close_connection = True
                    self.connection.close()  # committed upstream, no answer
                    return None
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in ("content-length", "connection",
                                            "transfer-encoding", "server", "date"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return None

            def _error(self, fault: str, body: bytes) -> None:
                status, error_type = ERRORS[fault]
                payload: dict = {"__type": PREFIX + error_type, "message": fault}
                if fault == "TransactionConflict":
                    count = len(json.loads(body or b"{}").get("TransactItems", []))
                    payload["CancellationReasons"] = (
                        [{"Code": "TransactionConflict"}]
                        + [{"Code": "None"}] * (count - 1))
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/x-amz-json-1.0")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def start(self) -> FaultProxy:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def fault_proxy() -> Iterator[FaultProxy]:
    """The app's shared DynamoDB connection sent through a FaultProxy for the
    duration: every model and transaction of the process goes through it."""
    from chalicelib.db import BaseMeta, shared_connection

    proxy = FaultProxy(str(BaseMeta.host)).start()
    connection = shared_connection()
    real = connection.client
    rerouted = connection.session.create_client(
        "dynamodb", BaseMeta.region, endpoint_url=proxy.url, config=real.meta.config)
    connection._client = rerouted
    try:
        yield proxy
    finally:
        connection._client = real
        proxy.stop()
