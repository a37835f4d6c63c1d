"""The local Vipps: with no Vipps keys in a local stage, a clearly marked test
page stands in for Vipps's landing page and app. Approving or cancelling
there sends correctly signed events of the ePayment webhook's documented
shape to the app's own webhook, as Vipps would (CREATED, AUTHORIZED and
CAPTURED, or CREATED and ABORTED), so the whole path runs locally. For a
monthly gift (Recurring API) the same page approves the agreement
(`agreement-activated` and the initial charge's `charge-captured`) or
rejects it; the charge job's charges are captured at once."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

from chalicelib.config import get_settings
from chalicelib.core.secrets import get_secret
from chalicelib.donations.models import Donation
from chalicelib.donations.settings import donation_settings
from chalicelib.vipps import signature
from chalicelib.vipps.settings import vipps_secret

WEBHOOK_PATH = "/webhooks/vipps"


def _mac(reference: str) -> str:
    key = get_secret("secret-key", get_settings().secret_key).encode()
    message = b"vipps-test:" + reference.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def landing_url(reference: str) -> str:
    return f"/vipps/test-landing?token={quote(reference)}.{_mac(reference)}"


def read_token(token: str) -> str | None:
    """The reference a landing token names, or None when it was not ours."""
    reference, _, mac = (token or "").rpartition(".")
    if not reference or not hmac.compare_digest(_mac(reference), mac):
        return None
    return reference


def payload(donation: Donation, name: str, seq: int) -> dict[str, Any]:
    """One ePayment webhook event (WebhookEvent in docs/epayment.v1.yml)."""
    reference = str(donation.donation_id)
    digest = hashlib.sha256(f"{reference}:{name}".encode()).hexdigest()
    return {
        "msn": vipps_secret("vipps-msn"),
        "reference": reference,
        "pspReference": str(int(digest[:15], 16)),
        "name": name,
        "amount": {"currency": "NOK", "value": int(donation.amount)},
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds")
        .replace("+00:00", "Z"),
        "idempotencyKey": f"{name.lower()}-{reference}"[:50] if seq else None,
        "success": True,
    }


def deliver(body: dict[str, Any]) -> str:
    """Sign `body` as Vipps does and hand it to our webhook."""
    from chalicelib.vipps.webhook import receive

    raw = json.dumps(body).encode()
    host = urlsplit(donation_settings().public_base_url).netloc or "127.0.0.1"
    headers = signature.sign(raw, vipps_secret("vipps-webhook-secret"),
                             WEBHOOK_PATH, host)
    return receive(raw, headers, WEBHOOK_PATH)


def complete(reference: str, approve: bool) -> None:
    """What Vipps would send when the donor approves (or cancels)."""
    donation = Donation.get(reference)
    names = ["CREATED", "AUTHORIZED", "CAPTURED"] if approve else ["CREATED", "ABORTED"]
    for seq, name in enumerate(names):
        deliver(payload(donation, name, seq))


# --- monthly gifts (Recurring API) -----------------------------------------

def agreement_landing_url(reference: str, lang: str) -> str:
    token = f"{quote(reference)}.{_mac(reference)}"
    return f"/vipps/test-agreement?token={token}&lang={lang}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def agreement_payload(agreement_id: str, reference: str, event_type: str,
                      actor: str = "USER") -> dict[str, Any]:
    """A Recurring agreement event (docs: Recurring webhooks)."""
    return {"msn": vipps_secret("vipps-msn"), "agreementId": agreement_id,
            "agreementExternalId": reference, "eventType": event_type,
            "occurred": _now(), "actor": actor}


def charge_payload(agreement_id: str, charge_id: str, amount: int, event_type: str,
                   charge_type: str = "RECURRING") -> dict[str, Any]:
    """A Recurring charge event (docs: Recurring webhooks)."""
    digest = hashlib.sha256(f"{charge_id}:{event_type}".encode()).hexdigest()
    return {"msn": vipps_secret("vipps-msn"), "agreementId": agreement_id,
            "chargeId": charge_id, "chargeExternalId": charge_id,
            "chargeType": charge_type, "amount": amount, "currency": "NOK",
            "eventType": event_type, "occurred": _now(),
            "transactionId": str(int(digest[:15], 16))}


def complete_agreement(reference: str, approve: bool) -> None:
    """What Vipps would send when the donor approves the agreement (it is
    activated and its initial charge captured) or rejects it."""
    from chalicelib.vipps.agreements import load_gift

    gift = load_gift(reference)
    if gift is None or not gift.agreement_id:
        return
    agreement_id = str(gift.agreement_id)
    if not approve:
        deliver(agreement_payload(agreement_id, reference,
                                  "recurring.agreement-rejected.v1"))
        return
    deliver(agreement_payload(agreement_id, reference,
                              "recurring.agreement-activated.v1"))
    deliver(charge_payload(agreement_id, str(gift.first_charge), int(gift.amount),
                           "recurring.charge-captured.v1", "INITIAL"))


def capture_charge(agreement_id: str, charge_id: str, amount: int) -> None:
    """The local Vipps takes a month's charge at once (no due date waits)."""
    deliver(charge_payload(agreement_id, charge_id, amount,
                           "recurring.charge-captured.v1"))
