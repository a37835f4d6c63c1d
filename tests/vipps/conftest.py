"""Vipps test helpers: settings per test, a local server answering like the
ePayment API, signed webhook deliveries."""
from __future__ import annotations

import json
import re

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


class LocalVipps:
    """A local server answering like the ePayment API for the payments it
    was asked to create: GET gives their state and aggregate, capture
    captures once per Idempotency-Key (as Vipps does), and the test moves a
    payment on as the donor would in the app (`approve`, `end`)."""

    REDIRECT = "https://apitest.vipps.no/dwo-api-application/v1/deeplink/vippsgateway?v=2"

    def __init__(self, server):
        self.server = server
        self.payments: dict[str, dict] = {}
        self.capture_keys: list[str] = []
        self.gets: list[str] = []
        self.away = False  # True: every call answers 503, as Vipps down would
        server.expect_request("/accesstoken/get", method="POST").respond_with_json(
            token_answer())
        server.expect_request("/epayment/v1/payments", method="POST"
                              ).respond_with_handler(self._create)
        server.expect_request(re.compile(r"/epayment/v1/payments/[^/]+/capture"),
                              method="POST").respond_with_handler(self._capture)
        server.expect_request(re.compile(r"/epayment/v1/payments/[^/]+$"),
                              method="GET").respond_with_handler(self._get)

    @staticmethod
    def _json(body, status=200):
        from werkzeug import Response

        return Response(json.dumps(body), status=status,
                        content_type="application/json")

    def _create(self, request):
        body = json.loads(request.get_data())
        self.payments.setdefault(body["reference"], {
            "state": "CREATED", "amount": body["amount"]["value"], "captured": 0})
        return self._json({"redirectUrl": self.REDIRECT,
                           "reference": body["reference"]}, 201)

    def answer(self, reference):
        payment = self.payments[reference]
        return payment_answer(reference, payment["amount"], payment["state"],
                              captured=payment["captured"],
                              cancelled=payment.get("cancelled", 0))

    def _get(self, request):
        reference = request.path.rsplit("/", 1)[-1]
        self.gets.append(reference)
        if self.away:
            return self._json(problem(503, "Service Unavailable"), 503)
        if reference not in self.payments:
            return self._json(problem(404, "Not Found", "No such payment"), 404)
        return self._json(self.answer(reference))

    def _capture(self, request):
        reference = request.path.split("/")[-2]
        key = request.headers.get("Idempotency-Key", "")
        payment = self.payments.get(reference)
        if payment is None or payment["state"] != "AUTHORIZED":
            return self._json(problem(400, "Bad Request",
                                      "The payment is not authorized"), 400)
        if key not in self.capture_keys:  # a repeated key is the same capture
            self.capture_keys.append(key)
            value = json.loads(request.get_data())["modificationAmount"]["value"]
            payment["captured"] = min(payment["amount"], payment["captured"] + value)
        return self._json(self.answer(reference))

    def approve(self, reference):
        self.payments[reference]["state"] = "AUTHORIZED"

    def end(self, reference, state):
        self.payments[reference]["state"] = state


@pytest.fixture
def local_vipps(vipps_api):
    return LocalVipps(vipps_api)
