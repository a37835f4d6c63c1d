"""The one audit helper every area calls for each read or change of client or
money data. Entries hold identifiers only (a client code, a record id), never
names, amounts or addresses."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from pynamodb.exceptions import PutError

from chalicelib.audit.models import AuditEntry
from chalicelib.db import is_condition_failure
from chalicelib.errors import N_


class Actor(NamedTuple):
    """Who acts: a user id (never a password or token) and their roles."""

    user_id: str
    roles: tuple[str, ...] = ()


SYSTEM = Actor("system", ("system",))
TRANSACTION_LIMIT = 100  # DynamoDB's most items in one TransactWriteItems


FIELDS = ("day", "entry_id", "actor", "roles", "action", "record_type", "record_id")


def digest_of(entry: AuditEntry) -> str:
    """The SHA-256 of an entry's fields (what its `digest` must say)."""
    text = "\x1f".join(str(getattr(entry, name)) for name in FIELDS)
    return hashlib.sha256(text.encode()).hexdigest()


def _entry(actor: Actor, action: str, record_type: str, record_id: str) -> AuditEntry:
    now = datetime.now(UTC)
    entry = AuditEntry(
        now.strftime("%Y-%m-%d"),
        f"{now.isoformat(timespec='microseconds')}#{secrets.token_hex(4)}",
        actor=actor.user_id,
        roles=",".join(actor.roles) or "-",
        action=action,
        record_type=record_type,
        record_id=record_id or "-",
    )
    entry.digest = digest_of(entry)
    return entry


def record(actor: Actor, action: str, record_type: str, record_id: str) -> None:
    """Append one audit entry, e.g. `record(actor, "read", "client", "K-2025-031")`."""
    try:
        _entry(actor, action, record_type, record_id).save(
            condition=AuditEntry.entry_id.does_not_exist())
    except PutError as error:
        # The id is new (time + random): only our own first attempt, whose
        # answer was lost and which botocore sent again, can have written it.
        if not is_condition_failure(error):
            raise


def record_many(actor: Actor, action: str, record_type: str,
                record_ids: list[str]) -> None:
    """One entry per record (a page that shows several clients), written in
    transactions of at most 100 conditional puts: never BatchWriteItem, which
    the Lambda role may not use on the audit table (it could overwrite)."""
    from chalicelib.db import transaction

    ids = sorted(set(record_ids))
    for start in range(0, len(ids), TRANSACTION_LIMIT):
        token = secrets.token_hex(16)  # a retry after a lost answer is one write
        with transaction(client_request_token=token) as tx:
            for record_id in ids[start:start + TRANSACTION_LIMIT]:
                tx.save(_entry(actor, action, record_type, record_id),
                        condition=AuditEntry.entry_id.does_not_exist())


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


