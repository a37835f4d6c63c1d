"""The Vipps MobilePay Recurring API v3, on the same small client as the
ePayment calls (`client.call`: token cache, headers, RFC 7807 errors).

Shapes: vippsas/vipps-recurring-api docs/openapi.yaml (DraftAgreementV3,
DraftAgreementResponseV3, AgreementResponseV3, PatchAgreementV3,
CreateChargeV3, ChargeResponseV3). An `Idempotency-Key` of the Recurring
API is 1 to 40 characters without `#`, `?`, `/` or `\\`; amounts are øre."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from chalicelib.vipps.client import call

AGREEMENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,36}$")
CHARGE_ID = re.compile(r"^[A-Za-z0-9_-]{1,50}$")
KEY = re.compile(r"^[^#?/\\]{1,40}$")


def _key(idempotency_key: str) -> str:
    if not KEY.match(idempotency_key):
        raise ValueError("a Recurring Idempotency-Key is 1-40 characters")
    return idempotency_key


def _agreement(agreement_id: str) -> str:
    if not AGREEMENT_ID.match(agreement_id):
        raise ValueError("not a Vipps agreement id")
    return quote(agreement_id)


def _charge(charge_id: str) -> str:
    if not CHARGE_ID.match(charge_id):
        raise ValueError("not a Vipps charge id")
    return quote(charge_id)


def create_agreement(body: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
    """`POST /recurring/v3/agreements`: `{agreementId, uuid,
    vippsConfirmationUrl, chargeId}` (chargeId: the initial charge's)."""
    return call("POST", "/recurring/v3/agreements", body, _key(idempotency_key))


def get_agreement(agreement_id: str) -> dict[str, Any]:
    """`GET /recurring/v3/agreements/{id}`: its `status` (PENDING, ACTIVE,
    STOPPED, EXPIRED) among others."""
    return call("GET", f"/recurring/v3/agreements/{_agreement(agreement_id)}")


def stop_agreement(agreement_id: str, idempotency_key: str) -> dict[str, Any]:
    """`PATCH /recurring/v3/agreements/{id}` `{"status": "STOPPED"}` (204)."""
    return call("PATCH", f"/recurring/v3/agreements/{_agreement(agreement_id)}",
                {"status": "STOPPED"}, _key(idempotency_key))


def change_amount(agreement_id: str, amount: int,
                  idempotency_key: str) -> dict[str, Any]:
    """`PATCH /recurring/v3/agreements/{id}` `{"pricing": {"amount": øre}}`
    (204; PatchAgreementV3's AgreementPricingUpdateRequest: the price of a
    LEGACY-priced agreement, at least 100 øre). Charges made after it use
    the new amount; the donor sees it in the app."""
    return call("PATCH", f"/recurring/v3/agreements/{_agreement(agreement_id)}",
                {"pricing": {"amount": int(amount)}}, _key(idempotency_key))


def create_charge(agreement_id: str, body: dict[str, Any],
                  idempotency_key: str) -> dict[str, Any]:
    """`POST /recurring/v3/agreements/{id}/charges`: `{chargeId}`."""
    return call("POST", f"/recurring/v3/agreements/{_agreement(agreement_id)}/charges",
                body, _key(idempotency_key))


def get_charge(agreement_id: str, charge_id: str) -> dict[str, Any]:
    """`GET .../charges/{chargeId}`: `status` (PENDING, DUE, RESERVED,
    CHARGED, FAILED, CANCELLED, ...) and `summary {captured, refunded,
    cancelled}`."""
    return call("GET", f"/recurring/v3/agreements/{_agreement(agreement_id)}"
                f"/charges/{_charge(charge_id)}")
