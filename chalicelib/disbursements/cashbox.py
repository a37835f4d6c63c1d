"""Petty-cash boxes. A box is an account of the ledger (a Fund item of kind
"cash_box"): top-ups move money from its source fund into it, cash payments
take money out of it (never below zero), counts compare cash with the books."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from chalicelib import privacy
from chalicelib.audit.service import Actor
from chalicelib.disbursements.models import CashCount
from chalicelib.errors import N_, Conflict, ValidationFailed
from chalicelib.funds.admin import FUND_ID, FundExists, forget_cached_funds
from chalicelib.funds.models import Fund
from chalicelib.funds.service import (
    FundChanged,
    Posting,
    add_movement,
    get_fund,
    list_funds,
    movement_hash,
    post_movement,
    version_is,
)
from chalicelib.idempotency import Idempotent
from chalicelib.uow import REPLAY, UnitOfWork


def box_id_for(office: str) -> str:
    return f"cashbox-{office}"


def create_box(
    office: str, names: dict[str, str], source_fund: str, actor: Actor
) -> Fund:
    """An office's empty cash box, topped up later from `source_fund`."""
    box_id = box_id_for(office)
    if not FUND_ID.match(office or "") or not FUND_ID.match(box_id):
        raise ValidationFailed({"office": N_("Use lower-case letters and dashes.")})
    source = get_fund(source_fund)
    if source.kind != "fund":
        raise ValidationFailed({"source_fund": N_("Choose an open fund.")})
    box = Fund(
        box_id,
        names=names,
        kind="cash_box",
        source_fund=source_fund,
        restricted=False,
        public=False,
        balance=0,
    )
    uow = UnitOfWork(actor, ("create", "cash_box", box_id))
    uow.save(box, condition=Fund.fund_id.does_not_exist(),
             on_fail=FundExists(fund=box_id))
    uow.commit()
    forget_cached_funds()
    return box


def get_box(box_id: str) -> Fund:
    box = get_fund(box_id)
    if box.kind != "cash_box":
        raise ValidationFailed({"box_id": N_("There is no such cash box.")})
    return box


def list_boxes() -> list[Fund]:
    return list_funds(kind="cash_box")


TOP_UP = "cash_box.top_up"  # the idempotency scope of top-ups


def top_up(
    box_id: str, amount: int, actor: Actor, movement_id: str | None = None,
    idem: Idempotent | None = None,
) -> bool:
    """Move `amount` øre from the box's source fund into the box (no overdraft).
    With `idem` (chalicelib.idempotency) a retry answers the first top-up;
    False when this top-up had been posted before."""
    if amount <= 0:
        raise ValidationFailed({"amount": N_("Give a positive amount.")})
    box = get_box(box_id)
    if idem is not None:
        movement_id = idem.resource_id("topup-")
    movement_id = movement_id or f"topup-{secrets.token_hex(8)}"
    result = post_movement(
        movement_id,
        "cash_topup",
        [Posting(str(box.source_fund), -amount), Posting(box_id, amount)],
        actor,
        reference=box_id,
        request_hash=idem.fingerprint if idem else None,
    )
    if not result.created and idem is not None:
        idem.check(movement_hash(movement_id))
    return result.created


class CountRaced(Conflict):
    code = "count_raced"
    message = N_("Money moved in or out of the box while you counted. Count the "
                 "box again.")


COUNT = "cash_box.count"  # the idempotency scope of counts
REQUESTS = "request#"  # box_id prefix of the copies keyed counts leave
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _earlier_count(idem: Idempotent | None) -> CashCount | None:
    if idem is None or idem.key is None:
        return None
    try:
        found = CashCount.get(REQUESTS + idem.resource_id("count-"), EPOCH)
    except CashCount.DoesNotExist:
        return None
    idem.check(found.request_hash)
    return found


def count(box_id: str, counted: int, actor: Actor, note: str = "",
          idem: Idempotent | None = None) -> tuple[CashCount, bool]:
    """Record a count; a difference is booked on the box so that the books
    show what is really there (the count keeps expected and difference).
    CountRaced when money moved since the box was read: the difference
    would be wrong. With `idem` a retry answers the first count (created
    False) instead of recording a second one."""
    earlier = _earlier_count(idem)
    if earlier is not None:
        return earlier, False
    if counted < 0:
        raise ValidationFailed({"counted": N_("Give the counted amount.")})
    privacy.guard_texts({"note": note}, privacy.STAFF)
    box = get_box(box_id)
    now = datetime.now(UTC)
    expected = int(box.balance)
    version = int(box.version) if box.version is not None else None
    entry = CashCount(
        box_id,
        now,
        counted=counted,
        expected=expected,
        difference=counted - expected,
        actor=actor.user_id,
        note=note.strip()[:200] or None,
    )
    uow = UnitOfWork(actor, ("create", "cash_count", box_id))
    uow.save(entry, condition=CashCount.counted_at.does_not_exist())
    if idem is not None and idem.key is not None:
        copy = CashCount(REQUESTS + idem.resource_id("count-"), EPOCH,
                         **{k: v for k, v in entry.attribute_values.items()
                            if k not in ("box_id", "counted_at")})
        copy.note, copy.request_hash = None, idem.fingerprint
        uow.save(copy, condition=CashCount.box_id.does_not_exist(), on_fail=REPLAY)
    if counted != expected:
        add_movement(uow, f"count-{box_id}-{now.isoformat()}", "cash_count",
                     [Posting(box_id, counted - expected)], reference=box_id,
                     memo="count difference", at=now, unchanged={box_id: version})
    else:
        uow.condition_check(Fund, box_id, condition=version_is(version),
                            on_fail=CountRaced())
    try:
        created = uow.commit()
    except FundChanged:
        raise CountRaced() from None
    if not created:  # the same request, committed before (a lost answer)
        found = _earlier_count(idem)
        return (found or entry), False
    return entry, True


def counts(box_id: str, limit: int = 10) -> list[CashCount]:
    return list(CashCount.query(box_id, scan_index_forward=False, limit=limit))
