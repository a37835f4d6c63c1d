"""Recurring API events at `POST /webhooks/vipps` (signature checked first,
in `webhook.verify`), handled idempotently in any order: one record per
event type, agreement or charge id and transaction id, written with its
effects.

Payloads (Vipps MobilePay docs, "Recurring webhooks"; to be confirmed with a
test merchant): agreement events `{msn, agreementId, agreementExternalId,
eventType, occurred, actor}`; charge events `{msn, agreementId, chargeId,
chargeExternalId, chargeType, amount, currency, eventType, occurred,
transactionId}` (amounts in øre, as integers).

- agreement-activated: the monthly gift is active;
- agreement-rejected / -stopped / -expired: the monthly gift ends;
- charge-captured: the month's gift is credited, once;
- charge-failed / -canceled / -creation-failed: the month is closed unpaid;
- charge-reserved: recorded (charges are DIRECT_CAPTURE);
- an event for an agreement or charge we never made, another merchant, an
  amount that does not fit: 200, kept for finance, no money moved."""

from __future__ import annotations

from typing import Any

from chalicelib.donations.checks import fund_problem
from chalicelib.donations.crediting import (
    Retry,
    event_record,
    load_donation,
    seen,
    transact,
)
from chalicelib.errors import Conflict
from chalicelib.vipps import payments, states
from chalicelib.vipps.agreements import gift_of_agreement
from chalicelib.vipps.settings import vipps_secret

PREFIX = "recurring."
AGREEMENT_ENDED = {"recurring.agreement-rejected.v1": "rejected",
                   "recurring.agreement-stopped.v1": "stopped",
                   "recurring.agreement-expired.v1": "expired"}
CHARGE_ENDED = {"recurring.charge-failed.v1": "failed",
                "recurring.charge-canceled.v1": "cancelled",
                "recurring.charge-creation-failed.v1": "failed"}
KNOWN = {"recurring.agreement-activated.v1", "recurring.charge-captured.v1",
         "recurring.charge-reserved.v1", *AGREEMENT_ENDED, *CHARGE_ENDED}


def is_recurring(payload: Any) -> bool:
    return isinstance(payload, dict) and str(payload.get("eventType") or "").startswith(
        PREFIX)


def _clean(value: Any) -> str:
    return "".join(c for c in str(value or "-") if c.isalnum() or c in "-_")[:60]


def as_event(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as the record crediting keeps: a retried delivery has
    the same id."""
    kind = str(payload["eventType"])
    subject = payload.get("chargeId") or payload.get("agreementId")
    short = kind.removeprefix(PREFIX).removesuffix(".v1")
    transaction = _clean(payload.get("transactionId"))
    return {"id": f"vipps-{_clean(subject)}-{short}-{transaction}",
            "type": kind, "data": {"object": payload}}


def _amount(payload: dict[str, Any]) -> int | None:
    value = payload.get("amount")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def problem(payload: dict[str, Any]) -> str | None:
    """The reason this event must not change anything, or None."""
    msn = payload.get("msn")
    if msn not in (None, "") and str(msn) != vipps_secret("vipps-msn"):
        return "unknown_merchant"
    if str(payload["eventType"]) not in KNOWN:
        return "vipps_not_automated"
    if not isinstance(payload.get("agreementId"), str):
        return "unknown_reference"
    return None


def _attention(event: dict[str, Any], payload: dict[str, Any], reason: str) -> str:
    from chalicelib.vipps.webhook import record_attention

    shown = {"reference": payload.get("chargeId") or payload.get("agreementId"),
             "amount": {"currency": payload.get("currency") or "NOK",
                        "value": _amount(payload)}}
    record_attention(event, shown, reason)
    return "needs_attention"


def _agreement_event(event: dict[str, Any], payload: dict[str, Any]) -> str:
    gift = gift_of_agreement(str(payload["agreementId"]),
                             str(payload.get("agreementExternalId") or ""))
    if gift is None:
        return _attention(event, payload, "unknown_reference")
    kind = str(payload["eventType"])
    if kind in AGREEMENT_ENDED:
        states.end(gift, AGREEMENT_ENDED[kind], [event_record(event)])
    else:
        states.activate(gift, [event_record(event)])
    return "handled"


def _charge_event(event: dict[str, Any], payload: dict[str, Any]) -> str:
    donation = load_donation(str(payload.get("chargeId") or "-"))
    gift = gift_of_agreement(str(payload["agreementId"]))
    if (not int(donation.version or 0) or gift is None
            or donation.subscription_id != gift.subscription_id):
        return _attention(event, payload, "unknown_reference")
    kind = str(payload["eventType"])
    if kind == "recurring.charge-captured.v1":
        amount = _amount(payload)
        if amount is None or amount <= 0:
            return _attention(event, payload, "amount_not_positive")
        if str(payload.get("currency") or "NOK") != "NOK":
            return _attention(event, payload, "currency_not_nok")
        if amount != int(donation.amount):
            return _attention(event, payload, "amount_mismatch")
        reason = fund_problem(payments.meta_of(donation))
        if reason:
            return _attention(event, payload, reason)
        states.credit_charge(event, donation)
    elif kind in CHARGE_ENDED:
        payments.mark_ended(donation, CHARGE_ENDED[kind], [event_record(event)])
    else:
        transact([event_record(event)])
    return "handled"


def handle(payload: dict[str, Any]) -> str:
    """Apply one verified Recurring event: 'handled', 'duplicate' or
    'needs_attention'."""
    event = as_event(payload)
    for _attempt in range(states.MAX_ATTEMPTS):
        charge = payload.get("chargeId")  # its donation read with the check
        if seen(str(event["id"]), str(charge) if charge else None):
            return "duplicate"
        try:
            reason = problem(payload)
            if reason:
                return _attention(event, payload, reason)
            if str(payload["eventType"]).startswith(PREFIX + "agreement-"):
                return _agreement_event(event, payload)
            return _charge_event(event, payload)
        except (Retry, Conflict):  # a racing delivery changed what we read
            continue
    raise Conflict()
