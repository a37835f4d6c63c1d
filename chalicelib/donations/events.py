"""One handler per Stripe event type, each using only what the event carries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynamodb.expressions.update import Action

from chalicelib.donations.crediting import (
    Payment,
    apply_refund,
    credit,
    event_record,
    load_donation,
    now,
    record_only,
    resolve_donation,
    transact,
    versioned_save,
)
from chalicelib.donations.models import Donation, MonthlyGift


def _email(session: dict[str, Any]) -> str | None:
    details = session.get("customer_details") or {}
    return details.get("email") or session.get("customer_email")


def _session_payment(session: dict[str, Any]) -> Payment:
    return Payment(
        key=_id(session.get("payment_intent")) or str(session["id"]),
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
        record_only(event, session)


def _async_succeeded(event: dict[str, Any], session: dict[str, Any]) -> None:
    credit(event, _session_payment(session))


def _async_failed(event: dict[str, Any], session: dict[str, Any]) -> None:
    key = _id(session.get("payment_intent"))
    if not key:
        record_only(event, session)
        return
    donation = load_donation(str(key))
    if donation.credited:
        record_only(event, session)
        return
    donation.status = "failed"
    transact([versioned_save(donation), event_record(event)])


def _start_monthly(event: dict[str, Any], session: dict[str, Any]) -> None:
    meta = dict(session.get("metadata") or {})
    gift = MonthlyGift(str(session.get("subscription") or session["id"]))
    actions: list[Action] = [
        MonthlyGift.fund_id.set(meta.get("fund_id") or "general"),
        MonthlyGift.amount.set(int(session.get("amount_total") or 0)),
        MonthlyGift.started_at.set(now().isoformat(timespec="seconds")),
    ]
    if meta.get("campaign_id"):
        actions.append(MonthlyGift.campaign_id.set(meta["campaign_id"]))
    transact([lambda tx: tx.update(gift, actions=actions), event_record(event)])


def _subscription_deleted(event: dict[str, Any], sub: dict[str, Any]) -> None:
    gift = MonthlyGift(str(sub["id"]))
    actions: list[Action] = [MonthlyGift.ended.set(True),
               MonthlyGift.ended_at.set(now().isoformat(timespec="seconds"))]
    transact([lambda tx: tx.update(gift, actions=actions), event_record(event)])


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
        record_only(event, invoice)
        return
    parent = (invoice.get("parent") or {}).get("subscription_details") or {}
    credit(event, Payment(
        # before API 2025-03-31 an invoice named its payment intent; now the
        # intent comes with `invoice_payment.paid` and points to the invoice
        key=_id(invoice.get("payment_intent")) or str(invoice["id"]),
        amount=amount,
        currency=str(invoice.get("currency") or "nok").upper(),
        meta=_invoice_metadata(invoice),
        email=invoice.get("customer_email"),
        frequency="monthly",
        subscription_id=_id(invoice.get("subscription"))
        or _id(parent.get("subscription")),
        new_donor=invoice.get("billing_reason") == "subscription_create",
    ))


def _id(value: Any) -> str | None:
    """An id, whether Stripe sent it as a string or an expanded object."""
    if isinstance(value, dict):
        value = value.get("id")
    return str(value) if value else None


def _invoice_payment_paid(event: dict[str, Any], paid: dict[str, Any]) -> None:
    """Point the payment intent to the invoice's donation, and bring along
    any refund or dispute that arrived for the intent first."""
    intent = _id((paid.get("payment") or {}).get("payment_intent"))
    invoice = _id(paid.get("invoice"))
    pointer = load_donation(intent) if intent and invoice else None
    if pointer is None or pointer.alias_of or pointer.credited or not invoice:
        record_only(event, paid)
        return
    target = load_donation(invoice)
    _move_waiting(pointer, target)
    pointer.alias_of = invoice
    if target.credited and int(target.refunded) > int(target.refund_applied):
        target.refunded = min(int(target.refunded), int(target.amount))
        apply_refund(event, target, extra=[versioned_save(pointer)])
        return
    transact([versioned_save(pointer), versioned_save(target), event_record(event)])


def _parts(donation: Donation) -> dict[str, int]:
    stored: Any = donation.refund_parts
    raw = stored.as_dict() if hasattr(stored, "as_dict") else dict(stored or {})
    return {str(k): int(v) for k, v in raw.items()}


def _move_waiting(pointer: Donation, target: Donation) -> None:
    parts = {**_parts(target), **_parts(pointer)}
    target.refund_parts = parts
    target.refunded = max(int(target.refunded or 0), int(pointer.refunded or 0),
                          sum(int(v) for v in parts.values()))
    if pointer.dispute_state and not target.dispute_state:
        target.dispute_state, target.disputed_at = (pointer.dispute_state,
                                                    pointer.disputed_at)
        target.dispute_reason = pointer.dispute_reason
        target.dispute_amount = pointer.dispute_amount
    if pointer.currency and not target.credited:
        target.currency = pointer.currency
    pointer.refunded, pointer.refund_parts = 0, {}
    pointer.dispute_state = pointer.disputed_at = None


def _charge_refunded(event: dict[str, Any], charge: dict[str, Any]) -> None:
    key = _id(charge.get("payment_intent")) or _id(charge.get("invoice"))
    if not key:
        record_only(event, charge)
        return
    donation = resolve_donation(key)
    total = int(charge.get("amount_refunded") or 0)
    _refund_total(event, donation, total, charge, changed=False)


def _refund_event(event: dict[str, Any], refund: dict[str, Any]) -> None:
    """`refund.created` / `refund.updated`: one refund; counted once by id."""
    key = _id(refund.get("payment_intent"))
    if not key or refund.get("status") != "succeeded":
        record_only(event, refund)
        return
    donation = resolve_donation(key)
    parts = _parts(donation)
    changed = int(parts.get(str(refund["id"]), -1)) != int(refund.get("amount") or 0)
    parts[str(refund["id"])] = int(refund.get("amount") or 0)
    donation.refund_parts = parts
    total = sum(int(v) for v in parts.values())
    _refund_total(event, donation, total, refund, changed=changed)


def _refund_total(event: dict[str, Any], donation: Donation, total: int,
                  obj: dict[str, Any], changed: bool) -> None:
    """Keep the highest refunded total seen; apply the difference once."""
    if total <= int(donation.refunded or 0):  # an older total, or nothing new
        writes = [versioned_save(donation)] if changed else []
        transact([*writes, event_record(event)])
        return
    donation.refunded = total
    if donation.credited:
        donation.refunded = min(total, int(donation.amount))
        apply_refund(event, donation)
    else:  # before its payment: waits here, applied when the payment is credited
        donation.currency = str(obj.get("currency") or "nok").upper()
        transact([versioned_save(donation), event_record(event)])


CLOSED_DISPUTES = {"won": "won", "lost": "lost", "warning_closed": "won"}


def _dispute_created(event: dict[str, Any], dispute: dict[str, Any]) -> None:
    key = _id(dispute.get("payment_intent"))
    if not key:
        record_only(event, dispute)
        return
    donation = resolve_donation(key)
    if donation.dispute_state in CLOSED_DISPUTES.values():  # closed came first
        record_only(event, dispute)
        return
    donation.dispute_state = "open"
    donation.disputed_at = now().isoformat(timespec="seconds")
    donation.dispute_reason = str(dispute.get("reason") or "unknown")[:40]
    donation.dispute_amount = int(dispute.get("amount") or 0)
    transact([versioned_save(donation), event_record(event)])


def _dispute_closed(event: dict[str, Any], dispute: dict[str, Any]) -> None:
    key = _id(dispute.get("payment_intent"))
    state = CLOSED_DISPUTES.get(str(dispute.get("status")))
    if not key or not state:
        record_only(event, dispute)
        return
    donation = resolve_donation(key)
    donation.dispute_state = state
    donation.disputed_at = donation.disputed_at or now().isoformat(timespec="seconds")
    donation.dispute_reason = str(dispute.get("reason") or "unknown")[:40]
    donation.dispute_amount = int(dispute.get("amount") or 0)
    transact([versioned_save(donation), event_record(event)])


Handler = Callable[[dict[str, Any], dict[str, Any]], None]
def donation_key(event: dict[str, Any]) -> str | None:
    """The donation the event's handler reads first, where the event alone
    tells (a paid one-off checkout): the webhook reads it with the event check."""
    session = (event.get("data") or {}).get("object") or {}
    if (event.get("type") == "checkout.session.completed"
            and session.get("mode") == "payment"
            and session.get("payment_status") == "paid"):
        try:
            return _session_payment(session).key
        except (KeyError, TypeError, ValueError):  # the handler's checks answer it
            return None
    return None


HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": _session_completed,
    "checkout.session.async_payment_succeeded": _async_succeeded,
    "checkout.session.async_payment_failed": _async_failed,
    "checkout.session.expired": record_only,
    "invoice.paid": _invoice_paid,
    "invoice_payment.paid": _invoice_payment_paid,
    "customer.subscription.deleted": _subscription_deleted,
    "charge.refunded": _charge_refunded,
    "refund.created": _refund_event,
    "refund.updated": _refund_event,
    "charge.dispute.created": _dispute_created,
    "charge.dispute.closed": _dispute_closed,
}
