"""Settings read from the environment once, validated at start.

Every area reads its settings through `env_str`, `env_int` and `env_bool` so
that a bad value fails with a message naming the variable.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import lru_cache

STAGES = ("local", "test", "prod")


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message names the variable."""


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str:
    value = os.environ.get(name, "")
    if value:
        return value
    if required:
        raise ConfigError(f"{name} must be set")
    return default or ""


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name, "")
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


@dataclass(frozen=True)
class Settings:
    stage: str
    table_prefix: str
    aws_region: str
    dynamodb_host: str
    secret_key: str
    auth_issuer: str
    auth_audience: str
    cognito_jwks_url: str
    cognito_domain: str
    cognito_client_id: str
    demo_password: str
    session_hours: int
    mail_from: str  # the default sender (SES-verified in prod)

    @property
    def is_local(self) -> bool:
        return self.stage in ("local", "test")

    @property
    def secure_cookies(self) -> bool:
        return not self.is_local


def _load() -> Settings:
    stage = env_str("STAGE", "local")
    if stage not in STAGES:
        raise ConfigError(f"STAGE must be one of {', '.join(STAGES)}, got {stage!r}")
    prod = stage == "prod"
    from_store = bool(env_str("SECRETS_PATH", ""))
    issuer = env_str("AUTH_ISSUER", "http://127.0.0.1/local-idp", required=prod)
    settings = Settings(
        stage=stage,
        table_prefix=env_str("TABLE_PREFIX", f"ngo-{stage}"),
        aws_region=env_str("AWS_DEFAULT_REGION", "eu-north-1"),
        dynamodb_host=env_str("DYNAMODB_HOST", ""),
        # Local stages get a random key per process; prod reads it from the
        # parameter store (chalicelib/core/secrets.py) or, without
        # SECRETS_PATH, must be given one.
        secret_key=env_str("SECRET_KEY", "" if prod else secrets.token_hex(32),
                           required=prod and not from_store),
        auth_issuer=issuer,
        auth_audience=env_str("AUTH_AUDIENCE", "ngo-platform", required=prod),
        cognito_jwks_url=env_str(
            "COGNITO_JWKS_URL", f"{issuer}/.well-known/jwks.json" if prod else ""
        ),
        cognito_domain=env_str("COGNITO_DOMAIN", "", required=prod),
        cognito_client_id=env_str("COGNITO_CLIENT_ID", "", required=prod),
        demo_password=env_str("DEMO_PASSWORD", ""),
        session_hours=env_int("SESSION_HOURS", 8, minimum=1),
        mail_from=env_str("MAIL_FROM", "noreply@example.org", required=prod),
    )
    if prod and settings.dynamodb_host:
        raise ConfigError("DYNAMODB_HOST must not be set in the prod stage")
    if "@" not in settings.mail_from:
        raise ConfigError(f"MAIL_FROM must be an email address, got "
                          f"{settings.mail_from!r}")
    if prod and not from_store and len(settings.secret_key) < 32:
        raise ConfigError("SECRET_KEY must be at least 32 characters")
    return settings


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The validated settings of this process."""
    return _load()
