"""Emergency cash to clients: validation, the 30-day limit, four eyes, paying
through the ledger (no overdraft), reversals. Nothing is ever deleted."""

from __future__ import annotations

import hashlib
import json
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from chalicelib import privacy
from chalicelib.audit.service import Actor, record
from chalicelib.auth.roles import ADMIN, FINANCE
from chalicelib.clients import normalise_client_code
from chalicelib.disbursements import settings, totals
from chalicelib.disbursements.models import Disbursement, DisbursementTotal
from chalicelib.disbursements.totals import total_writes, waiting_write
from chalicelib.errors import (
    N_,
    Busy,
    Conflict,
    DomainError,
    Forbidden,
    Label,
    Names,
    NotFound,
    ValidationFailed,
)
from chalicelib.funds.admin import cached_fund
from chalicelib.funds.purposes import PURPOSES, fund_pays
from chalicelib.funds.service import FundExhausted, Posting, post_movement
from chalicelib.idempotency import IdempotencyKeyReused, Idempotent, check_key
from chalicelib.money import format_nok
from chalicelib.uow import REPLAY, UnitOfWork, budget_seconds

METHODS = ("cash", "payment_card", "bank_transfer")


class PurposeNotCovered(DomainError):
    code = "purpose_not_covered"
    status = 422
    field = "fund_id"
    message = N_("The fund %(fund)s does not pay for %(purpose)s.")


class ClientLimitExceeded(Conflict):
    code = "client_limit_exceeded"
    field = "amount"
    message = N_(
        "Client %(client)s has received %(total)s in the last 30 days; with this "
        "payment it would pass the limit of %(limit)s. Only finance can override."
    )


class OverrideNotAllowed(Forbidden):
    code = "override_not_allowed"
    message = N_("Only finance can override the 30-day limit.")


class OwnApproval(Forbidden):
    code = "own_approval"
    message = N_("A second person must approve: you logged this disbursement.")


STATUS_LABELS = {"paid": N_("paid"), "pending": N_("pending"),
                 "rejected": N_("rejected"), "reversed": N_("reversed")}


class WrongStatus(Conflict):
    code = "wrong_status"
    message = N_("The disbursement is %(status)s and cannot be changed that way.")

    def __init__(self, status: str) -> None:
        super().__init__(status=Label(STATUS_LABELS.get(status, status)))


class DisbursementNotFound(NotFound):
    code = "disbursement_not_found"
    message = N_("There is no such disbursement.")


class Request(NamedTuple):
    client_code: str
    amount: int
    purpose: str
    method: str
    fund_id: str
    note: str | None = None
    cash_box_id: str | None = None
    override_limit: bool = False

    @property
    def fingerprint(self) -> str:
        data = json.dumps(self._asdict(), sort_keys=True)
        return hashlib.sha256(data.encode()).hexdigest()


def check_client_code(code: str) -> str:
    found = normalise_client_code(code)
    if found is None:
        raise ValidationFailed(
            {"client_code": N_("Use a client code like K-2025-031.")}
        )
    return found


def validate(data: dict) -> Request:
    """A disbursement request from JSON; ValidationFailed names every bad field."""
    fields: dict[str, str] = {}
    amount = data.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        fields["amount"] = N_("Give a whole, positive number of øre.")
    code = normalise_client_code(data.get("client_code")) or ""
    if not code:
        fields["client_code"] = N_("Use a client code like K-2025-031.")
    if data.get("purpose") not in PURPOSES:
        fields["purpose"] = N_("Choose a purpose from the list.")
    if data.get("method") not in METHODS:
        fields["method"] = N_("Choose cash, payment card or bank transfer.")
    note = str(data.get("note") or "").strip()[:300] or None
    if data.get("purpose") == "other" and not note:
        fields["note"] = N_("Say what the money is for.")
    box = str(data.get("cash_box_id") or "").strip() or None
    if box and data.get("method") != "cash":
        fields["cash_box_id"] = N_("Only cash is paid from a cash box.")
    if not str(data.get("fund_id") or "") and not box:
        fields["fund_id"] = N_("Choose a fund.")
    privacy.refuse(fields, privacy.refusals({"note": note}, privacy.STAFF))
    return Request(
        code,
        int(amount or 0),
        str(data["purpose"]),
        str(data["method"]),
        str(data.get("fund_id") or ""),
        note,
        box,
        data.get("override_limit") is True,
    )


