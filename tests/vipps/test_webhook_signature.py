"""Only requests that Vipps signed with our webhook secret, recently, for an
unchanged body, are read; anything else is refused and writes nothing."""
from __future__ import annotations

import json
import time

import pytest

from chalicelib.donations.models import StripeEvent, WebhookAttention
from chalicelib.vipps import signature
from tests.conftest import json_body
from tests.vipps.conftest import deliver, webhook_event

# The worked example of vippsas/webhooks-api : request-authentication.md
DOC_SECRET = ("A0+AeKBRG2KRGvnNwJpQlb6IJFk48CKXCIcrLoHncVJKDILsQSxS6NWCccwWm6r6FhGKhiHTBs"
              "G2wo/xU6FY/A==")
DOC_BODY = b'{"some-unique-content":"ee6e441b-cc4a-46f8-895d-a5af79bcc233/hello-world"}'
DOC_DATE = "Thu, 30 Mar 2023 08:38:32 GMT"
DOC_AUTH = ("HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature="
            "agAiSyogQbDHpeucoNwYz+yAr5nJ+v+zasdkSbqzv+U=")
DOC_HEADERS = {"x-ms-date": DOC_DATE, "host": "webhook.site", "authorization": DOC_AUTH,
               "x-ms-content-sha256": "lNlsp1XA03N34HrQsVzPgJKtC+r7l/RBF4V3JQUWMj4="}
DOC_PATH = "/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63"
DOC_NOW = 1680165512.0  # the example's date


def test_the_documented_example_passes_the_check():
    assert signature.content_hash(DOC_BODY) == DOC_HEADERS["x-ms-content-sha256"]
    assert signature.authorization(DOC_SECRET, DOC_PATH, DOC_DATE, "webhook.site",
                                   DOC_HEADERS["x-ms-content-sha256"]) == DOC_AUTH
    signature.verify(DOC_BODY, DOC_HEADERS, DOC_SECRET, DOC_PATH, now=DOC_NOW)


@pytest.mark.parametrize(("change", "error"), [
    ({"x-ms-content-sha256": "lNlsp1XA03N34HrQsVzPgJKtC+r7l/RBF4V3JQUWMj5="},
     signature.TamperedBody),
    ({"x-ms-content-sha256": ""}, signature.TamperedBody),
    ({"authorization": DOC_AUTH.replace("agAi", "bgAi")}, signature.BadVippsSignature),
    ({"authorization": ""}, signature.BadVippsSignature),
    ({"host": "evil.example"}, signature.BadVippsSignature),
    ({"x-ms-date": "Thu, 30 Mar 2023 08:38:33 GMT"}, signature.BadVippsSignature),
])
def test_any_changed_header_fails_the_check(change, error):
    with pytest.raises(error):
        signature.verify(DOC_BODY, {**DOC_HEADERS, **change}, DOC_SECRET, DOC_PATH,
                         now=DOC_NOW)


def test_another_path_or_secret_fails_the_check():
    with pytest.raises(signature.BadVippsSignature):
        signature.verify(DOC_BODY, DOC_HEADERS, DOC_SECRET, DOC_PATH + "?x=1",
                         now=DOC_NOW)
    with pytest.raises(signature.BadVippsSignature):
        signature.verify(DOC_BODY, DOC_HEADERS, "another-secret", DOC_PATH, now=DOC_NOW)


def test_the_documented_example_six_minutes_later_is_stale():
    with pytest.raises(signature.StaleDate):
        signature.verify(DOC_BODY, DOC_HEADERS, DOC_SECRET, DOC_PATH,
                         now=DOC_NOW + 360)


def nothing_was_written():
    return StripeEvent.count() == 0 and WebhookAttention.count() == 0


PAYLOAD = webhook_event("gave-" + "b" * 40, "CAPTURED", 500_00)


def test_a_correctly_signed_event_is_accepted(client, funds):
    response = deliver(client, PAYLOAD)
    assert response.status_code == 200
    assert json_body(response)["received"] is True


def test_an_event_signed_with_another_secret_is_refused_with_401(client, funds):
    response = deliver(client, PAYLOAD, secret="someone-else")
    assert response.status_code == 401
    assert json_body(response)["error"]["code"] == "bad_signature"
    assert nothing_was_written()


def test_a_tampered_body_is_refused_with_400(client, funds):
    tampered = json.dumps({**PAYLOAD, "amount": {"currency": "NOK", "value": 1}}).encode()
    response = deliver(client, PAYLOAD, raw=tampered)
    assert response.status_code == 400
    assert json_body(response)["error"]["code"] == "content_hash_mismatch"
    assert nothing_was_written()


def test_a_stale_date_is_refused_with_401(client, funds):
    response = deliver(client, PAYLOAD, at=time.time() - 600)
    assert response.status_code == 401
    assert json_body(response)["error"]["code"] == "stale_date"
    assert nothing_was_written()


def test_a_request_without_signature_headers_is_refused(client, funds):
    response = client.post("/webhooks/vipps", body=json.dumps(PAYLOAD),
                           headers={"Content-Type": "application/json"})
    assert response.status_code in (400, 401)
    assert nothing_was_written()


def test_a_signed_body_that_is_not_an_event_is_refused_with_400(client, funds):
    response = deliver(client, {"hello": "world"})
    assert response.status_code == 400
    assert json_body(response)["error"]["code"] == "bad_payload"
    assert nothing_was_written()
