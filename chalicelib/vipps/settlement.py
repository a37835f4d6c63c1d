"""Settlement reconciliation: what each line of a Vipps settlement report
means for our books, shown to finance before anything is booked.

A capture is matched to its donation by our ePayment `reference`: a
credited donation is only marked settled; a donation the webhook and the
status check never credited is credited now (crediting's own once-only
transaction). A gift to the Vipps number (no donation of ours) is matched to
a fund by its message: a word that is a fund's or campaign's id. An offline
gift finance recorded already with the same transaction id is settled, not
credited again. Anything else waits in finance's queue with its reason.
Each payment's fee is an expense of the fund finance chooses.

A line is keyed by Vipps's pspReference (`settlement_lines`), and a booked
line is kept (`SettlementLine`): a line seen again, in the same report, the
other source or a later import, is a duplicate and changes nothing."""

from __future__ import annotations

import json
import re
import secrets
from datetime import UTC, datetime
from typing import Any, NamedTuple

from chalicelib.audit.service import Actor
from chalicelib.donations.models import Campaign, Donation
from chalicelib.errors import N_, NotFound
from chalicelib.funds.service import get_fund, list_funds
from chalicelib.gifts.csvfile import RowError
from chalicelib.gifts.models import Gift
from chalicelib.gifts.service import gift_key
from chalicelib.uow import UnitOfWork
from chalicelib.vipps.settlement_lines import Line, line_key
from chalicelib.vipps.settlement_models import SettlementImport, SettlementLine

# What booking will do with a line
SETTLE, CREDIT_DONATION, CREDIT_GIFT = "settle", "credit_donation", "credit_gift"
QUEUE, DUPLICATE, INFO = "queue", "duplicate", "info"
MATCHED = (SETTLE, CREDIT_DONATION, CREDIT_GIFT)
# entry types that move no gift: the day's fee sum and the payout
INFO_TYPES = {"fees-retained", "fees-invoiced", "scheduled-for-payout"}
REASONS = {
    "unknown": N_("No donation has this reference, and the message names no "
                  "fund or campaign."),
    "amount": N_("The amount differs from the donation's."),
    "currency": N_("The currency is not NOK."),
    "refund": N_("The refund has not been recorded on the donation."),
    "type": N_("This kind of line is not booked by the import."),
    "not_positive": N_("A sale of zero or less."),
}
BOOKED_BEFORE = N_("Booked by an earlier import.")
TWICE = N_("The same transaction appears twice in this report.")
_WORD = re.compile(r"[a-z0-9][a-z0-9-]*[a-z0-9]|[a-z0-9]")


class SettlementNotFound(NotFound):
    code = "settlement_not_found"
    message = N_("There is no such settlement preview.")


class Plan(NamedTuple):
    action: str
    reason: str = ""  # a msgid
    target: str = ""  # donation id, gift key or fund id


class Known(NamedTuple):
    """What the books already hold for a report's lines (one read each)."""

    lines: set[str]
    donations: dict[str, Donation]
    gifts: dict[str, Gift]
    message_funds: dict[str, str]  # word -> fund id


def _batch(model: Any, keys: set[str]) -> list[Any]:
    return list(model.batch_get(sorted(k for k in keys if k))) if keys else []


def known_for(lines: list[Line]) -> Known:
    keys = {line.key for line in lines} | {line_key("fee", line.psp)
                                           for line in lines if line.fee}
    booked = {item.line_key for item in _batch(SettlementLine, keys)}
    references = {line.reference for line in lines if line.reference}
    donations = {str(d.donation_id): d for d in _batch(Donation, references)}
    gift_keys = {gift_key("vipps", line.psp) for line in lines
                 if line.kind == "capture"}
    gifts = {str(g.gift_key): g for g in _batch(Gift, gift_keys)}
    return Known(booked, donations, gifts, message_funds())


def message_funds() -> dict[str, str]:
    """Words a donor may write in the Vipps message to choose a fund: each
    active fund's id and each active campaign's id (its fund)."""
    words = {fund.fund_id.lower(): fund.fund_id for fund in list_funds()}
    for campaign in Campaign.scan(Campaign.active == True):  # noqa: E712 - a few
        words.setdefault(str(campaign.campaign_id).lower(), str(campaign.fund_id))
    return words


def fund_in_message(message: str, words: dict[str, str]) -> str | None:
    for word in _WORD.findall(message.lower()):
        if word in words:
            return words[word]
    return None


