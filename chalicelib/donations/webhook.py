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
from chalicelib.donations.crediting import Retry, record_attention, seen
from chalicelib.donations.events import HANDLERS, donation_key
from chalicelib.donations.settings import donation_settings
from chalicelib.errors import N_, Conflict, DomainError

MAX_ATTEMPTS = 4
TOLERANCE_SECONDS = 300  # Stripe's default: older signatures are replays


class BadSignature(DomainError):
    code = "bad_signature"
    status = 400
    message = N_("The webhook signature is not valid.")


def verify(raw_body: bytes, signature: str) -> dict[str, Any]:
    """The event as a dict if `signature` signs `raw_body`; BadSignature else."""
    import json

    from chalicelib.core.secrets import get_secret

    local_secret = donation_settings().stripe_webhook_secret
    secret = get_secret("stripe-webhook-secret", local_secret)
    if not secret or not signature or not signed_by(raw_body, signature, secret):
        raise BadSignature()
    try:
        event = json.loads(raw_body)
    except ValueError:
        raise BadSignature() from None
    if not isinstance(event, dict) or "id" not in event or "type" not in event:
        raise BadSignature()
    return event


def signed_by(raw_body: bytes, header: str, secret: str,
              tolerance: int = TOLERANCE_SECONDS) -> bool:
    """Stripe's `Stripe-Signature` check (what stripe.WebhookSignature does,
    without importing the SDK on a cold webhook): `t=<unix time>` and one or
    more `v1=<hex HMAC-SHA256 of "<t>.<body>">`; any matching v1 within
    `tolerance` seconds of now passes."""
    import hashlib
    import hmac
    import time

    pairs = [item.split("=", 1) for item in header.split(",") if "=" in item]
    stamps = [value for key, value in pairs if key.strip() == "t"]
    signatures = [value.strip() for key, value in pairs if key.strip() == "v1"]
    if not stamps or not signatures:
        return False
    try:
        stamp = int(stamps[0])
    except ValueError:
        return False
    expected = hmac.new(secret.encode(), f"{stamp}.".encode() + raw_body,
                        hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, s) for s in signatures):
        return False
    return stamp >= time.time() - tolerance


def handle_event(event: dict[str, Any]) -> str:
    """Apply one verified event; 'handled', 'duplicate', 'ignored' or
    'needs_attention' (acknowledged, kept for finance, no money moved)."""
    handler = HANDLERS.get(str(event.get("type")))
    if handler is None:
        return "ignored"
    event_id = str(event["id"])
    for _attempt in range(MAX_ATTEMPTS):
        if seen(event_id, donation_key(event)):
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


def receive(raw_body: bytes, signature: str) -> str:
    """What `POST /webhooks/stripe` does: verify, then handle."""
    return handle_event(verify(raw_body, signature))
