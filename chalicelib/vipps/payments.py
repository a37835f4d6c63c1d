"""One-off gifts through Vipps MobilePay's ePayment API.

1. `start_payment`: the donor's checked form becomes a pending donation
   keyed by its Vipps `reference` (the same form twice: the same reference),
   then `POST /epayment/v1/payments` (WEB_REDIRECT) gives the URL the donor
   is sent to. Vipps's events carry no metadata: the pending donation is
   where the fund, campaign, thanks-by-name and language wait.
2. The donor approves in the app: the payment is AUTHORIZED and we capture
   it at once (a gift is delivered when given).
3. CAPTURED credits the fund, through the same ledger transaction as a
   Stripe gift (`donations.crediting.credit`), exactly once: from the
   webhook, or from `confirm` (a status check on the return page) when the
   webhook is late. Whichever comes second only records itself.

With no Vipps keys in a local stage (`test_flow`), no API is called: the
local Vipps (`testmode.py`) stands in for the landing page and the app.
"""

from __future__ import annotations

import logging
import re
from typing import Any, NamedTuple

from pynamodb.exceptions import PutError

from chalicelib.db import is_condition_failure
from chalicelib.donations.crediting import (
    VIPPS_WEBHOOK,
    Payment,
    Retry,
    credit,
    load_donation,
    now,
    transact,
    versioned_save,
)
from chalicelib.donations.models import Donation
from chalicelib.donations.service import DonationRequest, PaymentsNotConfigured
from chalicelib.donations.settings import donation_settings
from chalicelib.errors import N_, Conflict, DomainError
from chalicelib.vipps import client
from chalicelib.vipps.settings import vipps_settings

log = logging.getLogger("ngo.vipps")
MAX_ATTEMPTS = 4
REFERENCE_PATTERN = re.compile(r"^gave-[0-9a-f]{40}$")  # what reference_for makes
# GET's final states (docs/epayment.v1.yml State) -> the donation's status
FINAL_STATES = {"ABORTED": "aborted", "EXPIRED": "expired", "TERMINATED": "terminated"}
# a pending donation closed unpaid; "failed": Vipps never had the payment
CLOSED = frozenset({"aborted", "expired", "cancelled", "terminated", "failed"})


class VippsUnavailable(DomainError):
    """Vipps said no (4xx) or was away (5xx) when the payment was created."""

    code = "vipps_unavailable"
    status = 503
    message = N_("Vipps could not start the payment just now. Nothing has been "
                 "charged. You can try again in a moment or give by card.")


class Started(NamedTuple):
    reference: str
    url: str


def reference_for(request: DonationRequest) -> str:
    """The payment's Vipps reference: 8-64 of [a-zA-Z0-9-], unique per
    merchant, the same for the same form sent twice."""
    return "gave-" + request.idempotency_key().removeprefix("donate-")[:40]


def operation_key(operation: str, reference: str) -> str:
    """The `Idempotency-Key` of one operation on one payment (at most 50)."""
    return f"{operation}-{reference.removeprefix('gave-')}"[:50]


def return_url(reference: str, lang: str) -> str:
    base = donation_settings().public_base_url
    return f"{base}/vipps/return?reference={reference}&lang={lang}"


def _pending(request: DonationRequest, reference: str) -> Donation:
    """The pending donation of this form, made now or found from before."""
    donation = Donation(
        reference, version=1, status="pending", credited=False,
        amount=request.amount, currency="NOK", channel="vipps",
        frequency="once", fund_id=request.fund_id,
        campaign_id=request.campaign_id, wants_thanks=request.wants_thanks,
        thanks_name=request.thanks_name or None, lang=request.lang,
        email=request.email or None, vipps_open="open",
        opened_at=now().isoformat(timespec="seconds"))
    try:
        donation.save(condition=Donation.donation_id.does_not_exist())
    except PutError as error:
        if not is_condition_failure(error):
            raise
        return Donation.get(reference)
    return donation


def start_payment(request: DonationRequest) -> Started:
    """Create the Vipps payment of a checked, defended form; where to send
    the donor. VippsUnavailable when Vipps answers 4xx/5xx: nothing is
    credited, the donor can choose card."""
    settings = vipps_settings()
    if not settings.enabled:
        raise PaymentsNotConfigured()
    reference = reference_for(request)
    donation = _pending(request, reference)
    if donation.credited:  # this very form was paid already
        return Started(reference, return_url(reference, request.lang))
    if settings.test_flow:
        from chalicelib.vipps.testmode import landing_url

        return Started(reference, landing_url(reference))
    try:
        answer = client.create_payment(
            reference, int(donation.amount), return_url(reference, request.lang),
            description(request.lang),
            idempotency_key=operation_key("create", reference))
    except client.VippsError as error:
        log.warning("Vipps did not create payment %s: %s (trace %s)", reference,
                    error.status, error.trace_id or "-")
        raise VippsUnavailable() from None
    url = str(answer.get("redirectUrl") or "")
    if not url.startswith("https://"):
        log.warning("Vipps created payment %s without a redirect URL", reference)
        raise VippsUnavailable()
    return Started(reference, url)


