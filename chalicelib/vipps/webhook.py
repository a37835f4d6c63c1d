"""`POST /webhooks/vipps`: ePayment events, signature checked before
anything is read, then handled idempotently by the event's reference, name
and pspReference (one record per event in the events table, written with
its effects), in any order of arrival.

Payload (vippsas/vipps-epayment-api docs/epayment.v1.yml WebhookEvent):
`{msn, reference, pspReference, name, amount {currency, value}, timestamp,
idempotencyKey, success}`; `name` is CREATED, ABORTED, EXPIRED, CANCELLED,
CAPTURED, REFUNDED, AUTHORIZED or TERMINATED.

- AUTHORIZED: captured at once through the API, with one Idempotency-Key
  per payment (the webhook answers 503 when Vipps cannot be reached, so
  Vipps delivers it again);
- CAPTURED: credits the fund (`payments.credit_captured`), once;
- REFUNDED: takes the refund out of the fund, once per pspReference; one
  that arrives before its capture waits on the donation;
- ABORTED, EXPIRED, CANCELLED, TERMINATED: the pending gift is closed with
  that state, unpaid (a credited one keeps its status);
- an event with `success: false` (an operation Vipps did not carry out):
  recorded, nothing changed;
- an event for a reference we never started, for another merchant, or
  whose amount or currency does not fit: 200, kept for finance
  (webhook-attention), no money moved.
"""

from __future__ import annotations

import json
from typing import Any

from chalicelib.audit.service import entry_write
from chalicelib.donations.checks import fund_problem
from chalicelib.donations.crediting import (
    VIPPS_WEBHOOK,
    Retry,
    apply_refund,
    event_record,
    load_donation,
    now,
    seen,
    transact,
    versioned_save,
)
from chalicelib.donations.models import Donation, WebhookAttention
from chalicelib.errors import N_, Conflict, DomainError
from chalicelib.vipps import client, payments, signature
from chalicelib.vipps.settings import vipps_secret, vipps_settings

MAX_ATTEMPTS = 4
NAMES = ("CREATED", "ABORTED", "EXPIRED", "CANCELLED", "CAPTURED", "REFUNDED",
         "AUTHORIZED", "TERMINATED")
ENDED = {"ABORTED": "aborted", "EXPIRED": "expired", "TERMINATED": "terminated",
         "CANCELLED": "cancelled"}


class BadPayload(DomainError):
    code = "bad_payload"
    status = 400
    message = N_("The webhook body is not a Vipps event.")


class VippsAway(DomainError):
    code = "vipps_unavailable"
    status = 503
    retry_after = 30
    message = N_("Vipps could not be reached; the event will be delivered again.")


def verify(raw_body: bytes, headers: dict[str, str],
           path_and_query: str) -> dict[str, Any]:
    """The event's payload when Vipps signed it; an error (400/401) else."""
    secret = vipps_secret("vipps-webhook-secret")
    signature.verify(raw_body, headers, secret, path_and_query)
    try:
        payload = json.loads(raw_body)
    except ValueError:
        raise BadPayload() from None
    from chalicelib.vipps.recurring_events import is_recurring

    if is_recurring(payload):
        return payload  # the Recurring API's events (recurring_events.py)
    if (not isinstance(payload, dict) or payload.get("name") not in NAMES
            or not isinstance(payload.get("reference"), str)):
        raise BadPayload()
    return payload


