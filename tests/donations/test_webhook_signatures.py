"""Only events that Stripe signed with our secret, recently, are acted on."""
from __future__ import annotations

import json
import time

from chalicelib.donations.models import StripeEvent
from tests.conftest import json_body
from tests.donations.conftest import balance, deliver, event, session_completed

START = 250_000_00  # the demo opening balance of "general"


def paid_event():
    return event("evt_sig", "checkout.session.completed", session_completed(1, 500))


def nothing_was_written():
    return balance("general") == START and StripeEvent.count() == 0


def test_a_correctly_signed_event_is_accepted_and_credits_the_fund(client, funds):
    response = deliver(client, paid_event())
    assert response.status_code == 200
    assert json_body(response) == {"received": True, "result": "handled"}
    assert balance("general") == START + 500_00


def test_an_event_signed_with_another_secret_is_refused(client, funds):
    response = deliver(client, paid_event(), secret="whsec_someone_else")
    assert response.status_code == 400
    assert json_body(response)["error"]["code"] == "bad_signature"
    assert nothing_was_written()


def test_a_stale_signature_is_refused(client, funds):
    response = deliver(client, paid_event(), at=int(time.time()) - 600)
    assert response.status_code == 400
    assert nothing_was_written()


def test_a_tampered_body_is_refused(client, funds):
    original = paid_event()
    tampered = json.loads(json.dumps(original))
    tampered["data"]["object"]["amount_total"] = 50_000_00
    response = deliver(client, original, raw=json.dumps(tampered).encode())
    assert response.status_code == 400
    assert nothing_was_written()


def test_a_request_without_a_signature_is_refused(client, funds):
    response = client.post("/webhooks/stripe", body=json.dumps(paid_event()),
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert nothing_was_written()


def test_the_signature_check_agrees_with_stripes_own_library():
    import stripe

    from chalicelib.donations.testmode import signature_header
    from chalicelib.donations.webhook import signed_by

    body = json.dumps(paid_event()).encode()
    now = int(time.time())
    headers = [signature_header(body, "whsec_a", now),
               signature_header(body, "whsec_b", now),
               signature_header(body, "whsec_a", now - 600),
               signature_header(body, "whsec_a", now) + ",v1=00",
               f"v1=00,{signature_header(body, 'whsec_a', now)}",
               f"t={now}", "t=x,v1=00", "garbage", ""]
    for header in headers:
        try:
            stripes = stripe.WebhookSignature.verify_header(body.decode(), header,
                                                            "whsec_a", 300)
        except (stripe.SignatureVerificationError, ValueError):
            stripes = False
        assert signed_by(body, header, "whsec_a") == bool(stripes), header
