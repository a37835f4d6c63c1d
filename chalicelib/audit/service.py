"""The one audit helper every area calls for each read or change of client or
money data. Entries hold identifiers only (a client code, a record id), never
names, amounts or addresses."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.audit.models import AuditEntry


@dataclass(frozen=True)
class Actor:
    """Who acts: a user id (never a password or token) and their roles."""

    user_id: str
    roles: tuple[str, ...] = ()


SYSTEM = Actor("system", ("system",))


def _entry(actor: Actor, action: str, record_type: str, record_id: str) -> AuditEntry:
    now = datetime.now(UTC)
    return AuditEntry(
        now.strftime("%Y-%m-%d"),
        f"{now.isoformat(timespec='microseconds')}#{secrets.token_hex(4)}",
        actor=actor.user_id,
        roles=",".join(actor.roles) or "-",
        action=action,
        record_type=record_type,
        record_id=record_id or "-",
    )


def record(actor: Actor, action: str, record_type: str, record_id: str) -> None:
    """Append one audit entry, e.g. `record(actor, "read", "client", "K-2025-031")`."""
    _entry(actor, action, record_type, record_id).save(
        condition=AuditEntry.entry_id.does_not_exist())


def record_many(actor: Actor, action: str, record_type: str,
                record_ids: list[str]) -> None:
    """One entry per record in a batch (a page that shows several clients)."""
    ids = sorted(set(record_ids))
    if not ids:
        return
    with AuditEntry.batch_write() as batch:
        for record_id in ids:
            batch.save(_entry(actor, action, record_type, record_id))


def entry_write(actor: Actor, action: str, record_type: str,
                record_id: str) -> Callable[[Any], None]:
    """The same entry as a write for a caller's transaction (no extra request)."""
    entry = _entry(actor, action, record_type, record_id)
    return lambda tx: tx.save(entry, condition=AuditEntry.entry_id.does_not_exist())


def recent(limit: int = 100, days: int = 7) -> list[AuditEntry]:
    """The newest entries first, looking back at most `days` days."""
    today = datetime.now(UTC).date()
    entries: list[AuditEntry] = []
    for back in range(days):
        day = (today - timedelta(days=back)).isoformat()
        remaining = limit - len(entries)
        entries.extend(AuditEntry.query(day, scan_index_forward=False, limit=remaining))
        if len(entries) >= limit:
            break
    return entries
