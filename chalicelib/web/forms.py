"""One form mechanism: a form POST that fails with a domain error shows the
same page again, every typed value kept, the bad fields marked and a summary
at the top (templates/core/forms.html draws them).

A page route opts in with `page(..., form=True)` (the same path's GET view
draws the form again) or `form="/staff/inkind"` (a POST-only route whose form
lives on another page). Each form on a page names itself with a hidden
`_form` field; its field ids are `<form>-<field>` (or just `<field>`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from chalicelib.errors import N_, DomainError, ValidationFailed

FORM_FIELD = "_form"
# Never echoed back into a page or kept in a cookie.
SECRET_FIELDS = ("password", "csrf_token", "identity_number")  # never drawn again
KEPT_COOKIE = "kept_form"
KEPT_SECONDS = 900


@dataclass
class FormFailure:
    """What the page needs to draw a failed form again."""

    values: dict[str, list[str]]
    message: str  # translated; the summary's heading
    errors: dict[str, str] = field(default_factory=dict)  # field -> translated
    status: int = 422
    kind: str = "error"  # "error", or "restored" after a new login
    code: str = ""  # the error's code, for a page that offers more on one

    @property
    def form(self) -> str:
        return (self.values.get(FORM_FIELD) or [""])[0]

    def field_id(self, name: str) -> str:
        return f"{self.form}-{name}" if self.form else name


def failure_for(error: DomainError, values: dict[str, list[str]],
                gettext: Any) -> FormFailure:
    """The failure a form shows for `error`; `gettext(msgid, **params)`."""
    errors = {}
    if isinstance(error, ValidationFailed):
        errors = {name: gettext(text) for name, text in error.fields.items()}
    message = gettext(error.message, **error.params)
    if errors and error.message == ValidationFailed.message:
        message = ""  # the list of fields says it better
    bad_field = getattr(error, "field", None)
    if bad_field and bad_field not in errors:
        errors[bad_field] = message
    status = 422 if error.status == 400 else error.status
    return FormFailure(_shown(values), message, errors, status, code=error.code)


def _shown(values: dict[str, list[str]]) -> dict[str, list[str]]:
    return {k: v for k, v in values.items()
            if not any(secret in k for secret in SECRET_FIELDS)}


@contextmanager
def field_names(**names: str) -> Iterator[None]:
    """A service's field names as this form calls them:
    `with field_names(client_code="code"): ...`."""
    try:
        yield
    except ValidationFailed as error:
        error.fields = {names.get(k, k): v for k, v in error.fields.items()}
        raise


class FormView:
    """One form of a page as its template sees it: the value to show in each
    field and the message of each bad one, when this form is the one that
    failed."""

    def __init__(self, name: str, failure: FormFailure | None) -> None:
        self.name = name
        self.failure = failure if failure and failure.form == name else None

    @property
    def failed(self) -> bool:
        return self.failure is not None and self.failure.kind == "error"

    def id(self, name: str) -> str:
        return f"{self.name}-{name}" if self.name else name

    def values(self, name: str) -> list[str] | None:
        """The submitted values of `name`, or None when nothing was submitted."""
        if self.failure is None:
            return None
        return self.failure.values.get(name, [])

    def value(self, name: str, default: Any = "") -> str:
        sent = self.values(name)
        if sent is None:
            return "" if default is None else str(default)
        return sent[0] if sent else ""

    def selected(self, name: str, option: Any, default: Any = None) -> bool:
        sent = self.values(name)
        if sent is None:
            return default is not None and str(default) == str(option)
        return str(option) in sent

    def checked(self, name: str, default: bool = False, value: str = "on") -> bool:
        # An unticked box sends nothing: after a failure, absent means unticked.
        sent = self.values(name)
        return default if sent is None else str(value) in sent

    def error(self, name: str) -> str:
        return self.failure.errors.get(name, "") if self.failure else ""


# --- kept across a new login ----------------------------------------------
def _sign(data: bytes, key: bytes) -> str:
    return hmac.new(key, b"kept:" + data, hashlib.sha256).hexdigest()[:32]


def owner_digest(user_id: str, key: bytes) -> str:
    digest = hmac.new(key, b"kept-owner:" + user_id.encode(), hashlib.sha256)
    return digest.hexdigest()[:24]


def kept_cookie_value(path: str, values: dict[str, list[str]], key: bytes,
                      owner: str) -> str:
    """The typed values of a form whose session (of user `owner`) had ended,
    for `path`: filled in again only for that user (a shared computer's next
    user never sees them)."""
    data = json.dumps({"path": path, "values": _shown(values),
                       "owner": owner_digest(owner, key)},
                      separators=(",", ":")).encode()
    encoded = base64.urlsafe_b64encode(data).decode().rstrip("=")
    return encoded + "." + _sign(data, key)


def read_kept(cookie: str, key: bytes,
              user_id: str) -> tuple[str, dict[str, list[str]]] | None:
    """The kept form for `user_id`; None when it is someone else's."""
    encoded, _, signature = cookie.rpartition(".")
    try:
        data = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        if not hmac.compare_digest(_sign(data, key), signature):
            return None
        kept = json.loads(data)
        if not hmac.compare_digest(str(kept["owner"]), owner_digest(user_id, key)):
            return None
        values = {str(k): [str(v) for v in vs] for k, vs in kept["values"].items()}
        return str(kept["path"]), values
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


RESTORED = N_("Your session had ended, so nothing was saved. What you typed is "
              "filled in again: check it and send the form.")
EXPIRED = N_("Your session has ended, so this was not saved. Log in again: "
             "what you typed is kept on this device for 15 minutes and filled in "
             "again.")
NOT_KEPT = N_("Your session has ended, so this was not saved. Log in again and "
              "send the form once more.")
STALE = N_("This form was opened before your last login, so nothing was saved. "
           "What you typed is filled in again: check it and send the form.")
