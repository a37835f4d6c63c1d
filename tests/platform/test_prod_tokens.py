"""In prod, tokens are verified against the identity provider's JWKS."""
from __future__ import annotations

import json
import time
from dataclasses import replace

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from chalicelib.auth import tokens
from chalicelib.config import get_settings
from chalicelib.errors import Unauthenticated

ISSUER = "https://cognito-idp.eu-north-1.amazonaws.com/eu-north-1_test"


@pytest.fixture
def cognito(httpserver, monkeypatch):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": "cognito-1", "alg": "RS256", "use": "sig"})
    httpserver.expect_request("/.well-known/jwks.json").respond_with_json(
        {"keys": [jwk]})
    prod = replace(get_settings(), stage="prod", auth_issuer=ISSUER,
                   auth_audience="client-123",
                   cognito_jwks_url=httpserver.url_for("/.well-known/jwks.json"))
    monkeypatch.setattr(tokens, "get_settings", lambda: prod)
    tokens._jwks_client.cache_clear()
    yield key
    tokens._jwks_client.cache_clear()


def sign(key, kid="cognito-1", **claims):
    now = int(time.time())
    body = {"sub": "abc", "iss": ISSUER, "aud": "client-123", "iat": now,
            "exp": now + 300, "cognito:groups": ["coordinator"], **claims}
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid})


def test_a_cognito_token_verifies_against_the_pools_keys(cognito):
    claims = tokens.verify(sign(cognito))
    assert claims["cognito:groups"] == ["coordinator"]


def test_a_token_for_another_audience_is_refused(cognito):
    with pytest.raises(Unauthenticated):
        tokens.verify(sign(cognito, aud="someone-else"))


def test_a_token_signed_by_another_key_is_refused(cognito):
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(Unauthenticated):
        tokens.verify(sign(stranger))


def test_local_tokens_are_not_issued_in_prod(cognito):
    with pytest.raises(RuntimeError):
        tokens.issue_local_token("u", "x@y", ["admin"])
