"""A Maskinporten access token for the RF-1310 API: a JWT grant signed
RS256 with the organisation's key (PyJWT), exchanged at `<issuer>/token`,
kept per container until shortly before it ends.

The grant names the client (`iss`), Maskinporten (`aud`), the scope, a
short lifetime (at most 120 s) and a fresh `jti`; `authorization_details`
asks for the organisation's system user (unverified against Digdir's
current documentation: see docs/tax.md)."""

from __future__ import annotations

import secrets
import threading
import time
from typing import Any

from chalicelib.tax.settings import SCOPE, signing_key, tax_settings

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GRANT_SECONDS = 100
TOKEN_MARGIN_S = 30
_token: dict[str, Any] = {}
_lock = threading.Lock()


class TokenRefused(Exception):
    """Maskinporten did not give a token (the status; never the grant)."""

    def __init__(self, status: int, error: str = "") -> None:
        super().__init__(f"Maskinporten answered {status} {error}".strip())
        self.status = status


def grant(now: float | None = None) -> str:
    """The signed JWT grant (RS256, `kid` in the header)."""
    import jwt

    settings = tax_settings()
    issued = int(now if now is not None else time.time())
    claims = {
        "aud": settings.maskinporten + "/", "iss": settings.client_id,
        "scope": SCOPE, "iat": issued, "exp": issued + GRANT_SECONDS,
        "jti": secrets.token_hex(16),
        "authorization_details": [{
            "type": "urn:altinn:systemuser",
            "systemuser_org": {"authority": "iso6523-actorid-upis",
                               "ID": f"0192:{settings.organisation_number}"}}],
    }
    return jwt.encode(claims, signing_key(), algorithm="RS256",
                      headers={"kid": settings.key_id})


def forget() -> None:
    with _lock:
        _token.clear()


def access_token(exchange: Any) -> str:
    """The kept token, or a new one: `exchange(path, form)` does the call
    (tax/skatteetaten.py) and answers (status, JSON)."""
    with _lock:
        if _token.get("value") and _token.get("until", 0.0) > time.time():
            return str(_token["value"])
        status, answer = exchange("/token", {"grant_type": GRANT_TYPE,
                                             "assertion": grant()})
        if status != 200 or not isinstance(answer, dict) or not answer.get(
                "access_token"):
            error = answer.get("error", "") if isinstance(answer, dict) else ""
            raise TokenRefused(status, str(error))
        lifetime = int(answer.get("expires_in") or 120)
        _token["value"] = str(answer["access_token"])
        _token["until"] = time.time() + max(lifetime - TOKEN_MARGIN_S, 10)
        return str(_token["value"])
