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
    transact,
    versioned_save,
)
from chalicelib.donations.models import MonthlyGift


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
        record_only(event, session)


def _async_succeeded(event: dict[str, Any], session: dict[str, Any]) -> None:
    credit(event, _session_payment(session))


def _async_failed(event: dict[str, Any], session: dict[str, Any]) -> None:
    key = session.get("payment_intent")
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
    donation = load_donation(str(key)) if key else None
    if donation is None or total <= int(donation.refunded or 0):
        record_only(event, charge)  # an older refund total, or nothing to match
        return
    donation.refunded = total
    if donation.credited:
        donation.refunded = min(total, int(donation.amount))
        apply_refund(event, donation)
    else:  # before its payment: waits here, applied when the payment is credited
        donation.currency = str(charge.get("currency") or "nok").upper()
        transact([versioned_save(donation), event_record(event)])


def _dispute_created(event: dict[str, Any], dispute: dict[str, Any]) -> None:
    key = dispute.get("payment_intent")
    if not key:
        record_only(event, dispute)
        return
    donation = load_donation(str(key))
    donation.dispute_state = "open"
    donation.disputed_at = now().isoformat(timespec="seconds")
    donation.dispute_reason = str(dispute.get("reason") or "unknown")[:40]
    donation.dispute_amount = int(dispute.get("amount") or 0)
    transact([versioned_save(donation), event_record(event)])


Handler = Callable[[dict[str, Any], dict[str, Any]], None]
HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": _session_completed,
    "checkout.session.async_payment_succeeded": _async_succeeded,
    "checkout.session.async_payment_failed": _async_failed,
    "checkout.session.expired": record_only,
    "invoice.paid": _invoice_paid,
    "customer.subscription.deleted": _subscription_deleted,
    "charge.refunded": _charge_refunded,
    "charge.dispute.created": _dispute_created,
}