def _check_fund(req: Request) -> Request:
    """Resolve the fund whose rules apply (a cash box follows its source)."""
    fund_id = req.fund_id
    if req.cash_box_id:
        box = cached_fund(req.cash_box_id)
        if box.kind != "cash_box":
            raise ValidationFailed({"cash_box_id": N_("There is no such cash box.")})
        if fund_id and fund_id != box.source_fund:
            raise ValidationFailed(
                {"fund_id": N_("Cash from this box is paid from its own fund.")}
            )
        fund_id = str(box.source_fund)
    fund = cached_fund(fund_id)
    if fund.kind != "fund" or not fund.active:
        raise ValidationFailed({"fund_id": N_("Choose an open fund.")})
    if not fund_pays(fund.restricted, fund.purposes, req.purpose):
        raise PurposeNotCovered(fund=Names(fund.names, fund.fund_id),
                                purpose=Label(PURPOSES.get(req.purpose, req.purpose)))
    return req._replace(fund_id=fund_id)


class Window(NamedTuple):
    """What a client has had in the last 30 days, as one Query saw it."""

    since: datetime
    total: int  # øre paid or waiting for approval
    latest_id: str | None  # the newest disbursement seen, of any status


def client_window(client_code: str, now: datetime | None = None) -> Window:
    since = (now or datetime.now(UTC)) - timedelta(days=30)
    rows = list(Disbursement.by_client.query(client_code,
                                             Disbursement.created_at > since))
    total = sum(int(row.amount) for row in rows if row.status in ("paid", "pending"))
    latest = max(rows, key=lambda row: row.created_at, default=None)
    return Window(since, total, latest.disbursement_id if latest else None)


def client_total_30_days(client_code: str, now: datetime | None = None) -> int:
    """Øre paid or waiting for approval to a client in the last 30 days."""
    return client_window(client_code, now).total


class WindowMoved(Exception):
    """Another payment to the same client committed after its window was read."""


def window_write(code: str, window: Window, new_id: str, now: datetime) -> Any:
    """The transaction write that makes `window` the client's latest: it
    fails (WindowMoved) when another disbursement to the client was logged
    since the window was read, so the limit is checked again. The marker is
    keyed by the client's one-way token, never by the code."""
    from chalicelib.core.retention import token_for

    seen = (DisbursementTotal.last_id == window.latest_id if window.latest_id
            else DisbursementTotal.last_at < window.since)

    def write(tx: Any) -> None:
        tx.update(
            DisbursementTotal(CLIENT_MARKERS, token_for(code)),
            actions=[DisbursementTotal.last_id.set(new_id),
                     DisbursementTotal.last_at.set(now),
                     DisbursementTotal.payments.add(1)],
            condition=DisbursementTotal.last_id.does_not_exist() | seen,
            on_fail=WindowMoved,
        )

    return write


CLIENT_MARKERS = "clients"  # the DisbursementTotal partition of client markers


def _check_limit(req: Request, actor: Actor, window: Window) -> bool:
    if req.override_limit and not (FINANCE in actor.roles or ADMIN in actor.roles):
        raise OverrideNotAllowed()
    limit = settings.client_limit_30_days()
    total = window.total
    if total + req.amount <= limit:
        return False
    if not req.override_limit:
        raise ClientLimitExceeded(
            client=req.client_code, total=format_nok(total), limit=format_nok(limit)
        )
    return True


CREATE = "disbursements.create"  # the idempotency scope


def _idempotent(req: Request, actor: Actor, key: str | None) -> Idempotent:
    return Idempotent(CREATE, actor.user_id, check_key(key), req.fingerprint)


def find(disbursement_id: str) -> Disbursement | None:
    try:
        return Disbursement.get(disbursement_id)
    except Disbursement.DoesNotExist:
        return None


def _replay(existing: Disbursement, req: Request) -> tuple[Disbursement, bool]:
    if existing.request_hash != req.fingerprint:
        raise IdempotencyKeyReused()
    return existing, False  # the same request, committed before


