"""Signed, expiring tokens for links mailed to people who have no login.

    token = sign("shelter-count", {"s": "lauras-hus", "d": "2026-12-05"}, ends)
    read("shelter-count", token)  # -> the fields, or None (forged or expired)

The HMAC key is the stage's `secret-key` (chalicelib/core/secrets.py); each
purpose signs under its own name, so a token made for one kind of link is
never accepted by another. A new secret key ends every token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

MAX_TOKEN = 600  # characters; anything longer is not ours


def _key() -> bytes:
    from chalicelib.config import get_settings
    from chalicelib.core.secrets import get_secret

    return get_secret("secret-key", get_settings().secret_key).encode()


def _mac(purpose: str, payload: str) -> str:
    message = f"{purpose}:{payload}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()[:32]


def sign(purpose: str, fields: dict[str, Any], expires_at: int) -> str:
    """A URL-safe token carrying `fields` until `expires_at` (epoch seconds)."""
    data = json.dumps({**fields, "exp": int(expires_at)}, separators=(",", ":"),
                      sort_keys=True)
    payload = base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")
    return f"{payload}.{_mac(purpose, payload)}"


def read(purpose: str, token: str, now: float | None = None) -> dict[str, Any] | None:
    """The fields of a token signed for `purpose` that has not expired;
    None when it is forged, damaged, for another purpose or expired."""
    payload, _, mac = (token or "").partition(".")
    if not payload or len(token) > MAX_TOKEN:
        return None
    if not hmac.compare_digest(_mac(purpose, payload), mac):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("exp"), int):
        return None
    if data["exp"] <= (time.time() if now is None else now):
        return None
    return data
