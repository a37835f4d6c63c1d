"""Donation test helpers: settings per test, demo funds, signed events."""
from __future__ import annotations

import copy
import hashlib
import hmac
import json
import time
from pathlib import Path

import pytest

from chalicelib.donations import checks
from chalicelib.donations.settings import donation_settings
from chalicelib.funds import demo as funds_demo

WEBHOOK_SECRET = "whsec_test_secret_for_the_suite"


@pytest.fixture(autouse=True)
def donation_env(monkeypatch, tmp_path):
    """Fresh settings for each test: a known webhook secret."""
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    monkeypatch.delenv("STRIPE_SECRET_KEY", raising=False)
    donation_settings.cache_clear()
    checks.forget()
    yield
    donation_settings.cache_clear()
    checks.forget()


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


SPEC = json.loads((Path(__file__).parent / "fixtures" / "stripe_openapi.json")
                  .read_text())


def spec_object(kind: str, **fields) -> dict:
    """A `kind` object as Stripe's OpenAPI spec describes it, with `fields` set."""
    return {**copy.deepcopy(SPEC["examples"][kind]), **fields}


def event(event_id: str, event_type: str, obj: dict, livemode: bool = False) -> dict:
    return {"id": event_id, "object": "event", "type": event_type,
            "api_version": "2025-06-30.basil", "created": 1764400000,
            "livemode": livemode, "pending_webhooks": 1, "request": None,
            "data": {"object": obj}}


def session_completed(n: int, amount_nok: int, fund: str = "general",
                      campaign: str | None = None, paid: bool = True,
                      email: str | None = "donor@example.org", **meta) -> dict:
    metadata = {"fund_id": fund, "lang": "nb", "thanks": "0", **meta}
    if campaign:
        metadata["campaign_id"] = campaign
    details = {**SPEC["examples"]["checkout.session"]["customer_details"],
               "email": email}
    return spec_object("checkout.session", id=f"cs_{n}", mode="payment",
                       payment_status="paid" if paid else "unpaid",
                       status="complete", amount_total=amount_nok * 100,
                       currency="nok", payment_intent=f"pi_{n}",
                       customer_details=details, metadata=metadata)


def charge_refunded(n: int, refunded_nok: int, amount_nok: int,
                    intent: str | None = None) -> dict:
    return spec_object("charge", id=f"ch_{n}", payment_intent=intent or f"pi_{n}",
                       amount=amount_nok * 100, amount_captured=amount_nok * 100,
                       amount_refunded=refunded_nok * 100, currency="nok",
                       captured=True, refunded=refunded_nok == amount_nok)


def _invoice_metadata(fund: str, campaign: str | None) -> dict:
    metadata = {"fund_id": fund, "lang": "nb", "thanks": "0"}
    if campaign:
        metadata["campaign_id"] = campaign
    return metadata


def invoice_paid(n: int, amount_nok: int, fund: str, first: bool,
                 campaign: str | None = None, subscription: str = "sub_1") -> dict:
    """An invoice of API 2025-03-31 and later: no payment intent, no
    top-level subscription; `parent.subscription_details` instead."""
    parent = {"type": "subscription_details", "quote_details": None,
              "subscription_details": {"metadata": _invoice_metadata(fund, campaign),
                                       "subscription": subscription}}
    return spec_object(
        "invoice", id=f"in_{n}", amount_paid=amount_nok * 100,
        amount_due=amount_nok * 100, amount_remaining=0, total=amount_nok * 100,
        subtotal=amount_nok * 100, currency="nok", status="paid",
        customer_email="monthly@example.org", parent=parent,
        billing_reason="subscription_create" if first else "subscription_cycle")


def legacy_invoice_paid(n: int, amount_nok: int, fund: str, first: bool,
                        campaign: str | None = None) -> dict:
    """The same invoice as API versions before 2025-03-31 sent it."""
    invoice = invoice_paid(n, amount_nok, fund, first, campaign)
    invoice.pop("parent")
    return {**invoice, "payment_intent": f"pi_inv_{n}", "subscription": "sub_1",
            "subscription_details": {"metadata": _invoice_metadata(fund, campaign)}}


def invoice_payment_paid(n: int, amount_nok: int, intent: str) -> dict:
    return spec_object("invoice_payment", id=f"inpay_{n}", invoice=f"in_{n}",
                       amount_paid=amount_nok * 100,
                       amount_requested=amount_nok * 100, status="paid",
                       payment={"type": "payment_intent", "payment_intent": intent})


def refund(refund_id: str, amount_nok: int, intent: str,
           status: str = "succeeded") -> dict:
    return spec_object("refund", id=refund_id, amount=amount_nok * 100,
                       payment_intent=intent, status=status, currency="nok")


def dispute(dispute_id: str, amount_nok: int, intent: str,
            status: str = "needs_response", reason: str = "fraudulent") -> dict:
    return spec_object("dispute", id=dispute_id, amount=amount_nok * 100,
                       payment_intent=intent, status=status, reason=reason,
                       currency="nok")


def balance(fund_id: str) -> int:
    from chalicelib.funds.service import get_fund

    return int(get_fund(fund_id).balance)
