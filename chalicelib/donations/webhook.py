"""Stripe's webhook: the signature is checked on the raw body, then each event
is handled from what it carries alone, idempotently by event id and with the
same totals in any order of arrival.

A donation is keyed by its payment intent (else its invoice). A refund or a
dispute that arrives before the payment waits on that record and is applied
when the payment is credited. Every change of a donation is conditional on
the version read, so two deliveries racing each other cannot both count.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.audit.service import SYSTEM
from chalicelib.db import is_condition_failure
from chalicelib.donations.models import Campaign, Donation, MonthlyGift, StripeEvent
from chalicelib.donations.settings import donation_settings
from chalicelib.errors import N_, Conflict, DomainError
from chalicelib.funds.service import Posting, post_movement

log = logging.getLogger("ngo.donations")
Write = Callable[[TransactWrite], None]
MAX_ATTEMPTS = 4
EVENT_DAYS = 90


class BadSignature(DomainError):
    code = "bad_signature"
    status = 400
    message = N_("The webhook signature is not valid.")


class Retry(Exception):
    """Someone else changed the donation since we read it: read it again."""


@dataclass(frozen=True)
class Payment:
    key: str  # donation id: "pi_..." or "in_..."
    amount: int
    currency: str
    meta: dict[str, str]
    email: str | None
    frequency: str
    session_id: str | None = None
    subscription_id: str | None = None
    new_donor: bool = True


def verify(raw_body: bytes, signature: str) -> dict[str, Any]:
    """The event as a dict if `signature` signs `raw_body`; BadSignature else."""
    import json

    import stripe

    secret = donation_settings().stripe_webhook_secret
    if not secret or not signature:
        raise BadSignature()
    try:
        stripe.WebhookSignature.verify_header(raw_body.decode("utf-8"), signature,
                                              secret, 300)
        event = json.loads(raw_body)
    except (stripe.SignatureVerificationError, ValueError):
        raise BadSignature() from None
    if not isinstance(event, dict) or "id" not in event or "type" not in event:
        raise BadSignature()
    return event


def handle_event(event: dict[str, Any]) -> str:
    """Apply one verified event; 'handled', 'duplicate' or 'ignored'."""
    handler = HANDLERS.get(str(event.get("type")))
    if handler is None:
        return "ignored"
    event_id = str(event["id"])
    for _attempt in range(MAX_ATTEMPTS):
        if _seen(event_id):
            return "duplicate"
        try:
            handler(event, event["data"]["object"])
            return "handled"
        except (Retry, Conflict):  # a racing delivery changed what we read
            continue
    raise Conflict()


def _seen(event_id: str) -> bool:
    try:
        StripeEvent.get(event_id)
    except StripeEvent.DoesNotExist:
        return False
    return True


def _now() -> datetime:
    return datetime.now(UTC)


def _event_record(event: dict[str, Any]) -> Write:
    now = _now()
    item = StripeEvent(str(event["id"]), event_type=str(event["type"]),
                       handled_at=now.isoformat(timespec="seconds"),
                       expires=now + timedelta(days=EVENT_DAYS))
    return lambda tx: tx.save(item, condition=StripeEvent.event_id.does_not_exist())


def _transact(writes: list[Write]) -> None:
    """Writes that move no money, in one transaction; Retry on a lost race."""
    try:
        with TransactWrite(connection=_connection()) as tx:
            for write in writes:
                write(tx)
    except TransactWriteError as error:
        if is_condition_failure(error):
            raise Retry() from None
        raise


@cache
def _connection() -> Connection:
    """One connection per process: creating a client costs ~100 ms."""
    return Connection(region=Donation.Meta.region, host=Donation.Meta.host)


def _load(key: str) -> Donation:
    try:
        return Donation.get(key)
    except Donation.DoesNotExist:
        return Donation(key, version=0)


def _save(donation: Donation) -> Write:
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


# --- money -----------------------------------------------------------------

def credit(event: dict[str, Any], payment: Payment) -> None:
    """Credit a paid donation to its fund and campaign, once."""
    donation = _load(payment.key)
    if donation.credited:
        _apply_refund_or_record(event, donation)
        return
    _fill(donation, payment)
    pending_refund = int(donation.refunded) > 0
    writes = [_save(donation)]
    writes += _campaign_change(donation.campaign_id, payment.amount,
                               1 if payment.new_donor else 0)
    if not pending_refund:
        writes.append(_event_record(event))
    result = post_movement(
        f"stripe-{payment.key}", "donation",
        [Posting(str(donation.fund_id), payment.amount)], SYSTEM,
        reference=payment.key, extra_writes=writes, currency=payment.currency,
        memo="Online donation",
    )
    if not result.created:
        raise Retry()
    if pending_refund:
        _apply_refund(event, donation)
    from chalicelib.donations.receipts import send_receipt

    send_receipt(donation)


def _fill(donation: Donation, payment: Payment) -> None:
    meta, now = payment.meta, _now()
    donation.status, donation.credited = "credited", True
    donation.amount, donation.currency = payment.amount, payment.currency
    donation.refunded = min(int(donation.refunded or 0), payment.amount)
    donation.fund_id = meta.get("fund_id") or "general"
    donation.campaign_id = meta.get("campaign_id") or None
    donation.wants_thanks = meta.get("thanks") == "1" and bool(meta.get("thanks_name"))
    donation.thanks_name = meta.get("thanks_name") if donation.wants_thanks else None
    donation.lang = meta.get("lang") or "nb"
    donation.email = payment.email
    donation.frequency = payment.frequency
    donation.checkout_session = payment.session_id
    donation.subscription_id = payment.subscription_id
    donation.credited_at = now.isoformat(timespec="seconds")
    donation.month = now.strftime("%Y-%m")


def _apply_refund_or_record(event: dict[str, Any], donation: Donation) -> None:
    if int(donation.refunded) > int(donation.refund_applied):
        _apply_refund(event, donation)
    else:
        _transact([_event_record(event)])


def _apply_refund(event: dict[str, Any], donation: Donation) -> None:
    """Take what was refunded but not yet applied out of the fund."""
    delta = int(donation.refunded) - int(donation.refund_applied)
    donation.refund_applied = donation.refunded
    writes = [_save(donation), *_campaign_change(donation.campaign_id, -delta, 0),
              _event_record(event)]
    result = post_movement(
        f"stripe-refund-{donation.donation_id}-{int(donation.refunded)}", "refund",
        [Posting(str(donation.fund_id), -delta)], SYSTEM,
        reference=str(donation.donation_id), allow_negative=True,
        extra_writes=writes, currency=str(donation.currency), memo="Refund",
    )
    if not result.created:
        raise Retry()


# --- events ----------------------------------------------------------------

def _record_only(event: dict[str, Any], _obj: dict[str, Any]) -> None:
    _transact([_event_record(event)])


def _email(session: dict[str, Any]) -> str | None:
    details = session.get("customer_details") or {}
    return details.get("email") or session.get("customer_email")


def _session_payment(session: dict[str, Any]) -> Payment:
    return Payment(
        key=str(session.get("payment_intent") or session["id"]),
        amount=int(session.get("amount_total") or 0),
        currency=str(session.get("currency") or "nok").upper(),
        meta=dict(session.get("metadata") or {}),
        email=_email(session),
        frequency="once",
        session_id=str(session["id"]),
    )


def _session_completed(event: dict[str, Any], session: dict[str, Any]) -> None:
    if session.get("mode") == "subscription":
        _start_monthly(event, session)
    elif session.get("payment_status") == "paid":
        credit(event, _session_payment(session))
    else:  # paid later (bank debit): async_payment_succeeded credits it
        _record_only(event, session)


def _async_succeeded(event: dict[str, Any], session: dict[str, Any]) -> None:
    credit(event, _session_payment(session))


def _async_failed(event: dict[str, Any], session: dict[str, Any]) -> None:
    key = session.get("payment_intent")
    if not key:
        _record_only(event, session)
        return
    donation = _load(str(key))
    if donation.credited:
        _record_only(event, session)
        return
    donation.status = "failed"
    _transact([_save(donation), _event_record(event)])


def _start_monthly(event: dict[str, Any], session: dict[str, Any]) -> None:
    meta = dict(session.get("metadata") or {})
    gift = MonthlyGift(str(session.get("subscription") or session["id"]))
    actions: list[Action] = [
        MonthlyGift.fund_id.set(meta.get("fund_id") or "general"),
        MonthlyGift.amount.set(int(session.get("amount_total") or 0)),
        MonthlyGift.started_at.set(_now().isoformat(timespec="seconds")),
    ]
    if meta.get("campaign_id"):
        actions.append(MonthlyGift.campaign_id.set(meta["campaign_id"]))
    _transact([lambda tx: tx.update(gift, actions=actions), _event_record(event)])


def _subscription_deleted(event: dict[str, Any], sub: dict[str, Any]) -> None:
    gift = MonthlyGift(str(sub["id"]))
    actions: list[Action] = [MonthlyGift.ended.set(True),
               MonthlyGift.ended_at.set(_now().isoformat(timespec="seconds"))]
    _transact([lambda tx: tx.update(gift, actions=actions), _event_record(event)])


def _invoice_metadata(invoice: dict[str, Any]) -> dict[str, str]:
    parent = (invoice.get("parent") or {}).get("subscription_details") or {}
    for source in (invoice.get("subscription_details") or {}, parent):
        if source.get("metadata"):
            return dict(source["metadata"])
    lines = (invoice.get("lines") or {}).get("data") or [{}]
    return dict(lines[0].get("metadata") or {})


def _invoice_paid(event: dict[str, Any], invoice: dict[str, Any]) -> None:
    amount = int(invoice.get("amount_paid") or 0)
    if amount <= 0:
        _record_only(event, invoice)
        return
    parent = (invoice.get("parent") or {}).get("subscription_details") or {}
    credit(event, Payment(
        key=str(invoice.get("payment_intent") or invoice["id"]),
        amount=amount,
        currency=str(invoice.get("currency") or "nok").upper(),
        meta=_invoice_metadata(invoice),
        email=invoice.get("customer_email"),
        frequency="monthly",
        subscription_id=invoice.get("subscription") or parent.get("subscription"),
        new_donor=invoice.get("billing_reason") == "subscription_create",
    ))


def _charge_refunded(event: dict[str, Any], charge: dict[str, Any]) -> None:
    key = charge.get("payment_intent") or charge.get("invoice")
    total = int(charge.get("amount_refunded") or 0)
    donation = _load(str(key)) if key else None
    if donation is None or total <= int(donation.refunded or 0):
        _record_only(event, charge)  # an older refund total, or nothing to match
        return
    donation.refunded = total
    if donation.credited:
        donation.refunded = min(total, int(donation.amount))
        _apply_refund(event, donation)
    else:  # before its payment: waits here, applied when the payment is credited
        donation.currency = str(charge.get("currency") or "nok").upper()
        _transact([_save(donation), _event_record(event)])


def _dispute_created(event: dict[str, Any], dispute: dict[str, Any]) -> None:
    key = dispute.get("payment_intent")
    if not key:
        _record_only(event, dispute)
        return
    donation = _load(str(key))
    donation.dispute_state = "open"
    donation.disputed_at = _now().isoformat(timespec="seconds")
    donation.dispute_reason = str(dispute.get("reason") or "unknown")[:40]
    donation.dispute_amount = int(dispute.get("amount") or 0)
    _transact([_save(donation), _event_record(event)])


Handler = Callable[[dict[str, Any], dict[str, Any]], None]
HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": _session_completed,
    "checkout.session.async_payment_succeeded": _async_succeeded,
    "checkout.session.async_payment_failed": _async_failed,
    "checkout.session.expired": _record_only,
    "invoice.paid": _invoice_paid,
    "customer.subscription.deleted": _subscription_deleted,
    "charge.refunded": _charge_refunded,
    "charge.dispute.created": _dispute_created,
}


def receive(raw_body: bytes, signature: str) -> str:
    """What `POST /webhooks/stripe` does: verify, then handle."""
    return handle_event(verify(raw_body, signature))