def create(
    req: Request, actor: Actor, idempotency_key: str | None = None
) -> tuple[Disbursement, bool]:
    """Log a disbursement: paid at once up to the four-eyes threshold, else
    pending. A retry with the same key returns the first one (created False);
    the key is checked whole (InvalidIdempotencyKey) and scoped to the user."""
    idem = _idempotent(req, actor, idempotency_key)
    disbursement_id = idem.resource_id("d-", 20)
    deadline = time.monotonic() + budget_seconds()
    while True:
        try:
            return _create(req, actor, disbursement_id, idem)
        except WindowMoved:
            # Another payment to this client came first: check the limit again.
            pause = random.uniform(0, 0.05)
            if time.monotonic() + pause > deadline:
                raise Busy() from None
            time.sleep(pause)


def _create(req: Request, actor: Actor, disbursement_id: str,
            idem: Idempotent) -> tuple[Disbursement, bool]:
    try:
        checked = _check_fund(req)
        window = client_window(req.client_code)
        over_limit = _check_limit(checked, actor, window)
    except DomainError:
        existing = find(disbursement_id) if idem.key else None
        if existing:
            return _replay(existing, req)
        raise
    now = datetime.now(UTC)
    item = Disbursement(
        disbursement_id,
        client_code=req.client_code,
        amount=req.amount,
        purpose=req.purpose,
        method=req.method,
        fund_id=checked.fund_id,
        cash_box_id=req.cash_box_id,
        note=req.note,
        over_limit=over_limit,
        request_hash=req.fingerprint,
        created_by=actor.user_id,
        created_at=now,
        status="pending",
    )
    marker = window_write(req.client_code, window, disbursement_id, now)
    if req.amount > settings.four_eyes_threshold():
        item.pending = "pending"
        created = _save_pending(item, actor, marker)
    else:
        created = _pay(item, actor, now, new=True, marker=marker)
    if not created:
        return _replay(Disbursement.get(disbursement_id), req)
    return item, True


def _save_pending(item: Disbursement, actor: Actor, marker: Any) -> bool:
    uow = UnitOfWork(actor, ("create", "disbursement", item.disbursement_id))
    uow.save(item, condition=Disbursement.disbursement_id.does_not_exist(),
             on_fail=REPLAY)
    waiting_write(int(item.amount), 1)(uow)
    marker(uow)
    return uow.commit()


def _pay(item: Disbursement, actor: Actor, now: datetime, new: bool,
         marker: Any = None) -> bool:
    """Move the money in one transaction: ledger, disbursement, totals."""
    item.status, item.paid_at, item.pending = "paid", now, None

    def write_item(tx) -> None:
        if new:
            tx.save(item, condition=Disbursement.disbursement_id.does_not_exist())
        else:
            tx.update(
                item,
                actions=[
                    Disbursement.status.set("paid"),
                    Disbursement.paid_at.set(now),
                    Disbursement.pending.remove(),
                    Disbursement.decided_by.set(actor.user_id),
                    Disbursement.decided_at.set(now),
                ],
                condition=Disbursement.status == "pending",
            )

    result = post_movement(
        item.disbursement_id,
        "disbursement",
        [Posting(item.account, -int(item.amount))],
        actor,
        reference=item.disbursement_id,
        at=now,
        audit=("create" if new else "approve", "disbursement", item.disbursement_id),
        extra_writes=[
            write_item,
            *total_writes(now, item.fund_id, item.purpose, int(item.amount), 1),
            *([] if new else [waiting_write(-int(item.amount), -1)]),
            *([marker] if marker else []),
        ],
    )
    return result.created


def get(disbursement_id: str) -> Disbursement:
    item = find(disbursement_id)
    if item is None:
        raise DisbursementNotFound()
    return item


