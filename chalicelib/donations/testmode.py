"""The built-in test checkout: completing it delivers correctly signed events
of Stripe's shape to the app's own webhook, so the whole path runs locally."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

from chalicelib.donations.settings import donation_settings
from chalicelib.donations.webhook import receive


def signature_header(raw_body: bytes, secret: str, at: int | None = None) -> str:
    """`Stripe-Signature` for `raw_body`, as Stripe computes it."""
    stamp = int(at if at is not None else time.time())
    signed = f"{stamp}.".encode() + raw_body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


def _event(event_type: str, obj: dict[str, Any], seed: str) -> dict[str, Any]:
    return {"id": f"evt_test_{seed}_{event_type.replace('.', '_')}", "object": "event",
            "type": event_type, "created": int(time.time()), "livemode": False,
            "api_version": "2025-06-30.basil", "data": {"object": obj}}


def events_for(session: dict[str, Any], email: str) -> list[dict[str, Any]]:
    """What Stripe would send for a completed test session."""
    seed = str(session["key"])[-24:]
    monthly = session["frequency"] == "monthly"
    completed = {
        "id": f"cs_test_{seed}", "object": "checkout.session",
        "mode": "subscription" if monthly else "payment",
        "payment_status": "paid", "status": "complete",
        "amount_total": session["amount"], "currency": "nok",
        "customer_details": {"email": email or None},
        "metadata": session["metadata"],
        "payment_intent": None if monthly else f"pi_test_{seed}",
        "subscription": f"sub_test_{seed}" if monthly else None,
    }
    events = [_event("checkout.session.completed", completed, seed)]
    if monthly:  # API 2025-03-31 and later: the payment is an InvoicePayment
        invoice = {
            "id": f"in_test_{seed}", "object": "invoice", "livemode": False,
            "amount_paid": session["amount"], "currency": "nok",
            "customer_email": email or None, "status": "paid",
            "billing_reason": "subscription_create",
            "parent": {"type": "subscription_details", "subscription_details": {
                "metadata": session["metadata"],
                "subscription": f"sub_test_{seed}"}},
        }
        paid = {
            "id": f"inpay_test_{seed}", "object": "invoice_payment",
            "livemode": False, "amount_paid": session["amount"],
            "amount_requested": session["amount"], "currency": "nok",
            "invoice": f"in_test_{seed}", "is_default": True, "status": "paid",
            "payment": {"type": "payment_intent",
                        "payment_intent": f"pi_test_{seed}"},
        }
        events.append(_event("invoice.paid", invoice, seed))
        events.append(_event("invoice_payment.paid", paid, seed))
    return events


def complete_test_session(session: dict[str, Any], email: str) -> str:
    """Deliver the session's events to our webhook; its Checkout Session id."""
    secret = donation_settings().stripe_webhook_secret
    events = events_for(session, email)
    for event in events:
        raw = json.dumps(event).encode()
        receive(raw, signature_header(raw, secret))
    return str(events[0]["data"]["object"]["id"])
