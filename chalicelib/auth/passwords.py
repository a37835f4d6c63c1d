"""scrypt password hashes for the local identity provider."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

_N, _R, _P = 2**14, 8, 1


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P)
    return (
        "scrypt$"
        + base64.b64encode(salt).decode()
        + "$"
        + base64.b64encode(digest).decode()
    )


def verify_password(password: str, stored: str | None) -> bool:
    """Constant-time check; with no stored hash it still does the work."""
    if not stored or stored.count("$") != 2:
        hash_password(password)
        return False
    _scheme, salt_b64, _digest = stored.split("$")
    candidate = hash_password(password, base64.b64decode(salt_b64))
    return hmac.compare_digest(candidate, stored)