def approve(disbursement_id: str, actor: Actor) -> Disbursement:
    """A second person (finance or admin) approves: the money leaves now, or
    FundExhausted if the fund cannot pay it any more."""
    item = get(disbursement_id)
    if _decided_by(item, actor, "paid"):
        return item  # this approval, sent again
    if item.status != "pending":
        raise WrongStatus(status=item.status)
    if item.created_by == actor.user_id:
        raise OwnApproval()
    item.decided_by = actor.user_id
    try:
        paid = _pay(item, actor, datetime.now(UTC), new=False)
    except FundExhausted:
        raise
    except Conflict:  # decided by someone else in the meantime
        paid = False
    if not paid:
        current = get(disbursement_id)
        if _decided_by(current, actor, "paid"):
            return current  # committed by a retry of this same request
        raise WrongStatus(status=current.status)
    return item


def _decided_by(item: Disbursement, actor: Actor, status: str) -> bool:
    return item.status == status and item.decided_by == actor.user_id


def reject(disbursement_id: str, actor: Actor, reason: str) -> Disbursement:
    """Refuse a pending disbursement; the reason is required (the person who
    logged it reads it)."""
    if not reason.strip():
        raise ValidationFailed({"reason": N_("Give a reason.")})
    privacy.guard_texts({"reason": reason}, privacy.STAFF)
    item = get(disbursement_id)
    if _decided_by(item, actor, "rejected"):
        return item  # this rejection, sent again
    if item.status != "pending":
        raise WrongStatus(status=item.status)
    if item.created_by == actor.user_id:
        raise OwnApproval()
    now = datetime.now(UTC)
    uow = UnitOfWork(actor, ("reject", "disbursement", disbursement_id))
    uow.update(
        item,
        actions=[
            Disbursement.status.set("rejected"),
            Disbursement.pending.remove(),
            Disbursement.decided_by.set(actor.user_id),
            Disbursement.decided_at.set(now),
            Disbursement.reason.set(reason[:300] or "-"),
        ],
        condition=Disbursement.status == "pending",
        on_fail=lambda: _rejected_before(disbursement_id, actor),
    )
    waiting_write(-int(item.amount), -1)(uow)
    if not uow.commit():
        return get(disbursement_id)
    item.status, item.decided_by, item.reason = "rejected", actor.user_id, reason[:300]
    return item


def _rejected_before(disbursement_id: str, actor: Actor) -> Exception:
    current = get(disbursement_id)
    if _decided_by(current, actor, "rejected"):
        return REPLAY
    return WrongStatus(status=current.status)


def reverse(disbursement_id: str, actor: Actor, reason: str) -> Disbursement:
    """Undo a paid disbursement with a reversing entry; the original stays."""
    if not reason.strip():
        raise ValidationFailed({"reason": N_("Give a reason.")})
    privacy.guard_texts({"reason": reason}, privacy.STAFF)
    item = get(disbursement_id)
    if item.status != "paid":
        raise WrongStatus(status=item.status)
    now = datetime.now(UTC)
    post_movement(
        f"reversal-{disbursement_id}",
        "reversal",
        [Posting(item.account, int(item.amount))],
        actor,
        reference=disbursement_id,
        memo=reason.strip()[:200],
        at=now,
        audit=("reverse", "disbursement", disbursement_id),
        extra_writes=[
            lambda tx: tx.update(
                item,
                actions=[
                    Disbursement.status.set("reversed"),
                    Disbursement.reason.set(reason.strip()[:300]),
                ],
                condition=Disbursement.status == "paid",
            ),
            *total_writes(
                item.paid_at or now, item.fund_id, item.purpose, -int(item.amount), -1
            ),
        ],
    )
    return get(disbursement_id)


def count_pending(limit: int) -> int:
    """How many wait for a second person (the maintained count: one GetItem)."""
    return min(limit, totals.waiting()[0])


def pending(limit: int = 100) -> list[Disbursement]:
    return list(Disbursement.by_pending.query("pending", limit=limit))


def for_client(client_code: str, actor: Actor) -> list[Disbursement]:
    """A client's disbursements, newest first; the read is audit-logged."""
    code = check_client_code(client_code)
    record(actor, "read", "client", code)
    return of_client(code)


def of_client(code: str) -> list[Disbursement]:
    """A (normalised) client code's disbursements, newest first: one index
    query; the caller writes the read's audit entry."""
    return list(Disbursement.by_client.query(code, scan_index_forward=False))
