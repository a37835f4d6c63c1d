"""Secrets, read once per container, lazily, by the routes that need them.

In prod `SECRETS_PATH` names a folder of SSM Parameter Store SecureString
parameters (`<SECRETS_PATH>/secret-key`, `/stripe-secret-key`,
`/stripe-webhook-secret`, and Vipps's `/vipps-client-id`,
`/vipps-client-secret`, `/vipps-subscription-key`, `/vipps-msn`,
`/vipps-webhook-secret`); the first request that needs one reads it with one
`GetParameter` (with decryption) and the container keeps it. Without
`SECRETS_PATH` (local and test stages) the caller's settings value is used.

A secret the store does not hold raises `SecretMissing`: the route answers 503
with `Retry-After`, the log names the secret (never a value) and the
`SecretMissing` metric counts it; routes that need no secret keep working. A
missing secret is asked again after `RETRY_AFTER` seconds, so adding it heals
running containers.
"""
from __future__ import annotations

import logging
import threading
import time
from functools import cache
from typing import Any

from chalicelib.config import env_str, get_settings
from chalicelib.errors import N_, DomainError

log = logging.getLogger("ngo")
NAMES = ("secret-key", "stripe-secret-key", "stripe-webhook-secret",
         # Vipps MobilePay (chalicelib/vipps/settings.py)
         "vipps-client-id", "vipps-client-secret", "vipps-subscription-key",
         "vipps-msn", "vipps-webhook-secret",
         # the RF-1310 delivery's Maskinporten key (chalicelib/tax/settings.py)
         "skatteetaten-private-key")
RETRY_AFTER = 60  # seconds

_values: dict[str, str] = {}
_missing_until: dict[str, float] = {}
_lock = threading.Lock()


class SecretMissing(DomainError):
    code = "secret_missing"
    status = 503
    retry_after = RETRY_AFTER
    message = N_("This service is not available right now. Please try again in a few "
                 "minutes.")


def secrets_path() -> str:
    """The parameter folder, without a trailing slash; empty when unset."""
    return env_str("SECRETS_PATH", "").rstrip("/")


@cache
def _ssm() -> Any:
    import boto3  # only where a secret is first needed

    return boto3.client("ssm", region_name=get_settings().aws_region)


def _read(name: str) -> str:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        answer = _ssm().get_parameter(Name=f"{secrets_path()}/{name}",
                                      WithDecryption=True)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "?")
        if code == "ParameterNotFound":
            return ""
        log.error("secret %s could not be read from the parameter store (%s)",
                  name, code)
        return ""
    except BotoCoreError as error:
        log.error("secret %s could not be read from the parameter store (%s)",
                  name, type(error).__name__)
        return ""
    return str(answer.get("Parameter", {}).get("Value") or "")


def get_secret(name: str, local_value: str = "") -> str:
    """The secret `name` (one of NAMES); `local_value` without SECRETS_PATH.

    SecretMissing when the store does not hold it (or it is empty)."""
    if name not in NAMES:
        raise ValueError(f"unknown secret {name!r}")
    if not secrets_path():
        return local_value
    value = _values.get(name)
    if value:
        return value
    with _lock:
        if name not in _values:
            if _missing_until.get(name, 0.0) > time.monotonic():
                raise SecretMissing()
            value = _read(name)
            if not value:
                _missing_until[name] = time.monotonic() + RETRY_AFTER
                _report_missing(name)
                raise SecretMissing()
            _values[name] = value
        return _values[name]


def _report_missing(name: str) -> None:
    from chalicelib.core.metrics import emit

    log.error("secret %s is missing: routes that need it answer 503", name)
    emit("SecretMissing", 1, Secret=name)


def forget() -> None:
    """Drop every kept secret (tests; a rotated secret in a running container)."""
    with _lock:
        _values.clear()
        _missing_until.clear()
    _ssm.cache_clear()
