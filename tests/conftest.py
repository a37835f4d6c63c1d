"""Shared fixtures. moto's DynamoDB server starts before any model is imported,
so every test talks to a real DynamoDB endpoint through the production code."""

from __future__ import annotations

import json
import os
import urllib.request
from urllib.parse import urlencode

import pytest

os.environ.update(
    {
        "STAGE": "test",
        "TABLE_PREFIX": "ngo-test",
        "AWS_DEFAULT_REGION": "eu-north-1",
        "AUTH_ISSUER": "http://127.0.0.1/local-idp",
        "AUTH_AUDIENCE": "ngo-platform",
        "DEMO_PASSWORD": "demo-password-for-tests",
    }
)
os.environ.pop("AWS_PROFILE", None)

from devtools.localstack import start_dynamodb  # noqa: E402

DYNAMODB = start_dynamodb()

from chalice.test import Client  # noqa: E402

from app import app  # noqa: E402
from chalicelib.auth.tokens import issue_local_token  # noqa: E402
from chalicelib.db import all_models  # noqa: E402
from chalicelib.web import csrf  # noqa: E402

DEMO_PASSWORD = os.environ["DEMO_PASSWORD"]


def reset_tables() -> None:
    """Empty DynamoDB (moto's reset) and create every table again."""
    request = urllib.request.Request(
        f"{os.environ['DYNAMODB_HOST']}/moto-api/reset", method="POST", data=b""
    )
    urllib.request.urlopen(request).close()
    for model in all_models():
        model._connection = None  # forget cached table descriptions
        model.create_table(wait=True)


@pytest.fixture(autouse=True)
def tables():
    reset_tables()
    yield


@pytest.fixture
def client():
    with Client(app, stage_name="test") as test_client:
        yield test_client.http


def token_for(role: str, user_id: str | None = None) -> str:
    """A session token as the local identity provider issues it."""
    return issue_local_token(user_id or f"u-{role}", f"{role}@demo.local", [role])


def bearer(role: str, user_id: str | None = None) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token_for(role, user_id)}",
        "Content-Type": "application/json",
    }


class Browserless:
    """A logged-in browser session for page tests: cookie plus CSRF token."""

    def __init__(self, role: str, user_id: str | None = None) -> None:
        from chalicelib.auth.tokens import verify

        self.token = token_for(role, user_id)
        self.csrf = csrf.token_for(verify(self.token)["jti"])
        self.cookie = f"session={self.token}"

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Cookie": self.cookie, **extra}

    def form(
        self, fields: dict[str, object], with_csrf: bool = True
    ) -> tuple[dict, str]:
        data = dict(fields)
        if with_csrf:
            data["csrf_token"] = self.csrf
        headers = self.headers(**{"Content-Type": "application/x-www-form-urlencoded"})
        return headers, urlencode(data, doseq=True)


@pytest.fixture
def session_as():
    return Browserless


def json_body(response) -> dict:
    return json.loads(response.body)


__all__ = ["all_models", "bearer", "json_body", "token_for", "DEMO_PASSWORD"]
