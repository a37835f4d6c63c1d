"""A tamper-evident audit log: each entry carries the SHA-256 of its fields,
and each UTC day is sealed the night after by one `AuditSeal` holding the
count of the day's entries, the hash over their digests in order, and the
previous day's seal hash. The seals form one chain, so

- an edited entry no longer matches its digest,
- a deleted (or added) entry changes its day's count and hash,
- a deleted or rewritten seal breaks the chain at the next seal.

Entries are never updated or deleted by the application; the Lambda role is
not allowed to (infra). `verify()` checks it all; the nightly job
(`audit_seal` in app.py) seals yesterday, verifies the last `VERIFY_DAYS`
days and the whole chain, and on any finding logs it (days and entry ids,
never data), emits `AuditTampered` (an alarm) and fails.
`make audit-verify` runs the full check by hand, against a stack too.

A single entry's digest is no signature: someone who may write the table can
write a new entry with a correct digest. What they cannot do without showing
is change or remove an entry of a sealed day.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.audit.models import AuditEntry, AuditSeal
from chalicelib.audit.service import digest_of
from chalicelib.core.clock import now_utc

log = logging.getLogger("ngo.audit")
JOB = "audit-seal"
VERIFY_DAYS = 7


def _day_hash(day: str) -> tuple[int, str, list[str]]:
    """Count, hash over the digests in entry order, and the ids of entries
    whose digest does not match their fields."""
    chained = hashlib.sha256()
    count, edited = 0, []
    for entry in AuditEntry.query(day, consistent_read=True):
        count += 1
        if entry.digest is not None and entry.digest != digest_of(entry):
            edited.append(str(entry.entry_id))
        chained.update(str(entry.digest or digest_of(entry)).encode())
    return count, chained.hexdigest(), edited


def _seal_hash(day: str, count: int, entries_hash: str, previous: str) -> str:
    text = f"{day}|{count}|{entries_hash}|{previous}"
    return hashlib.sha256(text.encode()).hexdigest()


def _last_seal_before(day: str) -> AuditSeal | None:
    seals = [seal for seal in AuditSeal.scan() if seal.day < day]
    return max(seals, key=lambda seal: seal.day) if seals else None


def seal_day(day: str, now: datetime | None = None) -> bool:
    """Seal `day` (YYYY-MM-DD); False when it was sealed before."""
    from chalicelib.db import put_if_absent

    count, entries_hash, _ = _day_hash(day)
    before = _last_seal_before(day)
    previous = str(before.seal_hash) if before else ""
    return put_if_absent(AuditSeal(
        day, entries=count, entries_hash=entries_hash, previous=previous,
        seal_hash=_seal_hash(day, count, entries_hash, previous),
        sealed_at=now or now_utc()))


@dataclass
class Findings:
    days_checked: int = 0
    seals: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {"days_checked": self.days_checked, "seals": self.seals,
                "problems": self.problems}


def verify(since: date | None = None) -> Findings:
    """Check the seal chain, and each sealed day from `since` (all when None)
    against its entries."""
    findings = Findings()
    previous = ""
    for seal in sorted(AuditSeal.scan(), key=lambda s: s.day):
        findings.seals += 1
        day = str(seal.day)
        if seal.previous != previous or seal.seal_hash != _seal_hash(
                day, int(seal.entries), str(seal.entries_hash), str(seal.previous)):
            findings.problems.append({"day": day, "problem": "chain_broken"})
        previous = str(seal.seal_hash)
        if since is not None and day < since.isoformat():
            continue
        findings.days_checked += 1
        count, entries_hash, edited = _day_hash(day)
        if edited:
            findings.problems.append({"day": day, "problem": "entry_edited",
                                      "entries": edited})
        if count != seal.entries:
            findings.problems.append({"day": day, "problem": "entries_missing"
                                      if count < seal.entries else "entries_added",
                                      "sealed": int(seal.entries), "found": count})
        elif entries_hash != seal.entries_hash and not edited:
            findings.problems.append({"day": day, "problem": "entries_replaced"})
    return findings


class AuditTampered(Exception):
    """The audit log no longer matches its seals (the details are logged)."""


def nightly(now: datetime | None = None) -> Any:
    """Seal yesterday (UTC), verify the last days; fail loudly on findings."""
    from chalicelib.core.jobs import run_once
    from chalicelib.core.metrics import emit

    moment = now or now_utc()
    yesterday = (moment.date() - timedelta(days=1)).isoformat()

    def work() -> dict[str, Any]:
        sealed = seal_day(yesterday, moment)
        findings = verify(since=moment.date() - timedelta(days=VERIFY_DAYS))
        emit("AuditTampered", len(findings.problems))
        if not findings.ok:
            log.error("audit log does not match its seals: %s", findings.problems)
            raise AuditTampered()
        return {"sealed": yesterday if sealed else None, **findings.as_dict()}

    return run_once(JOB, yesterday, work, now=moment)
