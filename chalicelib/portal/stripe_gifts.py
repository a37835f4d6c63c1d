"""A monthly card gift at Stripe: its subscription read, its price changed,
its collection paused or resumed, cancelled (Stripe's REST API through
donations/stripe_api.py, the shapes of API 2025-03-31 and later).

Every call carries the donor's change key as Idempotency-Key, so the same
form sent again after a lost answer changes nothing twice. In a local stage
without a Stripe key (the test checkout's `sub_test_...` gifts) no call is
made: the change is only recorded here."""

from __future__ import annotations

from typing import Any

from chalicelib.core.secrets import get_secret
from chalicelib.donations import stripe_api
from chalicelib.donations.service import PaymentsNotConfigured
from chalicelib.donations.settings import donation_settings

PAUSE_BEHAVIOUR = "void"  # invoices made while paused are voided: nothing is owed


def _call(method: str, subscription_id: str, params: dict[str, Any],
          key: str | None) -> dict[str, Any] | None:
    settings = donation_settings()
    if not settings.stripe_configured:
        if settings.test_checkout_allowed:
            return None  # the local test checkout: no Stripe behind it
        raise PaymentsNotConfigured()
    api_key = get_secret("stripe-secret-key", settings.stripe_secret_key)
    return stripe_api.call(method, f"/v1/subscriptions/{subscription_id}", params,
                           api_key, key, api_base=settings.stripe_api_base)


def _product(item: dict[str, Any]) -> str:
    product = (item.get("price") or {}).get("product")
    return str(product.get("id") if isinstance(product, dict) else product)


def change_amount(subscription_id: str, amount: int, key: str) -> None:
    """The subscription's one item gets a monthly price of `amount` øre for
    the same product, from the next invoice (no proration)."""
    found = _call("GET", subscription_id, {}, None)
    if found is None:
        return
    [item, *_] = found["items"]["data"]
    _call("POST", subscription_id, {
        "items": [{"id": item["id"], "price_data": {
            "currency": "nok", "product": _product(item), "unit_amount": amount,
            "recurring": {"interval": "month"}}}],
        "proration_behavior": "none"}, key)


def pause(subscription_id: str, key: str) -> None:
    _call("POST", subscription_id,
          {"pause_collection": {"behavior": PAUSE_BEHAVIOUR}}, key)


def resume(subscription_id: str, key: str) -> None:
    _call("POST", subscription_id, {"pause_collection": ""}, key)


def cancel(subscription_id: str, key: str) -> None:
    """Cancelled at once: no further invoice (Stripe then sends
    `customer.subscription.deleted`, which ends the gift here as well)."""
    _call("DELETE", subscription_id, {}, key)


def set_metadata(subscription_id: str, metadata: dict[str, str], key: str) -> None:
    """Metadata the subscription's next invoices carry (an empty value
    removes the key at Stripe)."""
    _call("POST", subscription_id, {"metadata": metadata}, key)
