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

    _roll_back_items_not_tables(DynamoDBBackend)
    for name in names:
        if hasattr(DynamoDBBackend, name):
            setattr(DynamoDBBackend, name, locked(getattr(DynamoDBBackend, name)))
    DynamoDBBackend._ngo_atomic = True


def _roll_back_items_not_tables(backend_class) -> None:
    """moto backs up every table a transaction names with a deep copy before
    each transaction: time and memory grow with the table (500 volunteers'
    sign-ups grew a benchmark to 12 GB). Keep a copy of only the items the
    transaction names and put them back when it is cancelled, as DynamoDB's
    all-or-nothing promises."""
    import copy
    import types

    from moto.dynamodb import models
    from moto.dynamodb.models.table import Table

    active = {"on": False}

    def deepcopy(value, memo=None):
        if active["on"] and isinstance(value, Table):
            return value  # the rollback below restores the named items instead
        return copy.deepcopy(value, memo)

    models.copy = types.SimpleNamespace(**{**vars(copy), "deepcopy": deepcopy})
    original = backend_class.transact_write_items

    def transact_write_items(self, transact_items):
        saved = _named_items(self, transact_items)
        active["on"] = True
        try:
            return original(self, transact_items)
        except Exception:
            _put_back(self, saved)
            raise
        finally:
            active["on"] = False

    backend_class.transact_write_items = transact_write_items


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
    from chalice import local

    if not getattr(local.LocalGateway, "answers_not_found", False):
        local.LocalGateway = _not_found_gateway_class()  # what each handler makes
    return local.create_local_server(app, chalice_config(stage), "127.0.0.1", port)


def _not_found_gateway_class():
    from chalice import local

    from chalicelib.web import not_found

    class NotFoundGateway(local.LocalGateway):
        """Chalice's local gateway answering an address that matches no
        route as the deployed API does (devtools/infra.py): the 404 page."""

        answers_not_found = True

        def handle_request(self, method, path, headers, body):
            try:
                return super().handle_request(method, path, headers, body)
            except local.ForbiddenError as error:
                if b"Missing Authentication Token" not in (error.body or b""):
                    raise
                headers = {k: v for k, v in not_found.HEADERS.items()
                           if k != "Strict-Transport-Security"}  # plain http here
                # and its stylesheet is at an http: address
                headers["Content-Security-Policy"] = "sandbox; default-src http: https:"
                return {"statusCode": 404, "headers": headers,
                        "multiValueHeaders": {}, "body": not_found.page("/")}

    return NotFoundGateway


def _named_items(backend, transact_items) -> list:
    """(table, key, a copy of the item or None) of every item a transaction names."""
    import copy

    saved = []
    for entry in transact_items:
        _op_type, op = next(iter(entry.items()))
        name = op.get("TableName")
        if name not in backend.tables:
            continue
        table = backend.tables[name]
        key = op.get("Key")
        if key is None:
            attrs = op.get("Item") or {}
            key = {a: attrs[a] for a in (table.hash_key_attr, table.range_key_attr)
                   if a and a in attrs}
        try:
            current = backend.get_item(name, key)
        except Exception:  # noqa: BLE001 - the transaction itself reports it
            continue
        saved.append((name, key, copy.deepcopy(current.to_json()["Attributes"])
                      if current else None))
    return saved


def _put_back(backend, saved: list) -> None:
    for name, key, attrs in reversed(saved):
        if attrs is None:
            if backend.get_item(name, key) is not None:
                backend.delete_item(name, key)
        else:
            backend.put_item(name, attrs)
