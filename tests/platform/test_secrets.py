"""Secrets come from the parameter store, once per container, and only the
routes that need a missing one fail (503, Retry-After, nothing secret shown)."""
from __future__ import annotations

import json
import logging
import os

import boto3
import pytest

from chalicelib.core import secrets
from chalicelib.donations.settings import donation_settings

PATH = "/ngo-test/secrets"
KEY_VALUE = "k" * 48


@pytest.fixture
def store(monkeypatch):
    """SECRETS_PATH set, SSM answered by the suite's moto server."""
    monkeypatch.setenv("SECRETS_PATH", PATH)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", os.environ["DYNAMODB_HOST"])
    ssm = boto3.client("ssm", region_name="eu-north-1",
                       endpoint_url=os.environ["DYNAMODB_HOST"])
    for name in secrets.NAMES:
        try:
            ssm.delete_parameter(Name=f"{PATH}/{name}")
        except ssm.exceptions.ParameterNotFound:
            pass
    secrets.forget()
    donation_settings.cache_clear()
    yield ssm
    secrets.forget()
    donation_settings.cache_clear()


def put(ssm, name: str, value: str) -> None:
    ssm.put_parameter(Name=f"{PATH}/{name}", Value=value, Type="SecureString",
                      Overwrite=True)


def test_a_secret_is_read_from_the_store_and_kept_for_the_container(store):
    put(store, "secret-key", KEY_VALUE)
    assert secrets.get_secret("secret-key", "local-value") == KEY_VALUE
    store.delete_parameter(Name=f"{PATH}/secret-key")
    assert secrets.get_secret("secret-key", "local-value") == KEY_VALUE


def test_without_a_secrets_path_the_local_setting_is_used(monkeypatch):
    monkeypatch.delenv("SECRETS_PATH", raising=False)
    assert secrets.get_secret("stripe-secret-key", "sk_test_local") == "sk_test_local"


def test_a_page_without_its_secret_answers_503_with_a_friendly_page(
        store, client, caplog, capsys):
    with caplog.at_level(logging.ERROR, logger="ngo"):
        response = client.get("/donate?lang=en")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(secrets.RETRY_AFTER)
    assert "text/html" in response.headers["Content-Type"]
    assert "try again in a few minutes" in response.body.decode()
    assert "secret-key" in caplog.text and PATH not in response.body.decode()
    metrics = [json.loads(line) for line in capsys.readouterr().out.splitlines()
               if '"_aws"' in line]
    assert [(m["Secret"], m["SecretMissing"]) for m in metrics] == [("secret-key", 1)]


def test_a_webhook_without_its_secret_answers_503_json_and_other_routes_work(
        store, client):
    put(store, "secret-key", KEY_VALUE)
    response = client.post("/webhooks/stripe", body=b"{}", headers={
        "Content-Type": "application/json", "Stripe-Signature": "t=1,v1=x"})
    assert response.status_code == 503
    assert json.loads(response.body)["error"]["code"] == "secret_missing"
    assert response.headers["Retry-After"]
    assert client.get("/healthz").status_code == 200
    assert client.get("/donate").status_code == 200


def test_secret_values_never_reach_logs_or_pages(store, client, caplog):
    put(store, "secret-key", KEY_VALUE)
    with caplog.at_level(logging.DEBUG, logger="ngo"):
        page = client.get("/donate")
        client.post("/webhooks/stripe", body=b"{}", headers={
            "Content-Type": "application/json", "Stripe-Signature": "t=1,v1=x"})
    assert page.status_code == 200
    assert KEY_VALUE not in caplog.text and KEY_VALUE not in page.body.decode()


def test_a_secret_added_later_is_found_without_a_new_container(store, monkeypatch):
    with pytest.raises(secrets.SecretMissing):
        secrets.get_secret("stripe-secret-key")
    put(store, "stripe-secret-key", "sk_live_added")
    monkeypatch.setattr(secrets, "_missing_until", {})  # the retry pause is over
    assert secrets.get_secret("stripe-secret-key") == "sk_live_added"