def description(lang: str) -> str:
    from chalicelib.web.i18n import translate

    return translate(lang, N_("Gift to %(org)s"),
                     org=donation_settings().organisation)[:100]


def meta_of(donation: Donation) -> dict[str, str]:
    """The pending donation as the metadata crediting reads."""
    meta = {"fund_id": str(donation.fund_id or "general"),
            "lang": str(donation.lang or "nb"),
            "thanks": "1" if donation.wants_thanks else "0"}
    if donation.campaign_id:
        meta["campaign_id"] = str(donation.campaign_id)
    if donation.wants_thanks and donation.thanks_name:
        meta["thanks_name"] = str(donation.thanks_name)
    return meta


def credit_captured(event: dict[str, Any], donation: Donation, amount: int) -> None:
    """Credit a captured Vipps payment to its fund, once (crediting's own
    ledger transaction with the event's record)."""
    credit(event, Payment(
        key=str(donation.donation_id), amount=amount, currency="NOK",
        meta=meta_of(donation), email=donation.email, frequency="once",
        channel="vipps"), donation)


def mark_ended(donation: Donation, state: str, extra: list | None = None) -> None:
    """A payment that will not be paid (aborted, expired, cancelled,
    terminated, failed): the pending donation is closed with that state,
    nothing credited. A donation credited or closed already keeps its
    status (only `extra`, the event's record, is written)."""
    audit = (state, "donation", str(donation.donation_id))
    if donation.credited or donation.status in CLOSED:
        if extra:
            transact(list(extra), audit, VIPPS_WEBHOOK)
        return
    donation.status, donation.vipps_open = state, None
    transact([versioned_save(donation), *(extra or [])], audit, VIPPS_WEBHOOK)


def _value(amount: Any) -> int:
    value = (amount or {}).get("value") if isinstance(amount, dict) else None
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else 0


def confirm(reference: str) -> str:
    """The return page's status check: the donation's status, having
    captured an authorised payment and credited a captured one that the
    webhook has not brought yet. 'unknown' for a reference we never made."""
    for _attempt in range(MAX_ATTEMPTS):
        donation = load_donation(reference)
        if not int(donation.version or 0) or donation.channel != "vipps":
            return "unknown"
        if donation.credited or donation.status in CLOSED:
            return str(donation.status)
        if vipps_settings().test_flow:
            return str(donation.status)  # the local Vipps sends its events itself
        try:
            payment = client.get_payment(reference)
            payment = capture_if_authorized(reference, donation, payment)
        except client.VippsError:
            return "pending"  # the webhook will bring it; the page says so
        try:
            return settle(reference, donation, payment)
        except (Retry, Conflict):
            continue  # the webhook won the race: read again
    return "pending"


def settle(reference: str, donation: Donation, payment: dict[str, Any]) -> str:
    """Act on Vipps's own view of a payment (GetPaymentResponse): credit
    what is captured (once, as the webhook would), close what ended
    unpaid; 'credited', the closed state, or 'pending'."""
    aggregate = payment.get("aggregate") or {}
    captured = _value(aggregate.get("capturedAmount"))
    if captured and captured >= int(donation.amount):
        credit_captured(status_event(reference, payment, captured), donation,
                        int(donation.amount))
        return "credited"
    state = str(payment.get("state") or "")
    ended = FINAL_STATES.get(state)
    if state == "AUTHORIZED" and not captured and _value(
            aggregate.get("cancelledAmount")):
        ended = "cancelled"  # the reservation was let go before any capture
    if ended is None:
        return "pending"
    mark_ended(donation, ended)
    return ended


def capture_if_authorized(reference: str, donation: Donation,
                          payment: dict[str, Any]) -> dict[str, Any]:
    """Capture what is authorised and not yet captured; the payment after."""
    aggregate = payment.get("aggregate") or {}
    authorized = _value(aggregate.get("authorizedAmount"))
    captured = _value(aggregate.get("capturedAmount"))
    cancelled = _value(aggregate.get("cancelledAmount"))
    if payment.get("state") != "AUTHORIZED" or cancelled or captured >= authorized:
        return payment
    amount = min(authorized, int(donation.amount)) - captured
    if amount <= 0:
        return payment
    return client.capture_payment(reference, amount,
                                 operation_key("capture", reference))


def status_event(reference: str, payment: dict[str, Any],
                 amount: int) -> dict[str, Any]:
    """The record a credit from the status check leaves (the webhook's own
    CAPTURED event, arriving later, then only records itself)."""
    return {"id": f"vipps-{reference}-CAPTURED-statuscheck",
            "type": "epayments.payment.captured.v1",
            "data": {"object": {"reference": reference,
                                "pspReference": str(payment.get("pspReference") or ""),
                                "amount": {"currency": "NOK", "value": amount}}}}
