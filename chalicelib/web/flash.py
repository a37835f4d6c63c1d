"""One-time confirmations after a change, without JavaScript.

A POST that changed something answers `ctx.redirect(path, flash=N_("The bed
is held."))`: the message id travels in a signed cookie, bound to that path
and to this browser's session, for a few minutes. The next page drawn at that
path shows it once at the top (templates/base.html, translated there) and
clears the cookie: a reload, a bookmark or a shared link shows nothing, and
only a message id the app itself signed is ever shown. Its `%(name)s`
parameters (short texts such as a staff member's email, never client data)
travel signed beside it and are escaped when drawn.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from chalicelib.core import signing

COOKIE = "flash"
PURPOSE = "flash"
SECONDS = 300


PARAM_LIMIT = 120  # characters of one parameter


def token_for(location: str, message: str, owner: str,
              params: dict[str, str] | None = None) -> str:
    """The cookie's value: `message` (with its `params`) for the page at
    `location` (an app path, its query and fragment ignored) of the session
    `owner`."""
    fields: dict[str, object] = {"p": urlsplit(location).path or "/", "m": message,
                                 "o": owner}
    if params:
        fields["a"] = {str(k): str(v)[:PARAM_LIMIT] for k, v in params.items()}
    return signing.sign(PURPOSE, fields, int(time.time()) + SECONDS)


def message_of(token: str, path: str, owner: str
               ) -> tuple[str, dict[str, str]] | None:
    """The message id and its parameters of a valid cookie for this page and
    session, else None."""
    fields = signing.read(PURPOSE, token) if token else None
    if not fields or fields.get("p") != path or fields.get("o") != owner:
        return None
    message, params = fields.get("m"), fields.get("a") or {}
    if not isinstance(message, str) or not message or not isinstance(params, dict):
        return None
    return message, {str(k): str(v) for k, v in params.items()}