def as_event(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as the record crediting keeps: one id per reference,
    event name and pspReference (a retried delivery has the same id)."""
    name = str(payload["name"])
    psp = "".join(c for c in str(payload.get("pspReference") or "-")
                  if c.isalnum() or c in "-_")[:60]
    return {"id": f"vipps-{payload['reference']}-{name}-{psp}"[:200],
            "type": f"epayments.payment.{name.lower()}.v1",
            "data": {"object": payload}}


def problem(payload: dict[str, Any], donation: Donation) -> str | None:
    """The reason this event must not move money, or None."""
    if str(payload.get("msn") or "") != vipps_secret("vipps-msn"):
        return "unknown_merchant"
    if not int(donation.version or 0) or donation.channel != "vipps":
        return "unknown_reference"
    amount = payload.get("amount")
    value = amount.get("value") if isinstance(amount, dict) else None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        return "amount_not_positive"
    if str(amount.get("currency") or "") != "NOK":  # type: ignore[union-attr]
        return "currency_not_nok"
    name = payload["name"]
    if name == "CAPTURED":
        if value <= 0:
            return "amount_not_positive"
        if value != int(donation.amount):
            return "amount_mismatch"
        return fund_problem(payments.meta_of(donation))
    if name in ("REFUNDED", "AUTHORIZED") and value <= 0:
        return "amount_not_positive"
    return None


def record_attention(event: dict[str, Any], payload: dict[str, Any],
                     reason: str) -> None:
    """200 to Vipps, nothing moved, kept for finance and audit-logged."""
    amount = payload.get("amount") if isinstance(payload.get("amount"), dict) else {}
    value = amount.get("value")  # type: ignore[union-attr]
    moment = now().isoformat(timespec="seconds")
    item = WebhookAttention(
        "open", f"{moment}#{event['id']}", event_id=str(event["id"]),
        event_type=str(event["type"]), reason=reason,
        object_id=str(payload.get("reference") or "")[:80] or None,
        amount=(value if isinstance(value, int) and not isinstance(value, bool)
                else None),
        currency=str(amount.get("currency") or "")[:8].upper() or None,  # type: ignore[union-attr]
        fund_id=None)
    audit = entry_write(VIPPS_WEBHOOK, f"needs attention: {reason}", "vipps_event",
                        str(event["id"]))
    transact([event_record(event), lambda tx: tx.save(item), audit])


def _parts(donation: Donation) -> dict[str, int]:
    stored: Any = donation.refund_parts
    raw = stored.as_dict() if hasattr(stored, "as_dict") else dict(stored or {})
    return {str(k): int(v) for k, v in raw.items()}


def _refunded(event: dict[str, Any], payload: dict[str, Any],
              donation: Donation) -> None:
    """One refund, counted once by its pspReference; the fund gives back
    what was refunded and not yet taken out."""
    parts = _parts(donation)
    psp = str(payload.get("pspReference") or event["id"])
    parts[psp] = int(payload["amount"]["value"])
    donation.refund_parts = parts
    total = sum(parts.values())
    if total <= int(donation.refunded or 0):
        transact([versioned_save(donation), event_record(event)])
        return
    donation.refunded = total
    if donation.credited:
        donation.refunded = min(total, int(donation.amount))
        apply_refund(event, donation)
    else:  # before its capture: applied when the payment is credited
        transact([versioned_save(donation), event_record(event)])


def _authorized(event: dict[str, Any], payload: dict[str, Any],
                donation: Donation) -> None:
    """Capture the authorised gift at once. The capture's Idempotency-Key is
    the one the return page's status check uses, so the two (and Vipps's
    repeated deliveries) capture once. Vipps away (5xx, no answer): 503, and
    Vipps delivers the event again; Vipps refusing (4xx): the event is kept
    and the return page or `reconcile` settles the payment."""
    if not vipps_settings().test_flow and not donation.credited:
        reference = str(donation.donation_id)
        amount = min(int(payload["amount"]["value"]), int(donation.amount))
        try:
            client.capture_payment(reference, amount,
                                   payments.operation_key("capture", reference))
        except client.VippsError as error:
            if error.status == 0 or error.status >= 500:
                raise VippsAway() from None
            payments.log.warning("Vipps refused to capture %s: %s (trace %s)",
                                 reference, error.status, error.trace_id or "-")
    transact([event_record(event)])


def handle(payload: dict[str, Any]) -> str:
    """Apply one verified event: 'handled', 'duplicate' or 'needs_attention'."""
    event = as_event(payload)
    for _attempt in range(MAX_ATTEMPTS):
        # the event check and its donation in one read
        if seen(str(event["id"]), str(payload["reference"])):
            return "duplicate"
        donation = load_donation(str(payload["reference"]))
        reason = problem(payload, donation)
        try:
            if reason:
                record_attention(event, payload, reason)
                return "needs_attention"
            name = payload["name"]
            if payload.get("success") is False:  # e.g. a capture that failed
                transact([event_record(event)])
            elif name == "CAPTURED":
                payments.credit_captured(event, donation, int(donation.amount))
            elif name == "REFUNDED":
                _refunded(event, payload, donation)
            elif name == "AUTHORIZED":
                _authorized(event, payload, donation)
            elif name in ENDED:
                payments.mark_ended(donation, ENDED[name], [event_record(event)])
            else:  # CREATED
                transact([event_record(event)])
            return "handled"
        except (Retry, Conflict):  # a racing delivery changed what we read
            continue
    raise Conflict()


def receive(raw_body: bytes, headers: dict[str, str], path_and_query: str) -> str:
    """What `POST /webhooks/vipps` does: verify, then handle."""
    from chalicelib.vipps import recurring_events

    payload = verify(raw_body, headers, path_and_query)
    if recurring_events.is_recurring(payload):
        return recurring_events.handle(payload)
    return handle(payload)
