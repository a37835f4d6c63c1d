"""Booking a settlement preview: each line as planned again from fresh reads,
so a second booking, a second import of the same report, or the webhook
crediting meanwhile changes nothing twice.

- settled and queued lines: their records, up to 90 in one transaction with
  the audit entry;
- a donation still pending: credited through crediting's own transaction
  (once: its version and movement id guard it), then its line recorded;
- a gift to the Vipps number: the offline gift, its ledger movement and the
  line record in one transaction (the gift's key is the transaction id);
- fees: one expense movement of the chosen fund per 90 fees, with each fee's
  record in the same transaction (a fee is keyed by its pspReference)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from chalicelib.audit.service import Actor
from chalicelib.donations.crediting import Retry
from chalicelib.donations.models import Donation
from chalicelib.errors import N_, Conflict, Names, ValidationFailed
from chalicelib.funds.service import FundExhausted, Posting, get_fund, post_movement
from chalicelib.gifts.service import GiftInput, gift_movement_id, new_gift
from chalicelib.money import format_nok
from chalicelib.uow import REPLAY, UnitOfWork
from chalicelib.vipps import settlement as plans
from chalicelib.vipps.settlement_lines import Line, line_key
from chalicelib.vipps.settlement_models import SettlementImport, SettlementLine

CHUNK = 90  # records in one transaction (DynamoDB takes at most 100 items)


class SettlementHasErrors(ValidationFailed):
    code = "settlement_has_errors"
    status = 422
    message = N_("The report has errors; nothing was booked. Fix them and "
                 "upload it again.")


def _record(line: Line, outcome: str, step: plans.Plan, import_id: str,
            actor: Actor) -> SettlementLine:
    queued = outcome == "queued"
    return SettlementLine(
        line.key, kind=line.kind, psp=line.psp, reference=line.reference or None,
        date=line.date, amount=line.amount, fee=line.fee, currency=line.currency,
        name=line.name or None, message=line.message or None, outcome=outcome,
        reason=step.reason or None, target=step.target or None,
        import_id=import_id, queue="open" if queued else None,
        booked_by=actor.user_id, booked_at=datetime.now(UTC))


def _new(record: SettlementLine) -> Any:
    """The condition that `record`'s line was never booked."""
    return SettlementLine.line_key.does_not_exist()


def save_records(records: list[SettlementLine], actor: Actor, import_id: str) -> None:
    """Each record once: in chunks, and one by one when another booking
    wrote some of a chunk first."""
    audit = ("book", "vipps_settlement", import_id)
    for start in range(0, len(records), CHUNK):
        chunk = records[start:start + CHUNK]
        uow = UnitOfWork(actor, audit)
        for record in chunk:
            uow.save(record, condition=_new(record))
        try:
            uow.commit()
        except Conflict:
            for record in chunk:
                single = UnitOfWork(actor, audit)
                single.save(record, condition=_new(record), on_fail=REPLAY)
                single.commit()


def _credit_donation(line: Line, step: plans.Plan, import_id: str,
                     actor: Actor) -> None:
    from chalicelib.vipps.payments import credit_captured

    event = {"id": f"vipps-settlement-{line.psp}",
             "type": "epayments.payment.captured.v1",
             "data": {"object": {"reference": line.reference, "pspReference": line.psp,
                                 "amount": {"currency": "NOK", "value": line.amount}}}}
    outcome = "credited"
    try:
        credit_captured(event, Donation.get(step.target), line.amount)
    except (Retry, Conflict):
        outcome = "settled"  # the webhook or the status check credited it first
    save_records([_record(line, outcome, step, import_id, actor)], actor, import_id)


def _credit_gift(line: Line, step: plans.Plan, import_id: str, actor: Actor) -> None:
    gift = new_gift(GiftInput(step.target, "vipps", line.psp, line.date, line.amount,
                              line.name or None), actor, import_id)
    record = _record(line, "credited", step._replace(target=gift.gift_key),
                     import_id, actor)
    try:
        post_movement(
            gift_movement_id(gift.gift_key), "gift",
            [Posting(step.target, line.amount)], actor, reference=gift.gift_key,
            audit=("create", "gift", gift.gift_key),
            extra_writes=[lambda tx: tx.save(gift, condition=type(gift).gift_key
                                             .does_not_exist()),
                          lambda tx: tx.save(record, condition=_new(record))])
    except Conflict:
        pass  # another booking of the same line won: it is credited once


