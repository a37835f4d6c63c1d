"""Monthly gifts by Vipps MobilePay: Recurring API v3 agreements.

1. `start_agreement`: the donor's checked form becomes a pending monthly
   gift keyed by its reference (`mnd-<32 hex>`, the same for the same form
   sent twice) and the pending donation of its first month (the initial
   charge, id `<reference>-<YYYYMM>`), then `POST /recurring/v3/agreements`
   (price in øre, monthly, an initial charge DIRECT_CAPTURE so the first
   month is paid on approval) gives the `vippsConfirmationUrl` the donor is
   sent to. A pointer item `agr_...` -> reference finds the gift from
   Vipps's events.
2. The agreement becomes ACTIVE (event or return page): the gift is active,
   its next charge due a month on (`charges.py` creates each charge).
3. STOPPED, EXPIRED or rejected: the monthly gift ends; nothing more is
   charged. The donor can stop it at the signed link in every receipt.

With no Vipps keys in a local stage (`test_flow`) no API is called: the
local Vipps (`testmode.py`) stands in for the landing page and the app."""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import date
from typing import Any, NamedTuple

from pynamodb.exceptions import PutError

from chalicelib.core.clock import now_utc, oslo_date
from chalicelib.db import is_condition_failure
from chalicelib.donations.crediting import VIPPS_WEBHOOK, Retry, transact
from chalicelib.donations.models import Donation, MonthlyGift
from chalicelib.donations.service import DonationRequest, PaymentsNotConfigured
from chalicelib.donations.settings import donation_settings
from chalicelib.errors import N_, DomainError
from chalicelib.vipps import client, recurring_api
from chalicelib.vipps.payments import VippsUnavailable
from chalicelib.vipps.settings import vipps_settings

log = logging.getLogger("ngo.vipps")
ENDED = ("stopped", "expired", "rejected")
CHARGE_DAY_MAX = 28  # every month has it


class Started(NamedTuple):
    reference: str
    url: str


class UnknownGift(DomainError):
    code = "unknown_monthly_gift"
    status = 404
    message = N_("There is no such monthly gift.")


def reference_for(request: DonationRequest) -> str:
    """The monthly gift's reference: the same for the same form sent twice."""
    return "mnd-" + request.idempotency_key().removeprefix("donate-")[:32]


def period_of(day: date) -> str:
    return day.strftime("%Y%m")


def charge_id(reference: str, period: str) -> str:
    """Our id of one month's charge, sent as its `orderId` (Vipps then uses
    it as the `chargeId`): at most 50 of [a-zA-Z0-9-]."""
    return f"{reference}-{period}"


def return_url(reference: str, lang: str) -> str:
    base = donation_settings().public_base_url
    return f"{base}/vipps/monthly/return?reference={reference}&lang={lang}"


def _mac(reference: str) -> str:
    from chalicelib.web.csrf import secret_key

    message = f"vipps-monthly:{reference}".encode()
    return hmac.new(secret_key(), message, hashlib.sha256).hexdigest()[:32]


def manage_token(reference: str) -> str:
    return f"{reference}.{_mac(reference)}"


def read_manage_token(token: str) -> str | None:
    """The reference a donor's link names, or None when it is not ours."""
    reference, _, mac = (token or "").partition(".")
    if not reference.startswith("mnd-") or len(reference) > 40:
        return None
    return reference if hmac.compare_digest(_mac(reference), mac) else None


def manage_url(reference: str, lang: str) -> str:
    """The donor's page to see and stop the gift (also Vipps's
    `merchantAgreementUrl`): a signed link, it never expires."""
    base = donation_settings().public_base_url
    return f"{base}/vipps/monthly?t={manage_token(reference)}&lang={lang}"


def load_gift(reference: str) -> MonthlyGift | None:
    try:
        gift = MonthlyGift.get(reference, consistent_read=True)
    except MonthlyGift.DoesNotExist:
        return None
    return gift if gift.channel == "vipps" and not gift.alias_of else None


def gift_of_agreement(agreement_id: str, external_id: str = "") -> MonthlyGift | None:
    """The monthly gift a Vipps agreement id belongs to (its pointer item),
    else the one its externalId names."""
    try:
        pointer = MonthlyGift.get(agreement_id)
    except MonthlyGift.DoesNotExist:
        pointer = None
    reference = str(pointer.alias_of) if pointer and pointer.alias_of else external_id
    gift = load_gift(reference) if reference else None
    return gift if gift and gift.agreement_id == agreement_id else None


