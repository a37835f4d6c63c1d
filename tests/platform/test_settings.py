"""Settings are validated at start and a bad one is named."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.config import ConfigError, _load

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def environ(monkeypatch):
    for name in ("STAGE", "SECRET_KEY", "AUTH_ISSUER", "COGNITO_DOMAIN",
                 "COGNITO_CLIENT_ID", "SESSION_HOURS", "DYNAMODB_HOST",
                 "SECRETS_PATH", "MAIL_FROM"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_an_unknown_stage_is_refused_by_name(environ):
    environ.setenv("STAGE", "staging-typo")
    with pytest.raises(ConfigError, match="STAGE"):
        _load()


def test_prod_without_a_secret_key_names_the_missing_variable(environ):
    environ.setenv("STAGE", "prod")
    environ.setenv("AUTH_ISSUER", "https://issuer")
    environ.setenv("COGNITO_DOMAIN", "https://login")
    environ.setenv("COGNITO_CLIENT_ID", "abc")
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        _load()


def test_a_malformed_number_is_named(environ):
    environ.setenv("SESSION_HOURS", "eight")
    with pytest.raises(ConfigError, match="SESSION_HOURS must be a whole number"):
        _load()


def test_local_stage_needs_no_configuration(environ):
    settings = _load()
    assert settings.stage == "local"
    assert settings.is_local and not settings.secure_cookies


def test_the_app_refuses_to_start_with_a_bad_variable():
    env = {**os.environ, "STAGE": "prod", "DYNAMODB_HOST": ""}
    env.pop("SECRET_KEY", None)
    result = subprocess.run([sys.executable, "-c", "import app"], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "must be set" in result.stderr


def _prod(environ):
    environ.setenv("STAGE", "prod")
    environ.setenv("AUTH_ISSUER", "https://issuer")
    environ.setenv("COGNITO_DOMAIN", "https://login")
    environ.setenv("COGNITO_CLIENT_ID", "abc")
    environ.setenv("SECRETS_PATH", "/ngo-prod/secrets")


def test_prod_without_a_mail_sender_names_mail_from(environ):
    _prod(environ)
    environ.delenv("MAIL_FROM", raising=False)
    with pytest.raises(ConfigError, match="MAIL_FROM must be set"):
        _load()


def test_prod_with_secrets_in_the_store_needs_no_secret_key_variable(environ):
    _prod(environ)
    environ.setenv("MAIL_FROM", "gaver@helpcentre.no")
    settings = _load()
    assert settings.mail_from == "gaver@helpcentre.no" and not settings.secret_key
