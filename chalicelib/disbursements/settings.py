"""Disbursement rules an operator can change without a release."""

from __future__ import annotations

from chalicelib.config import env_int


def four_eyes_threshold() -> int:
    """Øre above which a second person must approve (default 2,000 NOK)."""
    return env_int("DISBURSEMENT_FOUR_EYES_NOK", 2000, minimum=0) * 100


def client_limit_30_days() -> int:
    """Øre one client may receive in 30 days before finance must override."""
    return env_int("DISBURSEMENT_CLIENT_LIMIT_NOK", 6000, minimum=1) * 100
