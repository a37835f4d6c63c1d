"""Pseudonymous client codes (e.g. K-2025-031): the only way any area refers
to a client. Never a name."""

from __future__ import annotations

import re
import unicodedata

PATTERN = r"K-[0-9]{4}-[0-9]{3,4}"
# ASCII digits only: Python's \d also matches "２０２５", which would make one
# client two (and a per-client limit could be paid twice).
CLIENT_CODE = re.compile(rf"^{PATTERN}$", re.ASCII)
# Free text (task descriptions, notes) must not carry a code in any spelling.
MENTIONS_CLIENT_CODE = re.compile(r"\bK-\d{4}-\d{2,4}\b", re.IGNORECASE)
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"),
                        "-")


def normalise_client_code(text: object) -> str | None:
    """The one spelling of a client code (`K-2025-031`) whatever digits,
    dashes, case or spaces it was typed with; None when it is not a code."""
    code = unicodedata.normalize("NFKC", str(text or "")).translate(_DASHES)
    code = code.strip().upper()
    return code if CLIENT_CODE.match(code) else None


def mentions_client_code(text: str) -> bool:
    """True when free text carries a client code in any spelling."""
    plain = unicodedata.normalize("NFKC", text).translate(_DASHES)
    return bool(MENTIONS_CLIENT_CODE.search(plain))
