"""Settings of the volunteers area, read from the environment."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from chalicelib.config import env_int, env_str, get_settings


class VolunteerSettings(NamedTuple):
    signup_limit: int  # sign-ups per client address and window
    signup_window_seconds: int
    clearance_warning_days: int
    mail_from: str  # the SES sender in prod


@lru_cache(maxsize=1)
def volunteer_settings() -> VolunteerSettings:
    return VolunteerSettings(
        signup_limit=env_int("VOLUNTEER_SIGNUP_LIMIT", 5, minimum=1),
        signup_window_seconds=env_int(
            "VOLUNTEER_SIGNUP_WINDOW_SECONDS", 3600, minimum=60
        ),
        clearance_warning_days=env_int("VOLUNTEER_CLEARANCE_WARNING_DAYS", 30),
        mail_from=env_str("VOLUNTEER_MAIL_FROM", get_settings().mail_from),
    )
