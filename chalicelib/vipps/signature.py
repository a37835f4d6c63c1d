"""The Vipps MobilePay webhook signature (vippsas/webhooks-api :
request-authentication.md):

1. `x-ms-content-sha256` is base64(SHA-256(raw body)): checked first, so a
   body changed on the way is refused before anything else is read;
2. the signed string is `"POST\\n" + pathAndQuery + "\\n" + x-ms-date + ";" +
   host + ";" + x-ms-content-sha256`;
3. `Authorization` is `HMAC-SHA256 SignedHeaders=x-ms-date;host;
   x-ms-content-sha256&Signature=<base64(HMAC-SHA256(secret, signed string))>`,
   compared in constant time;
4. an `x-ms-date` more than TOLERANCE_SECONDS from now is a replay.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from email.utils import format_datetime, parsedate_to_datetime

from chalicelib.errors import N_, DomainError

TOLERANCE_SECONDS = 300
SIGNED_HEADERS = "x-ms-date;host;x-ms-content-sha256"


class TamperedBody(DomainError):
    code = "content_hash_mismatch"
    status = 400
    message = N_("The webhook body does not match its content hash.")


class BadVippsSignature(DomainError):
    code = "bad_signature"
    status = 401
    message = N_("The webhook signature is not valid.")


class StaleDate(DomainError):
    code = "stale_date"
    status = 401
    message = N_("The webhook date is too far from now.")


def content_hash(raw_body: bytes) -> str:
    return base64.b64encode(hashlib.sha256(raw_body).digest()).decode()


def signed_string(path_and_query: str, date: str, host: str, hashed: str) -> str:
    return f"POST\n{path_and_query}\n{date};{host};{hashed}"


def authorization(secret: str, path_and_query: str, date: str, host: str,
                  hashed: str) -> str:
    """The `Authorization` header Vipps sends for these values."""
    text = signed_string(path_and_query, date, host, hashed).encode()
    mac = hmac.new(secret.encode(), text, hashlib.sha256).digest()
    signature = base64.b64encode(mac).decode()
    return f"HMAC-SHA256 SignedHeaders={SIGNED_HEADERS}&Signature={signature}"


def http_date(at: float | None = None) -> str:
    """An RFC 1123 date as in `x-ms-date` ("Thu, 30 Mar 2023 08:38:32 GMT")."""
    from datetime import UTC, datetime

    moment = datetime.fromtimestamp(time.time() if at is None else at, UTC)
    return format_datetime(moment, usegmt=True)


def sign(raw_body: bytes, secret: str, path_and_query: str, host: str,
         at: float | None = None) -> dict[str, str]:
    """The headers Vipps sends with `raw_body` (the local Vipps; tests)."""
    hashed, date = content_hash(raw_body), http_date(at)
    return {"x-ms-date": date, "x-ms-content-sha256": hashed, "host": host,
            "authorization": authorization(secret, path_and_query, date, host, hashed)}


def verify(raw_body: bytes, headers: dict[str, str], secret: str,
           path_and_query: str, now: float | None = None) -> None:
    """Raise TamperedBody, BadVippsSignature or StaleDate; None when the
    request is Vipps's, signed with `secret`, recently."""
    sent_hash = headers.get("x-ms-content-sha256", "")
    if not sent_hash or not hmac.compare_digest(
            content_hash(raw_body).encode(), sent_hash.encode()):
        raise TamperedBody()
    date, host = headers.get("x-ms-date", ""), headers.get("host", "")
    sent = headers.get("authorization", "")
    if not secret or not date or not host or not sent:
        raise BadVippsSignature()
    expected = authorization(secret, path_and_query, date, host, sent_hash)
    if not hmac.compare_digest(expected.encode(), sent.encode()):
        raise BadVippsSignature()
    try:
        stamp = parsedate_to_datetime(date).timestamp()
    except (TypeError, ValueError, IndexError):
        raise StaleDate() from None
    if abs((time.time() if now is None else now) - stamp) > TOLERANCE_SECONDS:
        raise StaleDate()
