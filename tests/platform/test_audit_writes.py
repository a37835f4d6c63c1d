"""How audit entries reach the table: conditional puts only (the Lambda role
may not BatchWriteItem, UpdateItem or DeleteItem the audit table)."""
from __future__ import annotations

from chalicelib.audit.models import AuditEntry
from chalicelib.audit.service import Actor, record_many
from chalicelib.db import shared_connection


def test_a_page_showing_many_clients_writes_one_entry_each_without_batch_writes():
    operations: list[str] = []
    events = shared_connection().client.meta.events

    def seen(model, **_):
        operations.append(model.name)

    events.register("before-call.dynamodb", seen)
    try:
        codes = [f"K-2025-{n:03d}" for n in range(150)]
        record_many(Actor("u-staff", ("staff",)), "read", "client", codes + codes[:5])
    finally:
        events.unregister("before-call.dynamodb", seen)
    entries = [e for e in AuditEntry.scan() if e.action == "read"]
    assert sorted(str(e.record_id) for e in entries) == codes
    assert operations == ["TransactWriteItems", "TransactWriteItems"]
