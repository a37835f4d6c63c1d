"""Stripe's REST API through the standard library.

The platform creates Checkout Sessions and (the donor portal) reads,
changes and cancels monthly subscriptions. The SDK
(stripe-python and requests) was 5.7 of the deployment zip's 15 MB and 60 ms
of a cold import, so the call is made here as the SDK made it: form-encoded
parameters (`a[b]`, `a[0][b]`), the secret key as bearer token, the API
version stripe-python 16.1 pins, an idempotency key, and up to two retries on
network errors, 409, 429 and 5xx (the same key makes a retry safe).
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from typing import Any

from chalicelib.errors import Busy

API_BASE = "https://api.stripe.com"
API_VERSION = "2026-10-28.endive"  # stripe-python 16.1's; the answers keep this shape
RETRIES = 2
TIMEOUT_SECONDS = 8  # the function's timeout is 15 s
log = logging.getLogger(__name__)


class PaymentsUnavailable(Busy):
    """Stripe did not create the session; nothing was saved, the donor may
    send the same form again (Busy's message)."""

    code = "payments_unavailable"


class StripeRefused(PaymentsUnavailable):
    """Stripe answered a 4xx it will answer again (no such subscription, a
    canceled one): `status` and Stripe's error `code`."""

    def __init__(self, status: int, stripe_code: str) -> None:
        super().__init__()
        self.status_seen, self.stripe_code = status, stripe_code


def form_pairs(params: Mapping[Any, Any],
               prefix: str = "") -> Iterator[tuple[str, str]]:
    """Stripe's form encoding of nested parameters."""
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if value is None:
            continue
        if isinstance(value, Mapping):
            yield from form_pairs(value, name)
        elif isinstance(value, (list, tuple)):
            yield from form_pairs(dict(enumerate(value)), name)
        elif isinstance(value, bool):
            yield name, str(value).lower()
        else:
            yield name, str(value)


def _should_retry(error: urllib.error.HTTPError) -> bool:
    advice = error.headers.get("Stripe-Should-Retry")
    if advice in ("true", "false"):
        return advice == "true"
    return error.code in (409, 429) or error.code >= 500


def create(path: str, params: Mapping[str, Any], api_key: str, idempotency_key: str,
           api_base: str = "") -> dict[str, Any]:
    """POST `params` to `path` (e.g. /v1/checkout/sessions); Stripe's answer.
    PaymentsUnavailable when Stripe refuses or does not answer."""
    return call("POST", path, params, api_key, idempotency_key, api_base)


def _refusal(error: urllib.error.HTTPError) -> StripeRefused:
    try:
        code = str(json.loads(error.read()).get("error", {}).get("code") or "")
    except (OSError, ValueError, AttributeError):
        code = ""
    return StripeRefused(error.code, code)


def call(method: str, path: str, params: Mapping[str, Any], api_key: str,
         idempotency_key: str | None = None, api_base: str = "") -> dict[str, Any]:
    """`method` `path` with `params` (the body of a POST, the query of a GET
    or DELETE, as the SDK sends them); Stripe's answer. StripeRefused on a
    4xx Stripe would answer again, PaymentsUnavailable when it does not
    answer (each retry sends the same Idempotency-Key)."""
    encoded = urllib.parse.urlencode(list(form_pairs(params)))
    url = (api_base or API_BASE).rstrip("/") + path
    headers = {"Authorization": f"Bearer {api_key}", "Stripe-Version": API_VERSION}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    if method == "POST":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif encoded:
        url += "?" + encoded
    request = urllib.request.Request(  # noqa: S310 - https, or the tests' local server
        url, method=method, headers=headers,
        data=encoded.encode() if method == "POST" else None)
    for attempt in range(RETRIES + 1):
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310 - Stripe's https API
                return dict(json.loads(answer.read()))
        except urllib.error.HTTPError as error:
            retry = _should_retry(error)
            log.warning("stripe %s answered %s (attempt %s)", path, error.code,
                        attempt + 1)
            if not retry and 400 <= error.code < 500:
                raise _refusal(error) from None
        except (OSError, ValueError) as error:  # no answer, a timeout, not JSON
            retry = True
            log.warning("stripe %s failed: %s (attempt %s)", path, type(error).__name__,
                        attempt + 1)
        if not retry or attempt == RETRIES:
            break
        time.sleep(0.5 * 2 ** attempt)
    raise PaymentsUnavailable()
