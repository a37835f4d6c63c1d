"""Idempotency keys (API) and one-time form nonces (pages): one mechanism
for every use case that moves money or stock or changes a registry.

An API client sends `Idempotency-Key`; a page form carries the nonce the page
made with `new_nonce()` in its `idempotency_key` field. A key is used whole,
never cut or replaced: anything but 1-255 visible ASCII characters is
refused (400 `invalid_idempotency_key`), and nothing is written.

    idem = from_api(ctx, "funds.transfer", body)   # or from_form(...)
    movement_id = idem.resource_id("transfer-")
    ... the use case creates its record under that id, conditional on the id
    being new (uow REPLAY), storing `idem.fingerprint` on it ...
    if not created:
        idem.check(stored_record.request_hash)  # 409 idempotency_key_reused

The id is a digest of the scope, the user and the whole key: the same key
from another user or for another use case is another record. A retried
request (same user, key and body) finds the record committed the first time
and is answered with it; the same key with another body is refused.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from typing import Any, NamedTuple

from chalicelib.errors import N_, Conflict, DomainError

HEADER = "idempotency-key"
FORM_FIELD = "idempotency_key"
KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII, as Stripe's keys
DIGEST_LENGTH = 32  # hex characters of the derived id (128 bits)


class InvalidIdempotencyKey(DomainError):
    code = "invalid_idempotency_key"
    status = 400
    message = N_("The Idempotency-Key must be 1 to 255 visible ASCII characters "
                 "(letters, digits, punctuation; no spaces).")


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    message = N_("This Idempotency-Key was used for a different request.")


class FormExpired(DomainError):
    """A money, stock or registry form without its one-time nonce (an old
    copy of the page): nothing is done, the user reloads."""

    code = "form_nonce_missing"
    status = 400
    message = N_("This form is out of date. Reload the page and send it again.")


def new_nonce() -> str:
    """A one-time key for a page form (hidden field `idempotency_key`)."""
    return secrets.token_urlsafe(18)


def check_key(value: object) -> str | None:
    """The key as given, or None when none was given; InvalidIdempotencyKey
    for anything that is not 1-255 visible ASCII characters."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not KEY.match(value):
        raise InvalidIdempotencyKey()
    return value


def fingerprint(data: Any) -> str:
    """A digest of what a request asks for (key order does not matter)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class Idempotent(NamedTuple):
    """One request's key (None: no key given), scoped to its user and use case."""

    scope: str
    user_id: str
    key: str | None
    fingerprint: str

    def resource_id(self, prefix: str, length: int = DIGEST_LENGTH) -> str:
        """The id of the record this request creates: derived from scope, user
        and the whole key, or fresh when no key was given."""
        if self.key is None:
            return prefix + secrets.token_hex(length // 2)
        text = f"{self.scope}\n{self.user_id}\n{self.key}"
        return prefix + hashlib.sha256(text.encode()).hexdigest()[:length]

    def check(self, stored: str | None) -> None:
        """A record with this id exists: it answers this request when it was
        made from the same body, else IdempotencyKeyReused."""
        if stored is not None and stored != self.fingerprint:
            raise IdempotencyKeyReused()


def make(scope: str, user_id: str, key: object, data: Any) -> Idempotent:
    return Idempotent(scope, user_id, check_key(key), fingerprint(data))


def from_api(ctx: Any, scope: str, data: Any,
             body_field: str | None = None) -> Idempotent:
    """The request's `Idempotency-Key` header (or, for older clients, the
    body's `body_field`), scoped to the caller and `scope`."""
    key: object = ctx.header(HEADER).strip()
    if not key and body_field and isinstance(data, dict):
        key = data.get(body_field)
    return make(scope, _user_id(ctx), key, data)


def from_form(ctx: Any, form: dict[str, str], scope: str, data: Any = None,
              field: str = FORM_FIELD) -> Idempotent:
    """The form's one-time nonce (required: FormExpired without it). `data`
    is what the form asks for; by default its business fields: not the CSRF
    token, the nonce, the page's own `_`-fields (`_form`) or empty ones, so
    the same form sent again from another page or language is the same
    request."""
    if not form.get(field):
        raise FormExpired()
    if data is None:
        data = business_fields(form, field)
    return make(scope, _user_id(ctx), form[field], data)


def business_fields(form: dict[str, str], nonce_field: str = FORM_FIELD
                    ) -> dict[str, str]:
    """What a form asks for: an empty field means the same as a missing one."""
    return {k: v for k, v in form.items()
            if v and k not in ("csrf_token", nonce_field) and not k.startswith("_")}


def _user_id(ctx: Any) -> str:
    user = getattr(ctx, "user", None)
    return str(user.actor.user_id) if user is not None else "public"
