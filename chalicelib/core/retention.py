"""Retention: client-linked records are anonymised once a client has been
inactive for `RETENTION_CLIENT_MONTHS` (default 24) months.

Anonymising keeps every statistic and money total: the client code is
replaced, in every record of that client, by one token (`ANON-` and 16 hex
digits of an HMAC of the code under the stage's secret key; one-way, and the
same token in every record, so "distinct clients" counts do not change), and
free text (notes, reasons) is removed. Amounts, dates, funds, shelters and
the maintained totals are left as they are. Bridging dates (when the welfare
office is expected to pay) have no statistical use and are deleted.

The client's last activity is the newest date among their disbursements,
holds, stays (an open stay or a pending disbursement is activity now) and
in-kind distributions. A legal hold on a client code (an admin sets it, e.g.
while the police investigate) stops anonymisation until it is lifted.

The nightly job (`nightly_retention` in app.py) runs once per Oslo day
through `core.jobs.run_once`; its result holds counts only and one audit
entry records the run. Every write is conditional on the record still
holding the code, so a run that races a new record or a second run changes
nothing twice.
"""
from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from chalicelib.config import ConfigError, env_str
from chalicelib.core.clock import now_utc, oslo_date

JOB = "retention"
ANON_PREFIX = "ANON-"
DEFAULT_MONTHS = 24


def retention_months() -> int:
    raw = env_str("RETENTION_CLIENT_MONTHS", str(DEFAULT_MONTHS))
    if not raw.isdigit() or not 6 <= int(raw) <= 240:
        raise ConfigError("RETENTION_CLIENT_MONTHS must be a whole number of months "
                          f"from 6 to 240, got {raw!r}")
    return int(raw)


def cutoff(now: datetime, months: int) -> datetime:
    """`months` months before `now` (30.44 days a month: a day either way
    does not matter for a two-year period)."""
    return now - timedelta(days=round(months * 30.44))


def token_for(code: str) -> str:
    """The one-way token that replaces `code` in anonymised records."""
    from chalicelib.config import get_settings
    from chalicelib.core.secrets import get_secret

    key = get_secret("secret-key", get_settings().secret_key).encode()
    digest = hmac.new(key, b"retention:" + code.encode(), hashlib.sha256).hexdigest()
    return ANON_PREFIX + digest[:16].upper()


def is_anonymised(code: str | None) -> bool:
    return str(code or "").startswith(ANON_PREFIX)


@dataclass
class _Client:
    last_activity: datetime | None = None
    active: bool = False  # an open stay or a pending payment
    records: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))

    def saw(self, kind: str, record: Any, *moments: datetime | None) -> None:
        self.records[kind].append(record)
        for moment in moments:
            if moment is not None and (self.last_activity is None
                                       or moment > self.last_activity):
                self.last_activity = moment


def _clients(now: datetime) -> dict[str, _Client]:
    """Every client code still in a record, with its records and last activity.
    A full read of four tables: a nightly job, never a request."""
    from chalicelib.disbursements.models import Bridging, Disbursement
    from chalicelib.inkind.models import StockMovement
    from chalicelib.shelters.models import Hold, Stay

    clients: dict[str, _Client] = defaultdict(_Client)  # a payout to come: active
    for payment in Disbursement.scan():
        if is_anonymised(payment.client_code):
            continue
        client = clients[str(payment.client_code)]
        client.saw("disbursement", payment, payment.created_at, payment.paid_at,
                   payment.decided_at)
        client.active |= payment.status == "pending"
    for hold in Hold.scan():
        if not is_anonymised(hold.client_code):
            clients[str(hold.client_code)].saw("hold", hold, hold.created_at,
                                               hold.expires_at)
    for stay in Stay.scan():
        if is_anonymised(stay.client_code):
            continue
        client = clients[str(stay.client_code)]
        client.saw("stay", stay, stay.started_at, stay.ended_at)
        client.active |= stay.ended_at is None
    for movement in StockMovement.scan(StockMovement.recipient_type == "client"):
        if not is_anonymised(movement.recipient_id):
            clients[str(movement.recipient_id)].saw("distribution", movement,
                                                    movement.created_at)
    for bridging in Bridging.scan():
        client = clients[str(bridging.client_code)]
        client.saw("bridging", bridging, bridging.updated_at)
        client.active |= str(bridging.expected_payout) >= oslo_date(now).isoformat()
    return clients


