"""`make reconcile`: recompute every fund balance from its ledger entries and
print the drift per fund; exit code 1 on any drift.

With STACK set (`make reconcile STAGE=prod STACK=hjelp`) it checks that
deployed stack's tables in real DynamoDB, with the settings of the stack's web
function (read from Lambda: TABLE_PREFIX, region, ...; no secret is needed).
With DYNAMODB_HOST set it checks that database and starts nothing. Without
either (a fresh machine) it starts the embedded moto DynamoDB, loads the demo
data and checks that, saying so.
"""

from __future__ import annotations

import os
import sys


def _start_demo_stack() -> None:
    from devtools.localstack import start_dynamodb

    os.environ.setdefault("STAGE", "local")
    os.environ.setdefault("TABLE_PREFIX", "ngo-local")
    os.environ.setdefault("DEMO_PASSWORD", "reconcile-demo")
    start_dynamodb()
    from chalicelib.db import create_tables
    from chalicelib.demo import load_demo_data

    create_tables()
    load_demo_data(os.environ["DEMO_PASSWORD"])
    print("No DYNAMODB_HOST set: checked the demo data in an embedded DynamoDB.")


def _use_stack(stack: str) -> None:
    from devtools.stack import function_environment

    os.environ.update(function_environment(stack))
    os.environ.pop("DYNAMODB_HOST", None)
    print(f"Checking the tables of stack {stack} ({os.environ['TABLE_PREFIX']}-*).")


def main() -> int:
    stack = os.environ.get("STACK", "").strip()
    if stack:
        _use_stack(stack)
    elif os.environ.get("STAGE") == "prod":
        print("STACK must be set for STAGE=prod (the stack whose tables to check)",
              file=sys.stderr)
        return 2
    elif not os.environ.get("DYNAMODB_HOST"):
        _start_demo_stack()
    from chalicelib.funds.service import reconcile
    from chalicelib.money import format_nok

    drifts = reconcile()
    for d in drifts:
        state = "ok" if d.ok else "DRIFT"
        months = f" months differ: {', '.join(d.months)}" if d.months else ""
        print(
            f"{state:5} {d.fund_id:24} entries={d.entries:6} "
            f"stored={format_nok(d.stored)} computed={format_nok(d.computed)} "
            f"drift={format_nok(d.drift)}{months}"
        )
    bad = [d for d in drifts if not d.ok]
    print(f"{len(drifts)} funds checked, {len(bad)} with drift.")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
