"""What a signed Stripe event must say before it may move money: a positive
amount in NOK, the stage's `livemode`, no Connect account but ours, and a
public, active fund (never a cash box) and a real campaign in its metadata.
An event that fails is acknowledged and kept for finance instead."""

from __future__ import annotations

import time
from typing import Any

from chalicelib.donations.models import Campaign
from chalicelib.donations.settings import donation_settings
from chalicelib.errors import N_
from chalicelib.funds.service import UnknownFund, get_fund

REASONS = {
    "amount_not_positive": N_("The amount is zero or negative."),
    "currency_not_nok": N_("The currency is not NOK."),
    "livemode_mismatch": N_("The event is from the wrong Stripe mode (test or live)."),
    "unknown_account": N_("The event names a Stripe account that is not ours."),
    "fund_not_allowed": N_("The fund is unknown, not public, closed or not a fund."),
    "unknown_campaign": N_("The campaign does not exist."),
    # Vipps MobilePay (chalicelib/vipps/webhook.py)
    "unknown_reference": N_("No gift was started with this Vipps reference."),
    "unknown_merchant": N_("The event is for another Vipps merchant serial number."),
    "amount_mismatch": N_("The amount differs from the gift that was started."),
    "vipps_not_automated": N_("Vipps sent an event the platform does not act on "
                              "by itself (e.g. a refund of a monthly charge): "
                              "check it in the Vipps portal."),
    "vipps_charge_refused": N_("Vipps refused to create this month's charge of a "
                               "monthly gift: the month is unpaid. Check the "
                               "agreement in the Vipps portal."),
}
# event type -> the object's amount field, and whether it credits a fund
MONEY = {
    "checkout.session.completed": ("amount_total", True),
    "checkout.session.async_payment_succeeded": ("amount_total", True),
    "invoice.paid": ("amount_paid", True),
    "invoice_payment.paid": ("amount_paid", False),
    "charge.refunded": ("amount_refunded", False),
    "refund.created": ("amount", False),
    "refund.updated": ("amount", False),
    "charge.dispute.created": ("amount", False),
    "charge.dispute.closed": ("amount", False),
}


# Funds and campaigns that passed, for a few minutes per process: most events
# then cost no extra read. The ledger's own conditions still refuse a missing
# fund or campaign; a fund closed meanwhile is caught after at most KEEP_S.
KEEP_S = 300.0
_passed: dict[str, float] = {}


def forget() -> None:
    """Drop what this process remembered (tests; a fund changed)."""
    _passed.clear()


def _remembered(key: str) -> bool:
    return _passed.get(key, 0.0) > time.monotonic()


def _remember(key: str) -> None:
    _passed[key] = time.monotonic() + KEEP_S


def problem(event: dict[str, Any]) -> str | None:
    """The reason code why `event` must not move money, or None."""
    settings = donation_settings()
    if event.get("livemode") is not settings.stripe_livemode:
        return "livemode_mismatch"
    account = event.get("account")
    if account and account != settings.stripe_account:
        return "unknown_account"
    kind = str(event.get("type"))
    if kind not in MONEY:
        return None
    obj = event["data"]["object"]
    field, credits = MONEY[kind]
    return _amount_problem(kind, obj, field) or (
        _fund_problem(kind, obj) if credits else None)


def _amount_problem(kind: str, obj: dict[str, Any], field: str) -> str | None:
    amount = obj.get(field)
    if kind == "checkout.session.completed" and obj.get("payment_status") != "paid":
        amount = amount if amount is not None else 1  # paid later, checked then
    if not isinstance(amount, int) or isinstance(amount, bool):
        return "amount_not_positive"
    # a zero invoice (a free month) is acknowledged as nothing to credit
    if amount < 0 or (amount == 0 and kind != "invoice.paid"):
        return "amount_not_positive"
    if str(obj.get("currency") or "").lower() != "nok":
        return "currency_not_nok"
    return None


def _fund_problem(kind: str, obj: dict[str, Any]) -> str | None:
    from chalicelib.donations.events import _invoice_metadata

    meta = _invoice_metadata(obj) if kind == "invoice.paid" else dict(
        obj.get("metadata") or {})
    return fund_problem(meta)


def fund_problem(meta: dict[str, str]) -> str | None:
    """Why a gift with this metadata may not be credited (its fund is not a
    public, active fund; its campaign does not exist), or None."""
    fund_key = f"fund:{meta.get('fund_id') or 'general'}"
    if not _remembered(fund_key):
        try:
            fund = get_fund(fund_key[5:])
        except UnknownFund:
            return "fund_not_allowed"
        if (fund.kind or "fund") != "fund" or not fund.public or not fund.active:
            return "fund_not_allowed"
        _remember(fund_key)
    campaign_key = f"campaign:{meta.get('campaign_id') or ''}"
    if meta.get("campaign_id") and not _remembered(campaign_key):
        try:
            Campaign.get(campaign_key[9:])
        except Campaign.DoesNotExist:
            return "unknown_campaign"
        _remember(campaign_key)
    return None
