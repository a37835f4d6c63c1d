"""Crediting Stripe payments to funds and campaigns, and the writes every
event handler shares: the event's idempotency record, versioned donation
saves, transactions. A refund that arrived before its payment waits on the
donation record and is applied here when the payment is credited."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from pynamodb.expressions.update import Action

from chalicelib.audit.service import SYSTEM, Actor, entry_write
from chalicelib.core.clock import oslo_date_of
from chalicelib.donations.models import (
    Campaign,
    Donation,
    DonationTotal,
    StripeEvent,
    WebhookAttention,
)
from chalicelib.errors import Conflict
from chalicelib.funds.service import Posting, post_movement
from chalicelib.tax import totals as tax_totals
from chalicelib.uow import Audit, UnitOfWork

Write = Callable[[Any], None]  # called with the UnitOfWork
EVENT_DAYS = 90
WEBHOOK = Actor("stripe-webhook", ("system",))
VIPPS_WEBHOOK = Actor("vipps-webhook", ("system",))


class Retry(Exception):
    """Someone else changed the donation since we read it: read it again."""


class Payment(NamedTuple):
    key: str  # donation id: "pi_..." or "in_..." (Stripe), the reference (Vipps)
    amount: int
    currency: str
    meta: dict[str, str]
    email: str | None
    frequency: str
    session_id: str | None = None
    subscription_id: str | None = None
    new_donor: bool = True
    channel: str = "stripe"  # or "vipps"


def now() -> datetime:
    return datetime.now(UTC)


def event_record(event: dict[str, Any]) -> Write:
    moment = now()
    item = StripeEvent(str(event["id"]), event_type=str(event["type"]),
                       handled_at=moment.isoformat(timespec="seconds"),
                       expires=moment + timedelta(days=EVENT_DAYS))
    vipps = str(event["type"]).startswith(("epayments.", "recurring."))
    audit = entry_write(VIPPS_WEBHOOK if vipps else WEBHOOK, str(event["type"]),
                        "vipps_event" if vipps else "stripe_event", str(event["id"]))

    def write(tx: Any) -> None:
        tx.save(item, condition=StripeEvent.event_id.does_not_exist())
        audit(tx)  # the change is audit-logged in the same transaction

    return write


def transact(writes: list[Write], audit: Audit = ("update", "donation", "-"),
             actor: Actor = WEBHOOK) -> None:
    """Writes that move no money, in one unit of work (conflicts, throttling
    and lost answers tried again within the budget, Busy past it; `audit`
    when no write carries its own entry); Retry on a lost race."""
    uow = UnitOfWork(actor, audit)
    for write in writes:
        write(uow)
    try:
        uow.commit()
    except Conflict:  # a write's condition failed: someone changed what we read
        raise Retry() from None



# A donation the webhook read together with its event check (one
# BatchGetItem), taken once by the first load_donation of that key: a retry
# after a conflict reads it again.
_PREREAD: ContextVar[dict[str, Donation | None] | None] = ContextVar(
    "donation_preread", default=None)


def preread(donations: dict[str, Donation | None]) -> None:
    """Offer donations just read (None: there is none) to the next loads."""
    _PREREAD.set(dict(donations))


def seen(event_id: str, donation_key: str | None = None) -> bool:
    """True when the event (Stripe's or Vipps's) was handled before. With
    `donation_key`, the donation is read in the same BatchGetItem and
    offered to the handler's `load_donation`, so a new event that credits
    costs one read and one transaction."""
    if donation_key is None:
        try:
            StripeEvent.get(event_id)
        except StripeEvent.DoesNotExist:
            return False
        return True
    from chalicelib.db import get_by_keys

    stored, donation = get_by_keys([(StripeEvent, event_id), (Donation, donation_key)])
    preread({donation_key: donation})
    return stored is not None


def load_donation(key: str) -> Donation:
    offered = _PREREAD.get()
    if offered and key in offered:
        donation = offered.pop(key)
        return donation if donation is not None else Donation(key, version=0)
    try:
        return Donation.get(key)
    except Donation.DoesNotExist:
        return Donation(key, version=0)


def resolve_donation(key: str) -> Donation:
    """The donation a payment intent belongs to: its own record, or the
    invoice's when the intent paid an invoice (`invoice_payment.paid`)."""
    donation = load_donation(key)
    if donation.alias_of:
        return load_donation(str(donation.alias_of))
    return donation


