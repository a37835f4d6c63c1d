"""Vipps test helpers: settings per test, a local server answering like the
ePayment API, signed webhook deliveries."""
from __future__ import annotations

import json

import pytest

from chalicelib.donations import checks
from chalicelib.donations.settings import donation_settings
from chalicelib.funds import demo as funds_demo
from chalicelib.vipps import client as vipps_client
from chalicelib.vipps import signature
from chalicelib.vipps.settings import vipps_settings

WEBHOOK_SECRET = "vipps-webhook-secret-for-the-suite"
MSN = "654321"
HOST = "hjelp.example.org"
KEYS = {"VIPPS_CLIENT_ID": "client-id-test", "VIPPS_CLIENT_SECRET": "client-secret-test",
        "VIPPS_SUBSCRIPTION_KEY": "sub-key-test", "VIPPS_MSN": MSN,
        "VIPPS_WEBHOOK_SECRET": WEBHOOK_SECRET}


def _clear():
    vipps_settings.cache_clear()
    donation_settings.cache_clear()
    vipps_client.forget_token()
    checks.forget()


@pytest.fixture(autouse=True)
def vipps_env(monkeypatch):
    """The local Vipps (no keys), with a known webhook secret and MSN."""
    for name in KEYS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VIPPS_WEBHOOK_SECRET", WEBHOOK_SECRET)
    monkeypatch.setenv("VIPPS_MSN", MSN)
    monkeypatch.delenv("STRIPE_SECRET_KEY", raising=False)
    _clear()
    yield
    _clear()


@pytest.fixture
def funds():
    funds_demo.load()


@pytest.fixture
def vipps_api(httpserver, monkeypatch):
    """Real keys, and the API at a local server (pytest-httpserver)."""
    for name, value in KEYS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("VIPPS_API_BASE", httpserver.url_for("").rstrip("/"))
    _clear()
    return httpserver


def token_answer(lifetime="3600"):
    """`POST /accesstoken/get`'s answer (the Access token API's shape)."""
    return {"token_type": "Bearer", "expires_in": lifetime, "ext_expires_in": "0",
            "expires_on": "1764400000", "not_before": "1764396400",
            "resource": "00000002-0000-0000-c000-000000000000",
            "access_token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.test.token"}


def problem(status, title, detail=""):
    """Vipps's RFC 7807 error body."""
    return {"type": "https://developer.vippsmobilepay.com/docs/knowledge-base/errors",
            "title": title, "detail": detail, "status": status,
            "traceId": "0bd0e7b9-7f1c-4b0a-9d7e-3f0c1b2a9d11"}


def payment_answer(reference, amount, state="AUTHORIZED", captured=0, cancelled=0,
                   refunded=0):
    """`GET /epayment/v1/payments/{reference}` (GetPaymentResponse)."""
    def nok(value):
        return {"currency": "NOK", "value": value}

    return {"aggregate": {"authorizedAmount": nok(amount if state == "AUTHORIZED" else 0),
                          "cancelledAmount": nok(cancelled),
                          "capturedAmount": nok(captured),
                          "refundedAmount": nok(refunded)},
            "amount": nok(amount), "state": state,
            "paymentMethod": {"type": "WALLET"}, "profile": {},
            "pspReference": "7686f7788898767977", "reference": reference}


def webhook_event(reference, name, value, psp="1234567891", msn=MSN, currency="NOK"):
    """An ePayment webhook payload (WebhookEvent in docs/epayment.v1.yml)."""
    return {"msn": msn, "reference": reference, "pspReference": psp, "name": name,
            "amount": {"currency": currency, "value": value},
            "timestamp": "2026-12-03T08:38:32.260Z",
            "idempotencyKey": f"{name.lower()}-{reference}"[:50], "success": True}


def deliver(client, payload, secret=WEBHOOK_SECRET, at=None, raw=None, headers=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    signed = signature.sign(json.dumps(payload).encode() if raw is not None else body,
                            secret, "/webhooks/vipps", HOST, at=at)
    sent = {"Content-Type": "application/json", **signed, **(headers or {})}
    return client.post("/webhooks/vipps", body=body, headers=sent)
