"""Stripe's webhook: the signature is checked on the raw body, then each event
is handled from what it carries alone, idempotently by event id and with the
same totals in any order of arrival.

A donation is keyed by its payment intent (else its invoice). A refund or a
dispute that arrives before the payment waits on that record and is applied
when the payment is credited. Every change of a donation is conditional on
the version read, so two deliveries racing each other cannot both count.
"""

from __future__ import annotations

from typing import Any

from chalicelib.donations.checks import problem
from chalicelib.donations.crediting import Retry, record_attention
from chalicelib.donations.events import HANDLERS
from chalicelib.donations.models import StripeEvent
from chalicelib.donations.settings import donation_settings
from chalicelib.errors import N_, Conflict, DomainError

MAX_ATTEMPTS = 4


class BadSignature(DomainError):
    code = "bad_signature"
    status = 400
    message = N_("The webhook signature is not valid.")


def verify(raw_body: bytes, signature: str) -> dict[str, Any]:
    """The event as a dict if `signature` signs `raw_body`; BadSignature else."""
    import json

    import stripe

    from chalicelib.core.secrets import get_secret

    local_secret = donation_settings().stripe_webhook_secret
    secret = get_secret("stripe-webhook-secret", local_secret)
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
    """Apply one verified event; 'handled', 'duplicate', 'ignored' or
    'needs_attention' (acknowledged, kept for finance, no money moved)."""
    handler = HANDLERS.get(str(event.get("type")))
    if handler is None:
        return "ignored"
    event_id = str(event["id"])
    for _attempt in range(MAX_ATTEMPTS):
        if _seen(event_id):
            return "duplicate"
        reason = problem(event)
        try:
            if reason:
                record_attention(event, reason)
                return "needs_attention"
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


def receive(raw_body: bytes, signature: str) -> str:
    """What `POST /webhooks/stripe` does: verify, then handle."""
    return handle_event(verify(raw_body, signature))