def _fee_record(key: str, fee: int, line: Line, fund_id: str, import_id: str,
                actor: Actor) -> SettlementLine:
    return SettlementLine(
        key, kind="fee", psp=line.psp, reference=line.reference or None,
        date=line.date, amount=0, fee=fee, currency="NOK", outcome="fee",
        target=fund_id, import_id=import_id, booked_by=actor.user_id,
        booked_at=datetime.now(UTC))


def book_fees(fees: dict[str, int], lines: list[Line], draft: SettlementImport,
              actor: Actor) -> int:
    """The fees as an expense of the chosen fund, each fee once; øre booked."""
    keys, booked = sorted(fees), 0
    for start in range(0, len(keys), CHUNK):
        booked += _book_fee_chunk(keys[start:start + CHUNK], fees, lines, draft, actor)
    return booked


def _book_fee_chunk(chunk: list[str], fees: dict[str, int], lines: list[Line],
                    draft: SettlementImport, actor: Actor) -> int:
    by_key = {line_key("fee", line.psp): line for line in lines}
    for _attempt in range(3):
        if not chunk:
            return 0
        total = sum(fees[key] for key in chunk)
        records = [_fee_record(key, fees[key], by_key[key], str(draft.fee_fund_id),
                               str(draft.import_id), actor) for key in chunk]
        movement = "vipps-fees-" + hashlib.sha256(",".join(chunk).encode()
                                                  ).hexdigest()[:24]
        try:
            result = post_movement(
                movement, "fee", [Posting(str(draft.fee_fund_id), -total)], actor,
                reference=f"vipps-settlement:{draft.import_id}",
                memo=f"Vipps fees, {len(chunk)} payments",
                extra_writes=[_saver(record) for record in records])
        except FundExhausted:
            raise
        except Conflict:  # another booking took some of these fees first
            taken = {item.line_key for item in SettlementLine.batch_get(chunk)}
            chunk = [key for key in chunk if key not in taken]
            continue
        return total if result.created else 0
    raise Conflict()


def _saver(record: SettlementLine) -> Any:
    return lambda tx: tx.save(record, condition=_new(record))


def _check_fee_fund(draft: SettlementImport, fees: dict[str, int]) -> None:
    fund = get_fund(str(draft.fee_fund_id))
    total = sum(fees.values())
    if total > int(fund.balance):
        raise FundExhausted(fund=Names(fund.names, fund.fund_id),
                            balance=format_nok(int(fund.balance)))


def book(import_id: str, actor: Actor) -> SettlementImport:
    """Book a preview as planned now; a booked preview is answered as it is."""
    draft = plans.get_preview(import_id)
    if draft.status == "booked":
        return draft
    if json.loads(draft.errors):
        raise SettlementHasErrors()
    lines = plans.stored_lines(draft)
    planned, fees = plans.plan(lines)
    _check_fee_fund(draft, fees)
    records = []
    for line, step in planned:
        if step.action in (plans.SETTLE, plans.QUEUE):
            outcome = "settled" if step.action == plans.SETTLE else "queued"
            records.append(_record(line, outcome, step, import_id, actor))
        elif step.action == plans.CREDIT_DONATION:
            _credit_donation(line, step, import_id, actor)
        elif step.action == plans.CREDIT_GIFT:
            _credit_gift(line, step, import_id, actor)
    save_records(records, actor, import_id)
    fee_total = book_fees(fees, lines, draft, actor)
    rows = [plans.line_json(line, step) for line, step in planned]
    summary = {**plans.summary_of(rows), "fees": fee_total}
    uow = UnitOfWork(actor, ("book", "vipps_settlement", import_id))
    uow.update(draft, actions=[SettlementImport.status.set("booked"),
                               SettlementImport.lines.set(json.dumps(rows)),
                               SettlementImport.summary.set(json.dumps(summary))],
               condition=SettlementImport.status == "preview", on_fail=REPLAY)
    if not uow.commit():  # a booking at the same time finished first
        return plans.get_preview(import_id)
    draft.status, draft.lines, draft.summary = "booked", json.dumps(rows), json.dumps(
        summary)
    return draft
