"""State changes of Vipps monthly gifts and their charges, shared by the
webhook (`recurring_events`), the return page, the stop page and the charge
job: each a versioned write in one transaction with the event's record, so
repeated or reordered deliveries change nothing twice.

- `activate`: pending -> active, the next charge due a month after the first
  (the initial charge paid the first month); an ended gift stays ended;
- `end`: -> stopped, expired or rejected, once; off the due index, so no
  charge is made after; a first month never paid is closed unpaid;
- `credit_charge`: a captured charge credits its fund through
  `donations.crediting.credit`, the same ledger transaction as every gift;
- `settle_charge` / `confirm`: the same from Vipps's own answer (GET), for a
  webhook that is late or lost."""

from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib.core.clock import oslo_date
from chalicelib.donations.crediting import (
    VIPPS_WEBHOOK,
    Payment,
    Retry,
    Write,
    credit,
    load_donation,
    transact,
)
from chalicelib.donations.models import Donation, MonthlyGift
from chalicelib.errors import Conflict
from chalicelib.vipps import client, payments, recurring_api
from chalicelib.vipps.agreements import (
    CHARGE_DAY_MAX,
    ENDED,
    load_gift,
    now_text,
)
from chalicelib.vipps.settings import vipps_settings

MAX_ATTEMPTS = 4
# A charge Vipps will not take any more -> the pending donation's status
CHARGE_ENDED = {"FAILED": "failed", "CANCELLED": "cancelled"}
GIFT_ENDED_CHARGE = {"rejected": "aborted", "expired": "expired",
                     "stopped": "cancelled"}


def versioned(gift: MonthlyGift) -> Write:
    """Save with the version read as condition, and bump the version."""
    read = int(gift.version or 0)
    condition = (MonthlyGift.version == read if read
                 else MonthlyGift.subscription_id.does_not_exist())
    gift.version = read + 1
    return lambda tx: tx.save(gift, condition=condition)


def next_period(period: str) -> str:
    year, month = int(period[:4]), int(period[4:6])
    return f"{year + month // 12}{month % 12 + 1:02d}"


def due_day(period: str, charge_day: int) -> date:
    return date(int(period[:4]), int(period[4:6]), charge_day)


def activate(gift: MonthlyGift, extra: list[Write] | None = None,
             today: date | None = None) -> None:
    """A pending gift whose agreement Vipps made ACTIVE becomes active."""
    audit = ("activate", "vipps_agreement", str(gift.agreement_id))
    if gift.status != "pending":
        if extra:
            transact(list(extra), audit, VIPPS_WEBHOOK)
        return
    day = today or oslo_date()
    first_period = str(gift.first_charge or "")[-6:] or day.strftime("%Y%m")
    gift.status, gift.started_at = "active", now_text()
    gift.charge_day = min(day.day, CHARGE_DAY_MAX)
    gift.charged_through = first_period
    gift.next_due = due_day(next_period(first_period), int(gift.charge_day)).isoformat()
    gift.vipps_active = "active"
    transact([versioned(gift), *(extra or [])], audit, VIPPS_WEBHOOK)


def end(gift: MonthlyGift, state: str, extra: list[Write] | None = None) -> None:
    """The agreement was stopped, expired or rejected: the gift ends once,
    no charge is made after; a first month never paid is closed unpaid."""
    audit = (state, "vipps_agreement", str(gift.agreement_id))
    if gift.status in ENDED:
        if extra:
            transact(list(extra), audit, VIPPS_WEBHOOK)
        return
    was_pending = gift.status == "pending"
    gift.status, gift.ended, gift.ended_at = state, True, now_text()
    gift.vipps_active, gift.next_due = None, None
    transact([versioned(gift), *(extra or [])], audit, VIPPS_WEBHOOK)
    if was_pending and gift.first_charge:
        first = load_donation(str(gift.first_charge))
        if int(first.version or 0):
            _close_charge(first, GIFT_ENDED_CHARGE[state])


def _close_charge(donation: Donation, state: str) -> None:
    for _attempt in range(MAX_ATTEMPTS):
        try:
            payments.mark_ended(donation, state)
            return
        except (Retry, Conflict):
            donation = load_donation(str(donation.donation_id))


def credit_charge(event: dict[str, Any], donation: Donation) -> None:
    """Credit a captured monthly charge to its fund, once; the campaign's
    donor count grows only with the first month."""
    gift = load_gift(str(donation.subscription_id or ""))
    first = gift is None or gift.first_charge == donation.donation_id
    credit(event, Payment(
        key=str(donation.donation_id), amount=int(donation.amount), currency="NOK",
        meta=payments.meta_of(donation), email=donation.email, frequency="monthly",
        subscription_id=str(donation.subscription_id or "") or None,
        new_donor=first, channel="vipps"), donation)


def status_event(charge_key: str, amount: int) -> dict[str, Any]:
    """The record a credit from a status check leaves (a webhook's own
    captured event, arriving later, then only records itself)."""
    return {"id": f"vipps-{charge_key}-charge-captured-statuscheck",
            "type": "recurring.charge-captured.v1",
            "data": {"object": {"chargeId": charge_key, "amount": amount}}}


def settle_charge(gift: MonthlyGift, charge_key: str) -> str:
    """Ask Vipps about one charge and act on its answer: 'credited', the
    closed state, 'pending', or 'vipps_away'."""
    for _attempt in range(MAX_ATTEMPTS):
        donation = load_donation(charge_key)
        if not int(donation.version or 0):
            return "unknown"
        if donation.credited or donation.status in payments.CLOSED:
            return str(donation.status)
        try:
            charge = recurring_api.get_charge(str(gift.agreement_id), charge_key)
        except client.VippsError:
            return "vipps_away"
        summary = charge.get("summary") or {}
        captured = summary.get("captured") if isinstance(summary, dict) else 0
        try:
            if charge.get("status") == "CHARGED" or (
                    isinstance(captured, int) and captured >= int(donation.amount)):
                credit_charge(status_event(charge_key, int(donation.amount)), donation)
                return "credited"
            ended = CHARGE_ENDED.get(str(charge.get("status") or ""))
            if ended:
                payments.mark_ended(donation, ended)
                return ended
            return "pending"
        except (Retry, Conflict):
            continue
    return "pending"


def confirm(reference: str) -> str:
    """The return page's look at a gift: 'active', 'pending', an ended
    state, or 'unknown'; activates, ends and credits as Vipps says."""
    for _attempt in range(MAX_ATTEMPTS):
        gift = load_gift(reference)
        if gift is None:
            return "unknown"
        if gift.status in ENDED or vipps_settings().test_flow or not gift.agreement_id:
            return str(gift.status)
        try:
            agreement = recurring_api.get_agreement(str(gift.agreement_id))
        except client.VippsError:
            return str(gift.status)
        state = str(agreement.get("status") or "")
        try:
            if state == "ACTIVE":
                activate(gift)
                settle_charge(gift, str(gift.first_charge))
                return "active"
            if state in ("STOPPED", "EXPIRED"):
                outcome = "expired" if state == "EXPIRED" else (
                    "rejected" if gift.status == "pending" else "stopped")
                end(gift, outcome)
                return outcome
            return str(gift.status)
        except (Retry, Conflict):
            continue
    return "pending"
