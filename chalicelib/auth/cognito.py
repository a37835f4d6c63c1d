"""The prod sign-in: Cognito's hosted UI and its token endpoint."""

from __future__ import annotations

import base64
import json
import urllib.parse
import urllib.request

from chalicelib.config import get_settings
from chalicelib.errors import Unauthenticated


def login_url(redirect_uri: str, state: str) -> str:
    settings = get_settings()
    query = urllib.parse.urlencode(
        {
            "client_id": settings.cognito_client_id,
            "response_type": "code",
            "scope": "openid email",
            "redirect_uri": redirect_uri,
            "state": state,
        }
    )
    return f"{settings.cognito_domain}/login?{query}"


def logout_url(logout_uri: str) -> str:
    """The hosted UI's logout, which ends its session and sends the user back."""
    settings = get_settings()
    query = urllib.parse.urlencode(
        {"client_id": settings.cognito_client_id, "logout_uri": logout_uri}
    )
    return f"{settings.cognito_domain}/logout?{query}"


def exchange_code(code: str, redirect_uri: str) -> str:
    """The ID token for an authorisation code (verified later like any token)."""
    settings = get_settings()
    body = urllib.parse.urlencode(
        {
            "grant_type": "authorization_code",
            "client_id": settings.cognito_client_id,
            "code": code,
            "redirect_uri": redirect_uri,
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - an https URL from settings
        f"{settings.cognito_domain}/oauth2/token",
        data=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": "Basic "
            + base64.b64encode(f"{settings.cognito_client_id}:".encode()).decode(),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return str(json.load(response)["id_token"])
    except Exception:  # noqa: BLE001 - any failure is a failed login
        raise Unauthenticated() from None