def versioned_save(donation: Donation) -> Write:
    """Save with the version read as condition, and bump the version."""
    read = int(donation.version or 0)
    condition = (
        Donation.version == read if read else Donation.donation_id.does_not_exist()
    )
    donation.version = read + 1
    return lambda tx: tx.save(donation, condition=condition)


def _campaign_change(campaign_id: str | None, amount: int, donors: int) -> list[Write]:
    if not campaign_id:
        return []
    actions: list[Action] = [Campaign.raised.add(amount), Campaign.donors.add(donors)]
    return [lambda tx: tx.update(Campaign(campaign_id), actions=actions,
                                 condition=Campaign.campaign_id.exists())]


def donor_marker(donation: Donation) -> str:
    """The yearly totals' key of a donor: a digest, never the email."""
    who = (str(donation.email or "").casefold() or str(donation.subscription_id or "")
           or str(donation.donation_id))
    return "donor#" + hashlib.sha256(who.encode()).hexdigest()[:32]


def day_key(donation: Donation) -> str:
    """The day totals' key: the Oslo day the gift was credited (the day the
    donation list and the accountant's export take), fund, channel, campaign."""
    day = oslo_date_of(str(donation.credited_at)).isoformat()
    return "#".join(("day", day, str(donation.fund_id),
                     str(donation.channel), str(donation.campaign_id or "-")))


def _add_to_total(year: str, key: str, count: int, paid: int, back: int) -> Write:
    actions: list[Action] = [DonationTotal.donations.add(count),
                             DonationTotal.amount.add(paid),
                             DonationTotal.refunded.add(back)]
    return lambda tx: tx.update(DonationTotal(year, key), actions=actions)


def _totals_change(donation: Donation, amount: int, refunded: int,
                   new: bool) -> list[Write]:
    """The yearly totals' share of a credit (`new`) or a refund."""
    year = str(oslo_date_of(str(donation.credited_at)).year)  # Oslo's, as its day
    rows = [(day_key(donation), int(new), amount, refunded)]
    if donation.thanks_name:
        rows.append((f"thanks#{donation.thanks_name}", int(new), amount, refunded))
    writes = [_add_to_total(year, key, count, paid, back)
              for key, count, paid, back in rows]
    if new:
        marker = DonationTotal(year, donor_marker(donation))
        writes.append(lambda tx: tx.save(marker))
    return writes


# --- money -----------------------------------------------------------------

def credit(event: dict[str, Any], payment: Payment,
           donation: Donation | None = None) -> None:
    """Credit a paid donation to its fund and campaign, once (`donation`:
    the record as just read, when the caller has it; its version guards)."""
    donation = donation if donation is not None else load_donation(payment.key)
    if donation.credited:
        _apply_refund_or_record(event, donation)
        return
    _fill(donation, payment)
    pending_refund = int(donation.refunded) > 0
    writes = [versioned_save(donation)]
    writes += _campaign_change(donation.campaign_id, payment.amount,
                               1 if payment.new_donor else 0)
    writes += _totals_change(donation, payment.amount, 0, new=True)
    writes += tax_totals.for_donation(donation, payment.amount, 0, new=True)
    if not pending_refund:
        writes.append(event_record(event))
    result = post_movement(
        f"{payment.channel}-{payment.key}", "donation",
        [Posting(str(donation.fund_id), payment.amount)], SYSTEM,
        reference=payment.key, extra_writes=writes, currency=payment.currency,
        memo="Online donation" if payment.channel == "stripe" else "Vipps donation",
    )
    if not result.created:
        raise Retry()
    if pending_refund:
        apply_refund(event, donation)
    from chalicelib.donations.receipts import send_receipt

    send_receipt(donation)


