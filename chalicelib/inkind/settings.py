"""Settings of the in-kind area (environment variables, checked by name)."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from chalicelib.config import env_int


class InkindSettings(NamedTuple):
    pledges_per_window: int  # public pledges per client address ...
    pledge_window_seconds: int  # ... in this window


@lru_cache(maxsize=1)
def get_inkind_settings() -> InkindSettings:
    return InkindSettings(
        pledges_per_window=env_int("INKIND_PLEDGES_PER_WINDOW", 5, minimum=1),
        pledge_window_seconds=env_int("INKIND_PLEDGE_WINDOW_SECONDS", 3600, minimum=60),
    )
