"""CSRF tokens tied to the session (or, before login, to an anonymous cookie)."""

from __future__ import annotations

import hashlib
import hmac

from chalicelib.config import get_settings
from chalicelib.core.secrets import get_secret


def secret_key() -> bytes:
    """The app's signing key (also signs forms kept across a new login)."""
    return get_secret("secret-key", get_settings().secret_key).encode()


def token_for(session_key: str) -> str:
    key = secret_key()
    return hmac.new(key, f"csrf:{session_key}".encode(), hashlib.sha256).hexdigest()


def is_valid(session_key: str, token: str | None) -> bool:
    return bool(session_key and token) and hmac.compare_digest(
        token_for(session_key), str(token)
    )