def plan_line(line: Line, known: Known, seen: set[str]) -> Plan:
    """What booking does with one line, given the books and the keys of the
    report's lines before it."""
    if line.key in known.lines:
        return Plan(DUPLICATE, BOOKED_BEFORE)
    if line.key in seen:
        return Plan(DUPLICATE, TWICE)
    if line.kind == "fee":
        return Plan(INFO)
    if line.kind == "other":
        return Plan(INFO) if line.entry_type in INFO_TYPES else Plan(QUEUE, "type")
    if line.currency != "NOK":
        return Plan(QUEUE, "currency")
    if line.kind == "refund":
        return _plan_refund(line, known)
    return _plan_capture(line, known)


def _plan_capture(line: Line, known: Known) -> Plan:
    if line.amount <= 0:
        return Plan(QUEUE, "not_positive")
    donation = known.donations.get(line.reference)
    if donation is not None and donation.channel == "vipps":
        if int(donation.amount) != line.amount:
            return Plan(QUEUE, "amount", str(donation.donation_id))
        action = SETTLE if donation.credited else CREDIT_DONATION
        return Plan(action, "", str(donation.donation_id))
    gift = known.gifts.get(gift_key("vipps", line.psp))
    if gift is not None:
        if int(gift.amount) != line.amount:
            return Plan(QUEUE, "amount", str(gift.gift_key))
        return Plan(SETTLE, "", str(gift.gift_key))
    fund = fund_in_message(line.message, known.message_funds)
    return Plan(CREDIT_GIFT, "", fund) if fund else Plan(QUEUE, "unknown")


def _plan_refund(line: Line, known: Known) -> Plan:
    donation = known.donations.get(line.reference)
    if (donation is not None and donation.credited
            and int(donation.refunded) >= abs(line.amount)):
        return Plan(SETTLE, "", str(donation.donation_id))
    return Plan(QUEUE, "refund", str(donation.donation_id) if donation else "")


def fees_to_book(lines: list[Line], known: Known) -> dict[str, int]:
    """fee key -> øre: each payment's fee not booked before, once."""
    fees: dict[str, int] = {}
    for line in lines:
        key = line_key("fee", line.psp)
        if line.fee and key not in known.lines and key not in fees:
            fees[key] = line.fee
    return fees


def plan(lines: list[Line]) -> tuple[list[tuple[Line, Plan]], dict[str, int]]:
    """Every line with its plan, and the fees to book, from fresh reads."""
    known = known_for(lines)
    planned: list[tuple[Line, Plan]] = []
    seen: set[str] = set()
    for line in lines:
        planned.append((line, plan_line(line, known, seen)))
        seen.add(line.key)
    return planned, fees_to_book(lines, known)


def line_json(line: Line, step: Plan) -> dict[str, Any]:
    return {**line._asdict(), "action": step.action, "reason": step.reason,
            "target": step.target}


def preview(lines: list[Line], errors: list[RowError], fee_fund_id: str,
            actor: Actor, source: str, ledger_date: str | None = None,
            ) -> SettlementImport:
    """Match a report's lines and keep the result as a preview (audited);
    nothing is booked."""
    get_fund(fee_fund_id)
    planned, fees = plan(lines)
    rows = [line_json(line, step) for line, step in planned]
    draft = SettlementImport(
        secrets.token_hex(8), source=source, ledger_date=ledger_date,
        fee_fund_id=fee_fund_id,
        lines=json.dumps(rows),
        errors=json.dumps([error.__dict__ for error in errors]),
        summary=json.dumps({**summary_of(rows), "fees": sum(fees.values())}),
        created_by=actor.user_id, created_at=datetime.now(UTC))
    uow = UnitOfWork(actor, ("create", "vipps_settlement", draft.import_id))
    uow.save(draft)
    uow.commit()
    return draft


def get_preview(import_id: str) -> SettlementImport:
    try:
        return SettlementImport.get(import_id)
    except SettlementImport.DoesNotExist:
        raise SettlementNotFound() from None


def stored_lines(draft: SettlementImport) -> list[Line]:
    fields = Line._fields
    return [Line(**{name: row[name] for name in fields})
            for row in json.loads(draft.lines)]


def summary_of(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts and øre per group, as the preview and the result show them."""
    def group(actions: tuple[str, ...]) -> list[dict[str, Any]]:
        return [row for row in rows if row["action"] in actions]

    matched = group(MATCHED)
    return {"matched": len(matched),
            "matched_amount": sum(int(row["amount"]) for row in matched),
            "unmatched": len(group((QUEUE,))),
            "duplicates": len(group((DUPLICATE,))),
            "other": len(group((INFO,)))}
