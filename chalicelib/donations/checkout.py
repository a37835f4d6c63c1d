"""From a checked DonationRequest to a payment page: Stripe Checkout when a
key is set, the built-in test checkout in local stages without one.
Card-testing defences (rate limit, CAPTCHA) run before Stripe is called."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import quote

from chalicelib.auth.ratelimit import check_and_hit
from chalicelib.config import get_settings
from chalicelib.core.secrets import get_secret
from chalicelib.donations.service import DonationRequest, PaymentsNotConfigured
from chalicelib.donations.settings import donation_settings
from chalicelib.errors import N_, ValidationFailed

PRODUCT_NAMES = {"once": "Gave", "monthly": "Månedlig gave"}


def start_checkout(request: DonationRequest, client_ip: str, captcha: str) -> str:
    """The URL the donor is sent to; nothing is created when a defence says no."""
    settings = donation_settings()
    if not settings.stripe_configured and not settings.test_checkout_allowed:
        raise PaymentsNotConfigured()
    check_defences(client_ip, captcha)
    if settings.stripe_configured:
        return create_stripe_session(request)
    return "/donate/test-checkout?token=" + quote(sign_test_session(request))


def check_defences(client_ip: str, captcha: str) -> None:
    """The card-testing defences every payment method shares: a rate limit
    per address, then the CAPTCHA when one is configured."""
    settings = donation_settings()
    check_and_hit(f"checkout:{client_ip}", settings.checkout_rate_limit,
                  settings.checkout_rate_window)
    if settings.turnstile_secret and not verify_captcha(captcha, client_ip):
        raise ValidationFailed(fields={"captcha": N_("Please confirm you are human.")})


def _line_item(request: DonationRequest) -> dict[str, Any]:
    price: dict[str, Any] = {
        "currency": "nok",
        "unit_amount": request.amount,
        "product_data": {"name": PRODUCT_NAMES[request.frequency]},
    }
    if request.frequency == "monthly":
        price["recurring"] = {"interval": "month"}
    return {"price_data": price, "quantity": 1}


def session_params(request: DonationRequest) -> dict[str, Any]:
    base = donation_settings().public_base_url
    campaign = f"&campaign={quote(request.campaign_id)}" if request.campaign_id else ""
    params: dict[str, Any] = {
        "mode": "subscription" if request.frequency == "monthly" else "payment",
        "line_items": [_line_item(request)],
        "metadata": request.metadata(),
        "locale": {"nb": "nb", "en": "en", "es": "es"}[request.lang],
        "success_url": f"{base}/donate/thanks?session_id={{CHECKOUT_SESSION_ID}}",
        "cancel_url": f"{base}/donate?lang={request.lang}{campaign}",
    }
    if request.email:
        params["customer_email"] = request.email
    if request.frequency == "monthly":
        params["subscription_data"] = {"metadata": request.metadata()}
    else:
        params["payment_intent_data"] = {"metadata": request.metadata()}
        params["submit_type"] = "donate"
    return params


def create_stripe_session(request: DonationRequest) -> str:
    """A Stripe Checkout Session; the same form twice gives the same session."""
    from chalicelib.donations import stripe_api

    settings = donation_settings()
    api_key = get_secret("stripe-secret-key", settings.stripe_secret_key)
    session = stripe_api.create("/v1/checkout/sessions", session_params(request),
                                api_key, request.idempotency_key(),
                                api_base=settings.stripe_api_base)
    return str(session["url"])


def verify_captcha(token: str, client_ip: str) -> bool:
    """Cloudflare Turnstile, checked on the server."""
    import urllib.parse
    import urllib.request

    settings = donation_settings()
    if not token:
        return False
    data = urllib.parse.urlencode({"secret": settings.turnstile_secret,
                                   "response": token, "remoteip": client_ip})
    try:
        with urllib.request.urlopen(  # noqa: S310 - a fixed https URL from settings
            settings.turnstile_verify_url, data.encode(), timeout=5
        ) as answer:
            return bool(json.loads(answer.read()).get("success"))
    except (OSError, ValueError):
        return False


# --- the built-in test checkout (local stages without a Stripe key) --------

def _mac(payload: bytes) -> str:
    key = get_secret("secret-key", get_settings().secret_key).encode()
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def sign_test_session(request: DonationRequest) -> str:
    data = {"amount": request.amount, "frequency": request.frequency,
            "metadata": request.metadata(), "key": request.idempotency_key(),
            "at": int(time.time())}
    payload = base64.urlsafe_b64encode(json.dumps(data).encode())
    return f"{payload.decode()}.{_mac(payload)}"


def read_test_session(token: str) -> dict[str, Any] | None:
    """The test session a token describes, or None when it was not ours."""
    payload, _, mac = (token or "").partition(".")
    if not payload or not hmac.compare_digest(_mac(payload.encode()), mac):
        return None
    try:
        data: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload))
    except ValueError:
        return None
    return data
