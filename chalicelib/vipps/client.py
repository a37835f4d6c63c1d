"""A small client of the Vipps MobilePay ePayment API on urllib3 (already in
the zip through botocore): no SDK exists worth depending on.

- The access token (`POST /accesstoken/get`, a JWT valid 1 h in the test
  environment and 24 h in production) is kept per container until shortly
  before it expires; a 401 drops it and asks once more.
- Every call that changes something carries its own `Idempotency-Key`, so a
  retried create or capture is done once by Vipps.
- Every call carries `Merchant-Serial-Number`, the subscription key and the
  `Vipps-System-*` headers Vipps asks integrations to send.
- A 4xx or 5xx answer raises VippsError with the RFC 7807 problem Vipps sent
  (`type`, `title`, `detail`, `status`, `traceId`); a network failure raises
  VippsError with status 0.

Shapes: vippsas/vipps-epayment-api docs/epayment.v1.yml (createPayment,
getPayment, capturePayment, cancelPayment)."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import quote

from chalicelib.vipps.settings import vipps_secret, vipps_settings

log = logging.getLogger("ngo.vipps")
REFERENCE = re.compile(r"^[a-zA-Z0-9-]{8,64}$")
TOKEN_MARGIN_S = 120  # ask for a new token this long before the old one ends
PLUGIN_NAME = "hjelp-donations"
PLUGIN_VERSION = "1.0"


@dataclass
class VippsError(Exception):
    """Vipps answered 4xx/5xx (or could not be reached: status 0)."""

    status: int
    problem: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:  # never the request, which may hold keys
        title = self.problem.get("title") or self.problem.get("detail") or ""
        return f"Vipps answered {self.status} {title}".strip()

    @property
    def trace_id(self) -> str:
        return str(self.problem.get("traceId") or "")


@cache
def _pool() -> Any:
    import urllib3

    return urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=3.0, read=10.0), retries=False)


_token: dict[str, Any] = {}
_token_lock = threading.Lock()


def forget_token() -> None:
    """Drop the kept access token (tests; after a 401)."""
    with _token_lock:
        _token.clear()


def _common_headers() -> dict[str, str]:
    settings = vipps_settings()
    return {
        "Ocp-Apim-Subscription-Key": vipps_secret("vipps-subscription-key"),
        "Merchant-Serial-Number": vipps_secret("vipps-msn"),
        "Vipps-System-Name": settings.system_name,
        "Vipps-System-Version": settings.system_version,
        "Vipps-System-Plugin-Name": PLUGIN_NAME,
        "Vipps-System-Plugin-Version": PLUGIN_VERSION,
    }


def send(method: str, path: str, headers: dict[str, str],
         body: dict[str, Any] | None = None, base: str = "") -> tuple[int, Any]:
    """One HTTP exchange with Vipps (at `base`, else the settings' API):
    the status and the parsed JSON answer; VippsError(0) when unreachable."""
    import urllib3

    url = (base or vipps_settings().api_base) + path
    data = json.dumps(body).encode() if body is not None else None
    if data is not None:
        headers = {**headers, "Content-Type": "application/json"}
    try:
        answer = _pool().request(method, url, body=data, headers=headers)
    except urllib3.exceptions.HTTPError as error:
        log.warning("Vipps %s %s failed: %s", method, path.split("?")[0],
                    type(error).__name__)
        raise VippsError(0, {"title": "Vipps could not be reached"}) from None
    try:
        parsed = json.loads(answer.data) if answer.data else {}
    except ValueError:
        parsed = {"title": "Vipps sent an answer that is not JSON"}
    return answer.status, parsed


def access_token() -> str:
    """The container's access token, asked for when missing or ending."""
    with _token_lock:
        if _token.get("value") and _token.get("until", 0.0) > time.time():
            return str(_token["value"])
        headers = {**_common_headers(),
                   "client_id": vipps_secret("vipps-client-id"),
                   "client_secret": vipps_secret("vipps-client-secret")}
        status, answer = send("POST", "/accesstoken/get", headers)
        if status != 200 or not isinstance(answer, dict) or not answer.get(
                "access_token"):
            raise VippsError(status or 502, answer if isinstance(answer, dict) else {})
        try:
            lifetime = int(answer.get("expires_in") or 3600)
        except ValueError:
            lifetime = 3600
        _token["value"] = str(answer["access_token"])
        _token["until"] = time.time() + max(lifetime - TOKEN_MARGIN_S, 30)
        return str(_token["value"])


def call(method: str, path: str, body: dict[str, Any] | None = None,
         idempotency_key: str | None = None) -> dict[str, Any]:
    """One authorised API call; its JSON answer, or VippsError."""
    for attempt in (1, 2):
        headers = {**_common_headers(), "Authorization": f"Bearer {access_token()}"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key[:50]
        status, answer = send(method, path, headers, body)
        if status == 401 and attempt == 1:  # a token Vipps no longer takes
            forget_token()
            continue
        if status >= 400:
            problem = answer if isinstance(answer, dict) else {}
            log.warning("Vipps %s %s answered %s (trace %s)", method,
                        path.split("?")[0], status, problem.get("traceId", "-"))
            raise VippsError(status, problem)
        return answer if isinstance(answer, dict) else {"items": answer}
    raise VippsError(401, {})  # pragma: no cover - the loop returns or raises


# --- ePayment ---------------------------------------------------------------

def _reference(reference: str) -> str:
    if not REFERENCE.match(reference):
        raise ValueError("a Vipps reference is 8 to 64 letters, digits or dashes")
    return quote(reference)


def create_payment(reference: str, amount: int, return_url: str, description: str,
                   idempotency_key: str) -> dict[str, Any]:
    """`POST /epayment/v1/payments` with WEB_REDIRECT: the answer holds the
    `redirectUrl` the donor is sent to."""
    body = {
        "amount": {"currency": "NOK", "value": int(amount)},
        "paymentMethod": {"type": "WALLET"},
        "reference": reference,
        "userFlow": "WEB_REDIRECT",
        "returnUrl": return_url,
        "paymentDescription": description[:100],
    }
    _reference(reference)
    return call("POST", "/epayment/v1/payments", body, idempotency_key)


def get_payment(reference: str) -> dict[str, Any]:
    """`GET /epayment/v1/payments/{reference}`: state and aggregate."""
    return call("GET", f"/epayment/v1/payments/{_reference(reference)}")


def capture_payment(reference: str, amount: int,
                    idempotency_key: str) -> dict[str, Any]:
    """`POST .../capture` of `amount` øre (a gift is delivered at once)."""
    body = {"modificationAmount": {"currency": "NOK", "value": int(amount)}}
    return call("POST", f"/epayment/v1/payments/{_reference(reference)}/capture",
                body, idempotency_key)


def cancel_payment(reference: str, idempotency_key: str) -> dict[str, Any]:
    """`POST .../cancel`: a payment that must not go through."""
    return call("POST", f"/epayment/v1/payments/{_reference(reference)}/cancel",
                None, idempotency_key)