def _fill(donation: Donation, payment: Payment) -> None:
    meta, moment = payment.meta, now()
    donation.status, donation.credited = "credited", True
    donation.amount, donation.currency = payment.amount, payment.currency
    donation.refunded = min(int(donation.refunded or 0), payment.amount)
    donation.fund_id = meta.get("fund_id") or "general"
    donation.campaign_id = meta.get("campaign_id") or None
    donation.wants_thanks = meta.get("thanks") == "1" and bool(meta.get("thanks_name"))
    donation.thanks_name = meta.get("thanks_name") if donation.wants_thanks else None
    donation.lang = meta.get("lang") or "nb"
    donation.email = payment.email
    donation.email_key = payment.email.strip().lower() if payment.email else None
    donation.frequency = payment.frequency
    donation.channel = payment.channel
    donation.checkout_session = payment.session_id
    donation.subscription_id = payment.subscription_id
    donation.credited_at = moment.isoformat(timespec="seconds")
    donation.month = moment.strftime("%Y-%m")


def _apply_refund_or_record(event: dict[str, Any], donation: Donation) -> None:
    if int(donation.refunded) > int(donation.refund_applied):
        apply_refund(event, donation)
    else:
        transact([event_record(event)])


def apply_refund(event: dict[str, Any], donation: Donation,
                 extra: list[Write] | None = None) -> None:
    """Take what was refunded but not yet applied out of the fund."""
    delta = int(donation.refunded) - int(donation.refund_applied)
    donation.refund_applied = donation.refunded
    writes = [*(extra or []), versioned_save(donation),
              *_campaign_change(donation.campaign_id, -delta, 0),
              *_totals_change(donation, 0, delta, new=False),
              *tax_totals.for_donation(donation, 0, delta, new=False),
              event_record(event)]
    result = post_movement(
        f"{donation.channel or 'stripe'}-refund-{donation.donation_id}-"
        f"{int(donation.refunded)}", "refund",
        [Posting(str(donation.fund_id), -delta)], SYSTEM,
        reference=str(donation.donation_id), allow_negative=True,
        extra_writes=writes, currency=str(donation.currency), memo="Refund",
    )
    if not result.created:
        raise Retry()


def record_attention(event: dict[str, Any], reason: str) -> None:
    """Acknowledge an event that must not move money, and keep it for finance
    (audit-logged as `needs attention`)."""
    obj = event.get("data", {}).get("object") or {}
    meta = obj.get("metadata") or {}
    parent = (obj.get("parent") or {}).get("subscription_details") or {}
    fund = meta.get("fund_id") or (parent.get("metadata") or {}).get("fund_id")
    amount = next((obj[f] for f in ("amount_total", "amount_paid", "amount_refunded",
                                    "amount") if isinstance(obj.get(f), int)), None)
    moment = now().isoformat(timespec="seconds")
    item = WebhookAttention(
        "open", f"{moment}#{event['id']}", event_id=str(event["id"]),
        event_type=str(event["type"]), reason=reason,
        object_id=str(obj.get("id") or "")[:80] or None, amount=amount,
        currency=str(obj.get("currency") or "")[:8].upper() or None,
        fund_id=str(fund)[:60] if fund else None)
    audit = entry_write(WEBHOOK, f"needs attention: {reason}", "stripe_event",
                        str(event["id"]))
    transact([event_record(event), lambda tx: tx.save(item), audit])


def record_only(event: dict[str, Any], _obj: dict[str, Any]) -> None:
    """Acknowledge an event that changes nothing else."""
    transact([event_record(event)])
