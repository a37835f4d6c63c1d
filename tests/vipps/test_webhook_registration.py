"""`make vipps-webhook`: the one-time registration of the stack's webhook,
against a local server answering like the Access token and Webhooks APIs;
the secret Vipps answers lands in Parameter Store (moto), not on screen."""
from __future__ import annotations

import os

import boto3
import pytest

from devtools import vipps_webhook
from devtools.deploy import SettingsError
from tests.vipps.conftest import problem, token_answer

URL = "https://hjelp.example.org/webhooks/vipps"
KEYS = {"vipps-client-id": "cid", "vipps-client-secret": "csecret",
        "vipps-subscription-key": "subkey", "vipps-msn": "654321"}


@pytest.fixture
def ssm():
    return boto3.client("ssm", region_name="eu-north-1",
                        endpoint_url=os.environ["DYNAMODB_HOST"])


def store_keys(ssm, stack):
    for name, value in KEYS.items():
        ssm.put_parameter(Name=f"/{stack}/{name}", Value=value, Type="SecureString",
                          Overwrite=True)


def test_registering_stores_the_secret_vipps_answers_and_names_the_events(
        ssm, httpserver):
    store_keys(ssm, "reg-test")
    httpserver.expect_request("/accesstoken/get", method="POST").respond_with_json(
        token_answer())
    httpserver.expect_request("/webhooks/v1/webhooks", method="POST").respond_with_json(
        {"id": "497f6eca-6276-4993-bfeb-53cbbbba6f08",
         "secret": "090a478d-37ff-4e77-970e-d457aeb26a3a"}, status=201)
    api = httpserver.url_for("").rstrip("/")
    ident = vipps_webhook.register(ssm, "reg-test", api, URL)
    assert ident == "497f6eca-6276-4993-bfeb-53cbbbba6f08"
    stored = ssm.get_parameter(Name="/reg-test/vipps-webhook-secret",
                               WithDecryption=True)["Parameter"]
    assert stored["Value"] == "090a478d-37ff-4e77-970e-d457aeb26a3a"
    assert stored["Type"] == "SecureString"
    [(request, _)] = [e for e in httpserver.log if e[0].path == "/webhooks/v1/webhooks"]
    assert request.json == {"url": URL, "events": list(vipps_webhook.EVENTS)}
    assert len(vipps_webhook.EVENTS) == 8 + 9  # ePayment and Recurring
    assert request.headers["Authorization"] == "Bearer " + token_answer()["access_token"]
    assert request.headers["Merchant-Serial-Number"] == "654321"
    assert request.headers["Ocp-Apim-Subscription-Key"] == "subkey"


def test_vipps_refusing_the_registration_stores_nothing(ssm, httpserver):
    store_keys(ssm, "reg-refused")
    httpserver.expect_request("/accesstoken/get", method="POST").respond_with_json(
        token_answer())
    httpserver.expect_request("/webhooks/v1/webhooks", method="POST").respond_with_json(
        problem(400, "Bad Request", "Too many registrations"), status=400)
    with pytest.raises(vipps_webhook.RegistrationFailed, match="400"):
        vipps_webhook.register(ssm, "reg-refused", httpserver.url_for("").rstrip("/"),
                               URL)
    with pytest.raises(ssm.exceptions.ParameterNotFound):
        ssm.get_parameter(Name="/reg-refused/vipps-webhook-secret")


def test_missing_keys_are_named_before_vipps_is_asked(ssm, httpserver):
    with pytest.raises(SettingsError) as error:
        vipps_webhook.register(ssm, "reg-empty", httpserver.url_for("").rstrip("/"),
                               URL)
    assert "/reg-empty/vipps-client-id is not in Parameter Store" in str(error.value)
    assert httpserver.log == []
