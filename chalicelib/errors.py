"""Domain errors: named in business words, carrying a stable code and status.

Services raise them; the web layer turns them into a JSON error
(`{"error": {"code", "message"}}`) or an HTML error page in the user's
language. `message` is a gettext msgid and `params` fill its placeholders, so
the text is translated where it is shown. Never put a secret in either.
"""

from __future__ import annotations

from typing import Any


def N_(message: str) -> str:
    """Mark a message for translation where it is shown, not where defined."""
    return message


class Label(str):
    """A message parameter that is itself a msgid (a purpose, a storage
    place): translated with the message, in the reader's language."""


class Names(dict):
    """A message parameter that is a record's name in each language
    (`{"nb": ..., "en": ...}`): shown in the reader's language."""

    def __init__(self, names: object, fallback: str = "") -> None:
        as_dict = getattr(names, "as_dict", None)
        super().__init__(as_dict() if as_dict else dict(names or {}))  # type: ignore[call-overload]
        self.fallback = fallback

    def in_language(self, lang: str) -> str:
        return str(self.get(lang) or self.get("nb") or self.get("en") or self.fallback)


class DomainError(Exception):
    code = "bad_request"
    status = 400
    message = N_("The request could not be processed.")
    field: str | None = None  # the form field to fix, when there is one

    def __init__(self, message: str | None = None, **params: Any) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message
        self.params = params


class ValidationFailed(DomainError):
    """Input was malformed; `fields` maps a field name to a message."""

    code = "validation_failed"
    status = 400
    message = N_("Some fields are not valid.")

    def __init__(
        self,
        fields: dict[str, str] | None = None,
        message: str | None = None,
        **params: Any,
    ) -> None:
        super().__init__(message, **params)
        self.fields = fields or {}


class TooLarge(DomainError):
    code = "too_large"
    status = 413
    message = N_("The request is too large.")


class NotFound(DomainError):
    code = "not_found"
    status = 404
    message = N_("Not found.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    message = N_("The request conflicts with the current state.")


class Unauthenticated(DomainError):
    code = "unauthenticated"
    status = 401
    message = N_("Please log in.")


class Forbidden(DomainError):
    code = "forbidden"
    status = 403
    message = N_("You do not have access to this.")


class CsrfFailed(DomainError):
    code = "csrf_failed"
    status = 403
    message = N_("The form has expired. Please go back, reload the page and try again.")


class TooManyRequests(DomainError):
    code = "too_many_requests"
    status = 429
    message = N_("Too many attempts. Please wait a few minutes and try again.")


class Busy(DomainError):
    """DynamoDB stayed busy (conflicts, throttling, 5xx) for the whole retry
    budget; nothing was written, so the same request may simply be sent again."""

    code = "busy"
    status = 503
    retry_after = 2
    message = N_("We are very busy right now and nothing was saved. Please try again "
                 "in a moment.")
