"""Donation test helpers: settings per test, demo funds, signed events."""
from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest

from chalicelib.donations import receipts
from chalicelib.donations.settings import donation_settings
from chalicelib.funds import demo as funds_demo

WEBHOOK_SECRET = "whsec_test_secret_for_the_suite"


@pytest.fixture(autouse=True)
def donation_env(monkeypatch, tmp_path):
    """Fresh settings for each test: a known webhook secret, an outbox folder."""
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    monkeypatch.setenv("EMAIL_OUTBOX_DIR", str(tmp_path / "outbox"))
    monkeypatch.delenv("STRIPE_SECRET_KEY", raising=False)
    donation_settings.cache_clear()
    receipts._SENDER = None
    yield tmp_path / "outbox"
    donation_settings.cache_clear()
    receipts._SENDER = None


@pytest.fixture
def funds():
    funds_demo.load()


def sign(raw: bytes, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    stamp = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + raw, hashlib.sha256)
    return f"t={stamp},v1={digest.hexdigest()}"


def deliver(client, event: dict, secret: str = WEBHOOK_SECRET, at: int | None = None,
            raw: bytes | None = None):
    body = raw if raw is not None else json.dumps(event).encode()
    signature = sign(json.dumps(event).encode() if raw is not None else body, secret, at)
    return client.post("/webhooks/stripe", body=body, headers={
        "Content-Type": "application/json", "Stripe-Signature": signature})


def event(event_id: str, event_type: str, obj: dict) -> dict:
    return {"id": event_id, "object": "event", "type": event_type,
            "created": 1764400000, "data": {"object": obj}}


def session_completed(n: int, amount_nok: int, fund: str = "general",
                      campaign: str | None = None, paid: bool = True,
                      email: str | None = "donor@example.org", **meta) -> dict:
    metadata = {"fund_id": fund, "lang": "nb", "thanks": "0", **meta}
    if campaign:
        metadata["campaign_id"] = campaign
    return {"id": f"cs_{n}", "object": "checkout.session", "mode": "payment",
            "payment_status": "paid" if paid else "unpaid",
            "amount_total": amount_nok * 100, "currency": "nok",
            "payment_intent": f"pi_{n}", "customer_details": {"email": email},
            "metadata": metadata}


def charge_refunded(n: int, refunded_nok: int, amount_nok: int) -> dict:
    return {"id": f"ch_{n}", "object": "charge", "payment_intent": f"pi_{n}",
            "amount": amount_nok * 100, "amount_refunded": refunded_nok * 100,
            "currency": "nok", "refunded": refunded_nok == amount_nok}


def invoice_paid(n: int, amount_nok: int, fund: str, first: bool,
                 campaign: str | None = None) -> dict:
    metadata = {"fund_id": fund, "lang": "nb", "thanks": "0"}
    if campaign:
        metadata["campaign_id"] = campaign
    return {"id": f"in_{n}", "object": "invoice", "amount_paid": amount_nok * 100,
            "currency": "nok", "customer_email": "monthly@example.org",
            "billing_reason": "subscription_create" if first else "subscription_cycle",
            "payment_intent": f"pi_inv_{n}", "subscription": "sub_1",
            "parent": {"subscription_details": {"metadata": metadata,
                                                "subscription": "sub_1"}}}


def balance(fund_id: str) -> int:
    from chalicelib.funds.service import get_fund

    return int(get_fund(fund_id).balance)