# Audit actions as the viewer names them; an action not listed shows its id.
ACTIONS = {
    "read": N_("Read"),
    "create": N_("Created"),
    "update": N_("Changed"),
    "delete": N_("Deleted"),
    "approve": N_("Approved"),
    "reject": N_("Rejected"),
    "reverse": N_("Reversed"),
    "cancel": N_("Cancelled"),
    "anonymise": N_("Anonymised"),
    "export": N_("Exported"),
    "login": N_("Logged in"),
    "logout": N_("Logged out"),
    "login_failed": N_("Failed login"),
    "login_delayed": N_("Login delayed"),
    "role_change": N_("Roles changed"),
    "user_removed": N_("User removed"),
}
# What kind of record an entry touched, as the viewer names it; a type not
# listed shows as stored.
RECORD_TYPES = {
    "allocation_view": N_("Allocation view"),
    "annual_report": N_("Annual figures"),
    "audit": N_("Audit log"),
    "campaign": N_("Campaign"),
    "cash_box": N_("Cash box"),
    "cash_topup": N_("Cash box top-up"),
    "client": N_("Client"),
    "count_link": N_("Link to confirm free places"),
    "disbursement": N_("Payment to a client"),
    "disbursement_report": N_("Emergency cash report"),
    "donation": N_("Online donation"),
    "donor": N_("Donor"),
    "gift": N_("Offline gift"),
    "hold": N_("Bed hold"),
    "inkind_assembly": N_("Kits assembled"),
    "inkind_receipt": N_("In-kind gift received"),
    "ledger": N_("Fund ledger"),
    "login": N_("Login"),
    "opening": N_("Opening balance"),
    "outbox": N_("Mail"),
    "pledge": N_("In-kind pledge"),
    "referral": N_("Referral"),
    "referral_offer": N_("Referral offer"),
    "referral_offers": N_("Referral offers"),
    "session": N_("Session"),
    "shelter": N_("Shelter"),
    "shelter_address": N_("Shelter address"),
    "stay": N_("Stay"),
    "stripe_event": N_("Stripe event"),
    "tax-request": N_("Tax deduction request"),
    "thank_you_list": N_("Thank-you list"),
    "retention-run": N_("Retention run"),
    "user": N_("User"),
    "vipps_charge": N_("Vipps monthly charge"),
    "vipps_event": N_("Vipps event"),
    "vipps_settlement": N_("Vipps settlement"),
    "volunteer": N_("Volunteer (person)"),
    "volunteer-clearance": N_("Volunteer clearance"),
    "volunteer-task": N_("Volunteer task"),
}

@dataclass(frozen=True)
class Filters:
    """What the audit viewer asks for; empty strings match anything."""

    first_day: str  # YYYY-MM-DD (UTC days, as stored)
    last_day: str
    actor: str = ""
    action: str = ""
    record: str = ""  # a record type, a record id, or "type id"

    MAX_DAYS = 93

    def days(self) -> list[str]:
        first = datetime.fromisoformat(self.first_day).date()
        last = datetime.fromisoformat(self.last_day).date()
        count = (last - first).days + 1
        return [(last - timedelta(days=n)).isoformat() for n in range(count)]


def parse_filters(query: dict[str, str], today: Any = None) -> Filters:
    """The viewer's query string, checked: a period of at most 93 days
    (the last 7 by default)."""
    from chalicelib.errors import N_, ValidationFailed

    today = today or datetime.now(UTC).date()
    fields, days = {}, {}
    for name, default in (("from", today - timedelta(days=6)), ("to", today)):
        text = (query.get(name) or "").strip()
        try:
            days[name] = datetime.fromisoformat(text).date() if text else default
        except ValueError:
            fields[name] = N_("Give a date as YYYY-MM-DD.")
    if not fields and days["from"] > days["to"]:
        fields["from"] = N_("The first day must not be after the last.")
    if not fields and (days["to"] - days["from"]).days >= Filters.MAX_DAYS:
        fields["from"] = N_("Choose a period of at most 93 days.")
    if fields:
        raise ValidationFailed(fields)
    return Filters(days["from"].isoformat(), days["to"].isoformat(),
                   (query.get("actor") or "").strip(),
                   (query.get("action") or "").strip(),
                   (query.get("record") or "").strip())


def _matches(entry: AuditEntry, filters: Filters) -> bool:
    if filters.actor and filters.actor.lower() not in str(entry.actor).lower():
        return False
    if filters.action and entry.action != filters.action:
        return False
    if filters.record:
        words = filters.record.split()
        shown = {str(entry.record_type), str(entry.record_id),
                 f"{entry.record_type} {entry.record_id}"}
        return " ".join(words) in shown
    return True


def search(filters: Filters, limit: int = 500) -> tuple[list[AuditEntry], bool]:
    """Entries matching `filters`, newest first, one Query per day; True when
    there were more than `limit`."""
    found: list[AuditEntry] = []
    for day in filters.days():
        for entry in AuditEntry.query(day, scan_index_forward=False):
            if _matches(entry, filters):
                found.append(entry)
                if len(found) > limit:
                    return found[:limit], True
    return found, False
