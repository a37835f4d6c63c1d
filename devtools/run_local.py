"""`make run`: embedded DynamoDB, tables, demo data, and `chalice local`."""

from __future__ import annotations

import json
import os
import secrets
import signal
import sys

from devtools.localstack import ROOT, start_dynamodb


def main() -> int:
    stage_env = json.loads((ROOT / ".chalice" / "config.json").read_text())["stages"][
        "local"
    ]["environment_variables"]
    for key, value in stage_env.items():
        os.environ.setdefault(key, value)
    port = int(os.environ.get("PORT", "8000"))
    db_port = int(os.environ.get("DYNAMODB_PORT", "0")) or None
    password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(9)
    os.environ["DEMO_PASSWORD"] = password
    dynamodb = start_dynamodb(db_port)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    from chalicelib.db import create_tables
    from chalicelib.demo import DEMO_USERS, load_demo_data

    create_tables()
    load_demo_data(password)
    from app import app
    from devtools.localstack import make_http_server

    server = make_http_server(app, port)
    base = f"http://127.0.0.1:{port}"
    print(f"\nServing on {base}  (DynamoDB: {os.environ['DYNAMODB_HOST']}, in memory)")
    print(f"  public:  {base}/   {base}/donate   {base}/needs   {base}/volunteer")
    print(f"  staff:   {base}/staff   (log in at {base}/auth/login)")
    print(f"  demo logins, password {password!r}:")
    for email in DEMO_USERS:
        print(f"    {email}")
    print(
        "Data lives in memory and is reset at each start. Ctrl-C stops.\n", flush=True
    )
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.shutdown() if hasattr(server, "shutdown") else None
        dynamodb.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
