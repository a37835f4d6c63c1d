"""Helpers shared by the money tests (funds, gifts, disbursements)."""

from __future__ import annotations

from chalicelib.audit.service import SYSTEM
from chalicelib.funds.admin import create_fund
from chalicelib.funds.models import Fund
from chalicelib.funds.service import Posting, post_movement


def make_fund(fund_id="general", nok=0, restricted=False, purposes=None):
    create_fund(fund_id, {"nb": fund_id, "en": fund_id, "es": fund_id}, SYSTEM,
                restricted=restricted, purposes=purposes)
    if nok:
        post_movement(f"open-{fund_id}", "opening", [Posting(fund_id, nok * 100)],
                      SYSTEM)
    return fund_id


def balance(fund_id: str) -> int:
    return int(Fund.get(fund_id).balance)


def serialise_moto_writes():
    """moto applies a transaction item by item and, on a failed condition,
    restores whole tables from a copy taken before: concurrent transactions
    then lose or resurrect each other's items. Real DynamoDB is atomic, so
    the race tests make moto's writes serial (moto runs in this process).
    Returns a function that undoes the patch."""
    import functools
    import threading

    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.RLock()
    names = ("transact_write_items", "put_item", "update_item", "delete_item")
    originals = {name: getattr(DynamoDBBackend, name) for name in names}

    def locked(method):
        @functools.wraps(method)
        def run(*args, **kwargs):
            with lock:
                return method(*args, **kwargs)

        return run

    for name, method in originals.items():
        setattr(DynamoDBBackend, name, locked(method))

    def undo() -> None:
        for name, method in originals.items():
            setattr(DynamoDBBackend, name, method)

    return undo