def _pending_gift(request: DonationRequest, reference: str) -> MonthlyGift:
    gift = MonthlyGift(
        reference, channel="vipps", version=1, status="pending", ended=False,
        fund_id=request.fund_id, campaign_id=request.campaign_id,
        amount=request.amount, wants_thanks=request.wants_thanks,
        thanks_name=request.thanks_name or None, lang=request.lang,
        email=request.email or None,
        first_charge=charge_id(reference, period_of(oslo_date())))
    try:
        gift.save(condition=MonthlyGift.subscription_id.does_not_exist())
    except PutError as error:
        if not is_condition_failure(error):
            raise
        return MonthlyGift.get(reference, consistent_read=True)
    return gift


def pending_charge(gift: MonthlyGift, key: str) -> Donation:
    """The pending donation of one month's charge (made once)."""
    donation = Donation(
        key, version=1, status="pending", credited=False,
        amount=int(gift.amount), currency="NOK", channel="vipps",
        frequency="monthly", fund_id=gift.fund_id, campaign_id=gift.campaign_id,
        wants_thanks=bool(gift.wants_thanks), thanks_name=gift.thanks_name,
        lang=gift.lang or "nb", email=gift.email,
        subscription_id=str(gift.subscription_id))
    try:
        donation.save(condition=Donation.donation_id.does_not_exist())
    except PutError as error:
        if not is_condition_failure(error):
            raise
        return Donation.get(key)
    return donation


def _texts(lang: str) -> tuple[str, str]:
    from chalicelib.web.i18n import translate

    org = donation_settings().organisation
    return (translate(lang, N_("Monthly gift to %(org)s"), org=org)[:45],
            translate(lang, N_("Your monthly gift. You can stop it at any time."))
            [:100])


def agreement_body(gift: MonthlyGift) -> dict[str, Any]:
    """The DraftAgreementV3 of a pending gift."""
    reference, lang = str(gift.subscription_id), str(gift.lang or "nb")
    name, description = _texts(lang)
    return {
        "pricing": {"type": "LEGACY", "currency": "NOK", "amount": int(gift.amount)},
        "interval": {"unit": "MONTH", "count": 1},
        "merchantRedirectUrl": return_url(reference, lang),
        "merchantAgreementUrl": manage_url(reference, lang),
        "productName": name,
        "productDescription": description,
        "externalId": reference,
        "initialCharge": {"amount": int(gift.amount), "description": name,
                          "transactionType": "DIRECT_CAPTURE",
                          "orderId": str(gift.first_charge)},
    }


def _record_agreement(gift: MonthlyGift, agreement_id: str, url: str) -> None:
    """Keep the agreement's id and URL, and its pointer, in one transaction."""
    from chalicelib.vipps.states import versioned

    gift.agreement_id, gift.confirmation_url = agreement_id, url
    pointer = MonthlyGift(agreement_id, channel="vipps",
                          alias_of=str(gift.subscription_id))
    transact([versioned(gift), lambda tx: tx.save(pointer)],
             ("create", "vipps_agreement", agreement_id), VIPPS_WEBHOOK)


def start_agreement(request: DonationRequest) -> Started:
    """Create the Vipps agreement of a checked, defended monthly form; where
    to send the donor. VippsUnavailable when Vipps answers 4xx/5xx: nothing
    is charged, the donor can choose card."""
    settings = vipps_settings()
    if not settings.enabled:
        raise PaymentsNotConfigured()
    reference = reference_for(request)
    gift = _pending_gift(request, reference)
    if gift.status != "pending":  # this very form was approved (or ended)
        return Started(reference, return_url(reference, request.lang))
    pending_charge(gift, str(gift.first_charge))
    if gift.confirmation_url:  # sent twice: the same agreement
        return Started(reference, str(gift.confirmation_url))
    if settings.test_flow:
        from chalicelib.vipps.testmode import agreement_landing_url

        url = agreement_landing_url(reference, request.lang)
        _record_agreement(gift, "agr-test-" + reference[4:20], url)
        return Started(reference, url)
    try:
        answer = recurring_api.create_agreement(
            agreement_body(gift), idempotency_key="agr-" + reference[4:])
    except client.VippsError as error:
        log.warning("Vipps did not create agreement %s: %s (trace %s)", reference,
                    error.status, error.problem.get("contextId") or error.trace_id
                    or "-")
        raise VippsUnavailable() from None
    url = str(answer.get("vippsConfirmationUrl") or "")
    agreement_id = str(answer.get("agreementId") or "")
    if not url.startswith("https://") or not recurring_api.AGREEMENT_ID.match(
            agreement_id):
        log.warning("Vipps created agreement %s without its id or URL", reference)
        raise VippsUnavailable()
    try:
        _record_agreement(gift, agreement_id, url)
    except Retry:  # a second submit recorded it first: the same agreement
        pass
    return Started(reference, url)


def now_text() -> str:
    return now_utc().isoformat(timespec="seconds")
