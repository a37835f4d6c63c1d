"""Security headers on every response (added by the middleware in app.py)."""

from __future__ import annotations

from typing import Any

from chalicelib.config import get_settings

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    # Checkout answers a donation form with a redirect to Stripe's page or to
    # Vipps's landing page (which opens the app on a phone); in prod the logout
    # form answers with one to Cognito's hosted UI (its /logout).
    "form-action 'self' https://checkout.stripe.com https://*.vipps.no "
    "https://*.vippsmobilepay.com{hosted_ui}; "
    "frame-ancestors 'none'"
)


def content_security_policy() -> str:
    domain = get_settings().cognito_domain
    return CSP.format(hosted_ui=f" {domain}" if domain else "")


def add_security_headers(headers: dict[str, Any]) -> None:
    headers["Content-Security-Policy"] = content_security_policy()
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    headers.setdefault("Cache-Control", "no-store")
    if not get_settings().is_local:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