def _anonymise(code: str, token: str, records: dict[str, list[Any]]) -> dict[str, int]:
    """Replace `code` by `token` in each record, each write conditional on the
    record still holding `code`; the counts of records changed per kind."""
    from pynamodb.exceptions import DeleteError, UpdateError

    from chalicelib.db import is_condition_failure
    from chalicelib.disbursements.models import Bridging, Disbursement
    from chalicelib.inkind.models import StockMovement
    from chalicelib.shelters.models import Hold, Stay

    changes: dict[str, tuple[Any, list[Any]]] = {
        "disbursement": (Disbursement.client_code,
                         [Disbursement.note.remove(), Disbursement.reason.remove()]),
        "hold": (Hold.client_code, []),
        "stay": (Stay.client_code, []),
        "distribution": (StockMovement.recipient_id, []),
    }
    done: dict[str, int] = defaultdict(int)
    for kind, items in records.items():
        for item in items:
            try:
                if kind == "bridging":
                    item.delete(condition=Bridging.client_code.exists())
                else:
                    attribute, extra = changes[kind]
                    item.update(actions=[attribute.set(token), *extra],
                                condition=attribute == code)
            except (UpdateError, DeleteError) as error:
                if is_condition_failure(error):
                    continue  # changed meanwhile: the next run looks again
                raise
            done[kind] += 1
    return dict(done)


def held_codes() -> set[str]:
    from chalicelib.core.models import LegalHold

    return {str(hold.client_code) for hold in LegalHold.scan()}


def anonymise_inactive(now: datetime | None = None,
                       months: int | None = None) -> dict[str, Any]:
    """Anonymise every client inactive for `months`; counts only in the result."""
    now = now or now_utc()
    limit = cutoff(now, months if months is not None else retention_months())
    held = held_codes()
    result: dict[str, Any] = {"clients": 0, "held": 0, "records": {}}
    records: dict[str, int] = defaultdict(int)
    for code, client in sorted(_clients(now).items()):
        last = client.last_activity
        if client.active or last is None or last >= limit:
            continue
        if code in held:
            result["held"] += 1
            continue
        for kind, count in _anonymise(code, token_for(code), client.records).items():
            records[kind] += count
        result["clients"] += 1
    result["records"] = dict(sorted(records.items()))
    return result


def nightly(now: datetime | None = None) -> Any:
    """The scheduled run: once per Oslo day, one audit entry per run."""
    from chalicelib.audit.service import SYSTEM, record
    from chalicelib.core.jobs import run_once

    moment = now or now_utc()
    period = oslo_date(moment).isoformat()

    def work() -> dict[str, Any]:
        result = anonymise_inactive(moment)
        record(SYSTEM, "anonymise", "retention-run", period)
        return result

    return run_once(JOB, period, work, now=moment)


# Legal holds -----------------------------------------------------------------


def place_hold(code: str, actor: Any) -> str:
    """Stop anonymisation of `code` (normalised); the hold and its audit entry
    are one transaction. Placing it twice changes nothing."""
    from chalicelib.clients import normalise_client_code
    from chalicelib.core.models import LegalHold
    from chalicelib.errors import N_, ValidationFailed
    from chalicelib.uow import REPLAY, UnitOfWork

    normal = normalise_client_code(code)
    if normal is None:
        raise ValidationFailed(
            fields={"client_code": N_("Use a client code like K-2025-031.")})
    uow = UnitOfWork(actor, ("legal-hold", "client", normal))
    uow.save(LegalHold(normal, placed_by=actor.user_id, placed_at=now_utc()),
             condition=LegalHold.client_code.does_not_exist(), on_fail=REPLAY)
    uow.commit()
    return normal


def lift_hold(code: str, actor: Any) -> None:
    from chalicelib.core.models import LegalHold
    from chalicelib.uow import REPLAY, UnitOfWork

    uow = UnitOfWork(actor, ("lift-legal-hold", "client", code))
    uow.delete(LegalHold(code), condition=LegalHold.client_code.exists(),
               on_fail=REPLAY)
    uow.commit()


def holds() -> Iterable[Any]:
    from chalicelib.core.models import LegalHold

    return sorted(LegalHold.scan(), key=lambda hold: str(hold.client_code))
