"""Signed session tokens (RS256 JWT): one verification path for both stages.

`local`/`test`: a key pair made when the process starts (first use) signs and
verifies. `prod`: Cognito signs; we verify against the user pool's JWKS.
PyJWT and cryptography are imported on first use to keep start-up light.
"""

from __future__ import annotations

import secrets
import time
from functools import lru_cache
from typing import Any

from chalicelib.config import get_settings
from chalicelib.errors import N_, Unauthenticated

KEY_ID = "local-1"


@lru_cache(maxsize=1)
def _local_private_key() -> Any:
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@lru_cache(maxsize=1)
def _jwks_client() -> Any:
    import jwt

    return jwt.PyJWKClient(get_settings().cognito_jwks_url, cache_keys=True)


def _verification_key(token: str) -> Any:
    settings = get_settings()
    if settings.is_local:
        return _local_private_key().public_key()
    return _jwks_client().get_signing_key_from_jwt(token).key


def longest_life_seconds() -> int:
    """How long any token may stay valid: our sessions, and Cognito's ID
    tokens (8 hours, infra/base.json), whichever is longer."""
    return max(get_settings().session_hours, 8) * 3600


def issue_local_token(subject: str, email: str, roles: list[str],
                      shelters: list[str] | None = None) -> str:
    """Sign a session token with the local key (local identity provider only)."""
    import jwt

    settings = get_settings()
    if not settings.is_local:
        raise RuntimeError("local tokens are only issued in the local stage")
    issued = time.time()  # fractional: a cut-off in the same second still holds
    now = int(issued)
    claims = {
        "sub": subject,
        "email": email,
        "roles": sorted(roles),
        "iss": settings.auth_issuer,
        "aud": settings.auth_audience,
        "iat": issued,
        "exp": now + settings.session_hours * 3600,
        "jti": secrets.token_urlsafe(16),
    }
    if shelters:
        claims["shelters"] = sorted(shelters)
    return str(
        jwt.encode(
            claims, _local_private_key(), algorithm="RS256", headers={"kid": KEY_ID}
        )
    )


def verify(token: str) -> dict[str, Any]:
    """Claims of a valid token; Unauthenticated for anything else."""
    import jwt

    settings = get_settings()
    try:
        return dict(
            jwt.decode(
                token,
                _verification_key(token),
                algorithms=["RS256"],
                audience=settings.auth_audience,
                issuer=settings.auth_issuer,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        )
    except jwt.ExpiredSignatureError:
        raise Unauthenticated(
            N_("Your session has expired. Please log in again.")
        ) from None
    except (jwt.PyJWTError, ValueError):
        raise Unauthenticated() from None


EXPIRED_OWNER_HOURS = 24


def owner_of_ended(token: str) -> str | None:
    """Whose session `token` was: its subject when the signature holds
    (expired or ended within the last day), else None. Only to give a form
    typed in an ended session back to the same person after a new login."""
    import time

    import jwt

    settings = get_settings()
    try:
        claims = jwt.decode(
            token, _verification_key(token), algorithms=["RS256"],
            audience=settings.auth_audience, issuer=settings.auth_issuer,
            options={"require": ["exp", "sub"], "verify_exp": False})
    except (jwt.PyJWTError, ValueError):
        return None
    if float(claims["exp"]) < time.time() - EXPIRED_OWNER_HOURS * 3600:
        return None
    return str(claims["sub"])

