"""The RF-1310 API's client on urllib3 (in the zip through botocore): one
delivery per call with its UUID `idempotencyKey`, and the feedback of a
delivery. In a local stage without `TAX_API_BASE` the in-process stand-in
answers (tax/standin.py). Never logs a body: it holds identity numbers."""

from __future__ import annotations

import json
import logging
from functools import cache
from typing import Any
from urllib.parse import urlencode

from chalicelib.tax import maskinporten
from chalicelib.tax.settings import tax_settings

log = logging.getLogger("ngo.tax")


class ApiFailed(Exception):
    """The API refused (4xx), failed (5xx) or could not be reached (0)."""

    def __init__(self, status: int, answer: dict[str, Any] | None = None) -> None:
        self.status, self.answer = status, answer or {}
        code = self.answer.get("kode", "")
        super().__init__(f"Skatteetaten answered {status} {code}".strip())

    @property
    def reason(self) -> str:
        """The API's code and message (they never hold the body's numbers)."""
        text = f"{self.answer.get('kode', '')} {self.answer.get('melding', '')}"
        return text.strip()[:300] or f"HTTP {self.status}"

    @property
    def retry_helps(self) -> bool:
        return self.status == 0 or self.status >= 500


@cache
def _pool() -> Any:
    import urllib3

    return urllib3.PoolManager(timeout=urllib3.Timeout(connect=3.0, read=30.0),
                               retries=False)


def exchange(method: str, base: str, path: str, headers: dict[str, str],
             data: bytes | None) -> tuple[int, Any]:
    """One HTTP exchange: the status and the parsed JSON answer."""
    if tax_settings().stand_in:
        from chalicelib.tax import standin

        return standin.local().handle(method, path, headers, data or b"")
    import urllib3

    try:
        answer = _pool().request(method, base + path, body=data, headers=headers)
    except urllib3.exceptions.HTTPError as error:
        log.warning("Skatteetaten %s %s failed: %s", method, path,
                    type(error).__name__)
        return 0, {}
    try:
        return answer.status, json.loads(answer.data) if answer.data else {}
    except ValueError:
        return answer.status, {}


def _token_call(path: str, form: dict[str, str]) -> tuple[int, Any]:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return exchange("POST", tax_settings().maskinporten, path, headers,
                    urlencode(form).encode())


def _call(method: str, path: str, data: bytes | None = None,
          extra: dict[str, str] | None = None) -> dict[str, Any]:
    for attempt in (1, 2):
        headers = {"Authorization": f"Bearer {maskinporten.access_token(_token_call)}",
                   "Accept": "application/json", **(extra or {})}
        if data is not None:
            headers["Content-Type"] = "application/json"
        status, answer = exchange(method, tax_settings().api_base, path, headers,
                                  data)
        if status == 401 and attempt == 1:
            maskinporten.forget()
            continue
        if status != 200:
            log.warning("Skatteetaten %s %s answered %s", method, path, status)
            raise ApiFailed(status, answer if isinstance(answer, dict) else {})
        return answer if isinstance(answer, dict) else {}
    raise ApiFailed(401)  # pragma: no cover - the loop returns or raises


def deliver(year: int, key: str, payload: bytes) -> dict[str, Any]:
    """`POST /v1/{year}` with the body exactly as given (a re-send must be
    byte for byte the same under the same key)."""
    return _call("POST", f"/v1/{year}", payload, {"idempotencyKey": key})


def feedback(year: int, forsendelse_id: str) -> dict[str, Any]:
    """The feedback document of one delivery (path and shape unverified:
    Skatteetaten delivers it through Dialogporten, docs/tax.md)."""
    return _call("GET", f"/v1/{year}/{forsendelse_id}/tilbakemelding")
