"""Signed links to the deduction request page, sent to the donor's email.

The token names the email whose gifts the request covers; whoever holds it
has read that mailbox. It reveals nothing and never expires on its own (a
receipt is read months later); a new secret key ends all of them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from chalicelib.web.csrf import secret_key


def _mac(email: str) -> str:
    digest = hmac.new(secret_key(), f"tax-link:{email}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def token_for(email: str) -> str:
    encoded = base64.urlsafe_b64encode(email.strip().lower().encode()).decode()
    return f"{encoded.rstrip('=')}.{_mac(email.strip().lower())}"


def email_of(token: str) -> str | None:
    """The email a token was made for, or None when it is not ours."""
    encoded, _, mac = (token or "").partition(".")
    if not encoded or len(encoded) > 400:
        return None
    try:
        email = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return email if hmac.compare_digest(_mac(email), mac) else None


def request_url(base: str, email: str, lang: str = "nb") -> str:
    return f"{base}/tax-deduction?t={token_for(email)}&lang={lang}"
