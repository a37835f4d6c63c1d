"""The embedded local stack: moto's DynamoDB server in-process and Chalice's
local HTTP server, shared by `make run`, the tests and the benchmarks."""

from __future__ import annotations

import os
import socket
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_moto_atomic() -> None:
    """moto applies a transaction item by item and, on a failed condition,
    restores whole tables from a copy: concurrent requests can then lose or
    resurrect each other's items. Real DynamoDB is atomic and isolated, so the
    embedded server runs one operation at a time (it serves this process only)."""
    import functools
    import threading

    from moto.dynamodb.models import DynamoDBBackend

    if getattr(DynamoDBBackend, "_ngo_atomic", False):
        return
    lock = threading.RLock()
    names = ("transact_write_items", "transact_get_items", "put_item", "update_item",
             "delete_item", "get_item", "query", "scan", "batch_write_item",
             "batch_get_item")

    def locked(method):
        @functools.wraps(method)
        def run(*args, **kwargs):
            with lock:
                return method(*args, **kwargs)

        return run

    for name in names:
        if hasattr(DynamoDBBackend, name):
            setattr(DynamoDBBackend, name, locked(getattr(DynamoDBBackend, name)))
    DynamoDBBackend._ngo_atomic = True


def start_dynamodb(port: int | None = None):
    """Start moto's server on 127.0.0.1 and point the environment at it.
    Call before anything imports chalicelib models."""
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request

    make_moto_atomic()
    port = port or free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    os.environ["DYNAMODB_HOST"] = f"http://127.0.0.1:{port}"
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.setdefault(name, "testing")
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-north-1")
    return server


def chalice_config(stage: str = "local"):
    from chalice.cli.factory import CLIFactory

    factory = CLIFactory(str(ROOT), environ=dict(os.environ))
    return factory.create_config_obj(chalice_stage_name=stage)


def make_http_server(app, port: int, stage: str = "local"):
    """Chalice's local server (what `chalice local` runs) for `app`."""
    from chalice.local import create_local_server

    return create_local_server(app, chalice_config(stage), "127.0.0.1", port)
