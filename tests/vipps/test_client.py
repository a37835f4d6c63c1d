"""The real Vipps client talks HTTP to a local server that answers like the
ePayment and Access token APIs (no patching of the client)."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from werkzeug import Response

from chalicelib.vipps import client
from chalicelib.vipps.settings import vipps_settings
from tests.vipps.conftest import MSN, payment_answer, problem, token_answer

REF = "gave-" + "a" * 40


def requests_to(server, path):
    return [request for request, _response in server.log if request.path == path]


@pytest.fixture
def raw_server(vipps_api, monkeypatch):
    """A plain stdlib server: werkzeug (behind pytest-httpserver) drops
    headers with an underscore, and the token call's are `client_id` and
    `client_secret`."""
    seen: list[tuple[str, dict[str, str]]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the stdlib's name
            seen.append((self.path, dict(self.headers.items())))
            body = json.dumps(token_answer()).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("VIPPS_API_BASE", f"http://127.0.0.1:{server.server_port}")
    vipps_settings.cache_clear()
    yield seen
    server.shutdown()


def test_the_token_call_sends_the_keys_in_its_headers(raw_server):
    client.access_token()
    [(path, headers)] = raw_server
    assert path == "/accesstoken/get"
    assert headers["client_id"] == "client-id-test"
    assert headers["client_secret"] == "client-secret-test"
    assert headers["Ocp-Apim-Subscription-Key"] == "sub-key-test"
    assert headers["Merchant-Serial-Number"] == MSN
    assert headers["Vipps-System-Name"] and headers["Vipps-System-Plugin-Name"]


def test_two_calls_ask_for_one_access_token(vipps_api):
    vipps_api.expect_request("/accesstoken/get", method="POST").respond_with_json(
        token_answer())
    vipps_api.expect_request(f"/epayment/v1/payments/{REF}").respond_with_json(
        payment_answer(REF, 500_00))
    client.get_payment(REF)
    client.get_payment(REF)
    assert len(requests_to(vipps_api, "/accesstoken/get")) == 1
    gets = requests_to(vipps_api, f"/epayment/v1/payments/{REF}")
    assert len(gets) == 2
    for request in gets:
        assert request.headers["Authorization"] == (
            "Bearer " + token_answer()["access_token"])
        assert request.headers["Merchant-Serial-Number"] == MSN
        for name in ("Vipps-System-Name", "Vipps-System-Version",
                     "Vipps-System-Plugin-Name", "Vipps-System-Plugin-Version"):
            assert request.headers[name]


def test_a_token_about_to_expire_is_asked_for_again(vipps_api):
    vipps_api.expect_request("/accesstoken/get", method="POST").respond_with_json(
        token_answer(lifetime="60"))
    vipps_api.expect_request(f"/epayment/v1/payments/{REF}").respond_with_json(
        payment_answer(REF, 500_00))
    client.get_payment(REF)
    client._token["until"] = 0.0  # the kept token's time is up
    client.get_payment(REF)
    assert len(requests_to(vipps_api, "/accesstoken/get")) == 2


def test_a_token_vipps_no_longer_takes_is_replaced_once(vipps_api):
    vipps_api.expect_request("/accesstoken/get", method="POST").respond_with_json(
        token_answer())
    vipps_api.expect_oneshot_request(f"/epayment/v1/payments/{REF}").respond_with_json(
        problem(401, "Unauthorized"), status=401)
    vipps_api.expect_request(f"/epayment/v1/payments/{REF}").respond_with_json(
        payment_answer(REF, 500_00))
    assert client.get_payment(REF)["state"] == "AUTHORIZED"
    assert len(requests_to(vipps_api, "/accesstoken/get")) == 2


def test_create_sends_the_documented_body_with_its_idempotency_key(vipps_api):
    vipps_api.expect_request("/accesstoken/get", method="POST").respond_with_json(
        token_answer())
    vipps_api.expect_request("/epayment/v1/payments", method="POST").respond_with_json(
        {"redirectUrl": "https://landing.vipps.no?token=abc", "reference": REF},
        status=201)
    answer = client.create_payment(REF, 500_00, "https://hjelp.example.org/vipps/return",
                                   "Gave", idempotency_key="create-" + "a" * 40)
    assert answer["redirectUrl"] == "https://landing.vipps.no?token=abc"
    [request] = requests_to(vipps_api, "/epayment/v1/payments")
    assert request.headers["Idempotency-Key"] == "create-" + "a" * 40
    assert json.loads(request.get_data()) == {
        "amount": {"currency": "NOK", "value": 500_00},
        "paymentMethod": {"type": "WALLET"}, "reference": REF,
        "userFlow": "WEB_REDIRECT",
        "returnUrl": "https://hjelp.example.org/vipps/return",
        "paymentDescription": "Gave"}


def test_capture_sends_the_amount_in_ore(vipps_api):
    vipps_api.expect_request("/accesstoken/get", method="POST").respond_with_json(
        token_answer())
    vipps_api.expect_request(f"/epayment/v1/payments/{REF}/capture",
                             method="POST").respond_with_json(
        {"amount": {"currency": "NOK", "value": 500_00}, "state": "AUTHORIZED",
         "aggregate": payment_answer(REF, 500_00, captured=500_00)["aggregate"],
         "pspReference": "99", "reference": REF})
    client.capture_payment(REF, 500_00, "capture-" + "a" * 40)
    [request] = requests_to(vipps_api, f"/epayment/v1/payments/{REF}/capture")
    assert request.headers["Idempotency-Key"] == "capture-" + "a" * 40
    assert json.loads(request.get_data()) == {
        "modificationAmount": {"currency": "NOK", "value": 500_00}}


@pytest.mark.parametrize("status", [400, 403, 409, 500, 503])
def test_an_error_answer_raises_with_the_problem_vipps_sent(vipps_api, status):
    vipps_api.expect_request("/accesstoken/get", method="POST").respond_with_json(
        token_answer())
    vipps_api.expect_request("/epayment/v1/payments", method="POST").respond_with_json(
        problem(status, "Bad Request", "reference: must match"), status=status,
        content_type="application/problem+json")
    with pytest.raises(client.VippsError) as raised:
        client.create_payment(REF, 500_00, "https://x.example/r", "Gave", "k-1")
    assert raised.value.status == status
    assert raised.value.trace_id == "0bd0e7b9-7f1c-4b0a-9d7e-3f0c1b2a9d11"


def test_an_answer_that_is_not_json_is_an_error_not_a_crash(vipps_api):
    vipps_api.expect_request("/accesstoken/get", method="POST").respond_with_json(
        token_answer())
    vipps_api.expect_request(f"/epayment/v1/payments/{REF}").respond_with_response(
        Response("<html>Bad gateway</html>", status=502))
    with pytest.raises(client.VippsError) as raised:
        client.get_payment(REF)
    assert raised.value.status == 502


def test_no_answer_at_all_is_an_error_with_status_zero(vipps_api, monkeypatch):
    monkeypatch.setenv("VIPPS_API_BASE", "http://127.0.0.1:9")  # nothing listens
    from chalicelib.vipps.settings import vipps_settings

    vipps_settings.cache_clear()
    with pytest.raises(client.VippsError) as raised:
        client.get_payment(REF)
    assert raised.value.status == 0


def test_a_reference_outside_the_documented_pattern_is_refused_before_any_call():
    with pytest.raises(ValueError):
        client.get_payment("short")
    with pytest.raises(ValueError):
        client.get_payment("has/slash-" + "a" * 10)
