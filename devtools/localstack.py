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


def start_dynamodb(port: int | None = None):
    """Start moto's server on 127.0.0.1 and point the environment at it.
    Call before anything imports chalicelib models."""
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request

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
