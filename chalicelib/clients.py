"""Pseudonymous client codes (e.g. K-2025-031): the only way any area refers
to a client. Never a name."""

from __future__ import annotations

import re

PATTERN = r"K-\d{4}-\d{3,4}"
CLIENT_CODE = re.compile(rf"^{PATTERN}$")
# Free text (task descriptions, notes) must not carry a code in any spelling.
MENTIONS_CLIENT_CODE = re.compile(r"\bK-\d{4}-\d{2,4}\b", re.IGNORECASE)
