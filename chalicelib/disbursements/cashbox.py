"""Petty-cash boxes. A box is an account of the ledger (a Fund item of kind
"cash_box"): top-ups move money from its source fund into it, cash payments
take money out of it (never below zero), counts compare cash with the books."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from chalicelib.audit.service import Actor, record
from chalicelib.db import put_if_absent
from chalicelib.disbursements.models import CashCount
from chalicelib.errors import N_, ValidationFailed
from chalicelib.funds.admin import FUND_ID, FundExists, forget_cached_funds
from chalicelib.funds.models import Fund
from chalicelib.funds.service import Posting, get_fund, list_funds, post_movement


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
    if not put_if_absent(box):
        raise FundExists(fund=box_id)
    forget_cached_funds()
    record(actor, "create", "cash_box", box_id)
    return box


def get_box(box_id: str) -> Fund:
    box = get_fund(box_id)
    if box.kind != "cash_box":
        raise ValidationFailed({"box_id": N_("There is no such cash box.")})
    return box


def list_boxes() -> list[Fund]:
    return list_funds(kind="cash_box")


def top_up(
    box_id: str, amount: int, actor: Actor, movement_id: str | None = None
) -> None:
    """Move `amount` øre from the box's source fund into the box (no overdraft)."""
    if amount <= 0:
        raise ValidationFailed({"amount": N_("Give a positive amount.")})
    box = get_box(box_id)
    movement_id = movement_id or f"topup-{secrets.token_hex(8)}"
    post_movement(
        movement_id,
        "cash_topup",
        [Posting(str(box.source_fund), -amount), Posting(box_id, amount)],
        actor,
        reference=box_id,
    )
    record(actor, "create", "cash_topup", movement_id)


def count(box_id: str, counted: int, actor: Actor, note: str = "") -> CashCount:
    """Record a count; a difference is booked on the box so that the books
    show what is really there (the count keeps expected and difference)."""
    if counted < 0:
        raise ValidationFailed({"counted": N_("Give the counted amount.")})
    box = get_box(box_id)
    now = datetime.now(UTC)
    expected = int(box.balance)
    entry = CashCount(
        box_id,
        now,
        counted=counted,
        expected=expected,
        difference=counted - expected,
        actor=actor.user_id,
        note=note.strip()[:200] or None,
    )
    if counted != expected:
        post_movement(
            f"count-{box_id}-{now.isoformat()}",
            "cash_count",
            [Posting(box_id, counted - expected)],
            actor,
            reference=box_id,
            memo="count difference",
            at=now,
            extra_writes=[lambda tx: tx.save(entry)],
        )
    else:
        entry.save()
    record(actor, "create", "cash_count", box_id)
    return entry


def counts(box_id: str, limit: int = 10) -> list[CashCount]:
    return list(CashCount.query(box_id, scan_index_forward=False, limit=limit))
