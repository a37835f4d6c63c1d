"""Settings of the shelter area (environment variables, checked by name)."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from chalicelib.config import env_int


@lru_cache(maxsize=1)
def counts_fresh_for() -> timedelta:
    """How long a confirmed count is trusted; older counts show as unknown."""
    return timedelta(hours=env_int("SHELTER_COUNTS_FRESH_HOURS", 12, minimum=1))
