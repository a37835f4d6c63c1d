"""One-off Vipps gift end to end: our HTTP client against a local server
answering like the ePayment API, signed webhooks into the app."""
from __future__ import annotations

import re

from chalicelib.donations.models import Donation
from tests.conftest import json_body
from tests.donations.conftest import balance
from tests.donations.test_donate_page import post_donation
from tests.vipps.conftest import (
    deliver,
    payment_answer,
    problem,
    token_answer,
    webhook_event,
)

AMOUNT = 200_00
REDIRECT = "https://apitest.vipps.no/dwo-api-application/v1/deeplink/vippsgateway?v=2&token=x"


def serve_vipps(server, captured_calls):
    server.expect_request("/accesstoken/get", method="POST").respond_with_json(
        token_answer())
    server.expect_request("/epayment/v1/payments", method="POST").respond_with_json(
        {"redirectUrl": REDIRECT, "reference": "set-by-request"}, status=201)

    def capture(request):
        import json

        from werkzeug import Response

        reference = request.path.split("/")[-2]
        captured_calls.append(json.loads(request.get_data()))
        body = payment_answer(reference, AMOUNT, state="AUTHORIZED", captured=AMOUNT)
        return Response(json.dumps(body), status=200, content_type="application/json")

    server.expect_request(re.compile(r"/epayment/v1/payments/[^/]+/capture"),
                          method="POST").respond_with_handler(capture)


def start_gift(client, funds_balance_before=None):
    response = post_donation(client, {"amount": str(AMOUNT // 100), "method": "vipps",
                                      "email": "donor@example.org"}, lang="en")
    assert response.status_code in (302, 303), response.body[:300]
    assert response.headers["Location"] == REDIRECT
    [donation] = list(Donation.scan())
    return str(donation.donation_id)


def test_a_vipps_gift_is_created_authorized_captured_and_credited_once(
        client, funds, vipps_api):
    from chalicelib.core.mail import outbox

    captures = []
    serve_vipps(vipps_api, captures)
    before = balance("general")
    reference = start_gift(client)
    created = [r for r, _ in vipps_api.log if r.path == "/epayment/v1/payments"]
    assert created[0].json["amount"] == {"currency": "NOK", "value": AMOUNT}
    assert created[0].json["reference"] == reference
    assert deliver(client, webhook_event(reference, "AUTHORIZED", AMOUNT)).status_code == 200
    assert captures == [{"modificationAmount": {"currency": "NOK", "value": AMOUNT}}]
    assert deliver(client, webhook_event(reference, "CAPTURED", AMOUNT)).status_code == 200
    assert balance("general") == before + AMOUNT
    assert Donation.get(reference).credited
    assert len(outbox("donor@example.org")) == 1
    # Vipps delivers again, and out of order: nothing more is credited.
    for name in ("CAPTURED", "AUTHORIZED", "CREATED", "CAPTURED"):
        assert deliver(client, webhook_event(reference, name, AMOUNT)).status_code == 200
    assert balance("general") == before + AMOUNT
    assert len(outbox("donor@example.org")) == 1


def test_captured_before_authorized_credits_once(client, funds, vipps_api):
    captures = []
    serve_vipps(vipps_api, captures)
    before = balance("general")
    reference = start_gift(client)
    deliver(client, webhook_event(reference, "CAPTURED", AMOUNT))
    deliver(client, webhook_event(reference, "AUTHORIZED", AMOUNT))
    deliver(client, webhook_event(reference, "CAPTURED", AMOUNT))
    assert balance("general") == before + AMOUNT


def test_a_bad_signature_is_refused_with_401_and_credits_nothing(client, funds, vipps_api):
    serve_vipps(vipps_api, [])
    before = balance("general")
    reference = start_gift(client)
    response = deliver(client, webhook_event(reference, "CAPTURED", AMOUNT),
                       secret="not-the-secret")
    assert response.status_code == 401
    assert json_body(response)["error"]["code"] == "bad_signature"
    assert balance("general") == before
    assert not Donation.get(reference).credited


def test_vipps_down_shows_a_page_offering_card_and_credits_nothing(
        client, funds, vipps_api):
    vipps_api.expect_request("/accesstoken/get", method="POST").respond_with_json(
        token_answer())
    vipps_api.expect_request("/epayment/v1/payments", method="POST").respond_with_json(
        problem(503, "Service Unavailable"), status=503)
    before = balance("general")
    response = post_donation(client, {"amount": "200", "method": "vipps"}, lang="nb")
    assert response.status_code == 503
    assert "Vipps kunne ikke starte betalingen" in response.body.decode()
    assert "Gi den samme gaven med kort" in response.body.decode()
    assert balance("general") == before
    assert not any(d.credited for d in Donation.scan())
