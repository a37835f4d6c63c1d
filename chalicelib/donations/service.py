"""Donations: the donor's choice checked against the rules, campaigns, and
the views finance needs. Stripe and the webhook live in `checkout.py` and
`webhook.py`; money reaches a fund only through the ledger."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import NamedTuple

from chalicelib.core.clock import oslo_date
from chalicelib.donations.models import Campaign
from chalicelib.donations.settings import donation_settings
from chalicelib.errors import N_, Conflict, DomainError, NotFound, ValidationFailed
from chalicelib.funds.service import UnknownFund, get_fund

PRESET_AMOUNTS_NOK = (200, 500, 1000)
FREQUENCIES = ("once", "monthly")
METHODS = ("vipps", "card")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{2,}$")
THANKS_NAME_MAX = 80


class UnknownCampaign(NotFound):
    code = "unknown_campaign"
    message = N_("There is no campaign %(campaign)s.")


class CampaignExists(Conflict):
    code = "campaign_exists"
    field = "campaign_id"
    message = N_("A campaign with the id %(campaign)s exists already.")


class PaymentsNotConfigured(DomainError):
    code = "payments_not_configured"
    status = 503
    message = N_("Online payment is not configured yet. Please try again later.")


class DonationRequest(NamedTuple):
    """What a donor chose on the form, checked."""

    amount: int  # øre, whole NOK
    frequency: str
    fund_id: str
    campaign_id: str | None
    wants_thanks: bool
    thanks_name: str
    lang: str
    nonce: str
    method: str = "card"  # "vipps" or "card" (Stripe)
    email: str = ""  # for our receipt; Stripe asks for it itself

    def idempotency_key(self) -> str:
        """The same form submitted twice creates one Checkout Session."""
        parts = [self.nonce, str(self.amount), self.frequency, self.fund_id,
                 self.campaign_id or "", self.thanks_name]
        return "donate-" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]

    def metadata(self) -> dict[str, str]:
        data = {"fund_id": self.fund_id, "frequency": self.frequency,
                "lang": self.lang, "thanks": "1" if self.wants_thanks else "0"}
        if self.campaign_id:
            data["campaign_id"] = self.campaign_id
        if self.wants_thanks:
            data["thanks_name"] = self.thanks_name
        return data


def _amount(form: dict[str, str], errors: dict[str, str]) -> int:
    settings = donation_settings()
    raw = form.get("custom_amount") or form.get("amount") or ""
    raw = raw.replace(" ", "").replace("\u00a0", "")
    if not re.fullmatch(r"\d{1,9}", raw):
        errors["amount"] = N_("Enter a whole number of kroner.")
        return 0
    kroner = int(raw)
    if not settings.min_nok <= kroner <= settings.max_nok:
        errors["amount"] = N_("Choose an amount between the minimum and the maximum.")
    return kroner * 100


def _fund_and_campaign(
    form: dict[str, str], errors: dict[str, str]
) -> tuple[str, str | None]:
    campaign_id = form.get("campaign") or None
    fund_id = form.get("fund") or "general"
    if campaign_id:
        campaign = find_active_campaign(campaign_id)
        if campaign is None:
            errors["campaign"] = N_("This campaign is not open for gifts.")
            return fund_id, None
        return str(campaign.fund_id), campaign_id
    try:
        fund = get_fund(fund_id)
    except UnknownFund:
        fund = None
    if fund is None or not fund.public or not fund.active:
        errors["fund"] = N_("Choose one of the purposes in the list.")
    return fund_id, None


def validate_donation(form: dict[str, str], lang: str) -> DonationRequest:
    """The donor's form as a DonationRequest; ValidationFailed lists each field."""
    errors: dict[str, str] = {}
    if form.get("website"):  # a honeypot: people never see this field
        raise ValidationFailed(message=N_("The form could not be read."))
    amount = _amount(form, errors)
    frequency = form.get("frequency") or "once"
    if frequency not in FREQUENCIES:
        errors["frequency"] = N_("Choose one-off or monthly.")
    fund_id, campaign_id = _fund_and_campaign(form, errors)
    wants_thanks = form.get("thanks") == "1"
    thanks_name = " ".join((form.get("thanks_name") or "").split())
    if wants_thanks and not 1 <= len(thanks_name) <= THANKS_NAME_MAX:
        errors["thanks_name"] = N_("Write the name we may thank (at most 80 letters).")
    method = _method(form, frequency, errors)
    email = (form.get("email") or "").strip()
    if email and (len(email) > 200 or not EMAIL.match(email)):
        errors["email"] = N_("Enter a valid email address, or leave it empty.")
    if errors:
        raise ValidationFailed(fields=errors)
    return DonationRequest(amount, frequency, fund_id, campaign_id, wants_thanks,
                           thanks_name if wants_thanks else "", lang,
                           form.get("nonce") or "", method, email)


def _method(form: dict[str, str], frequency: str, errors: dict[str, str]) -> str:
    """How the donor pays: Vipps or card (one-off or monthly); card when absent."""
    method = form.get("method") or "card"
    if method not in METHODS:
        errors["method"] = N_("Choose Vipps or card.")
    elif method == "vipps":
        from chalicelib.vipps.settings import vipps_settings

        if not vipps_settings().enabled:
            errors["method"] = N_("Vipps is not available right now: choose card.")
    return method


# --- campaigns -------------------------------------------------------------

def find_active_campaign(
    campaign_id: str, today: date | None = None
) -> Campaign | None:
    """The campaign if donors may give to it today, else None."""
    try:
        campaign = Campaign.get(campaign_id)
    except Campaign.DoesNotExist:
        return None
    day = (today or oslo_date()).isoformat()
    if not campaign.active or not campaign.starts <= day <= campaign.ends:
        return None
    return campaign


def get_campaign(campaign_id: str) -> Campaign:
    try:
        return Campaign.get(campaign_id)
    except Campaign.DoesNotExist:
        raise UnknownCampaign(campaign=campaign_id) from None


def list_campaigns() -> list[Campaign]:
    campaigns = list(Campaign.scan())  # a handful a year
    return sorted(campaigns, key=lambda c: (c.starts, c.campaign_id), reverse=True)
