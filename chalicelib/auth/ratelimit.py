"""Fixed-window counters in DynamoDB with TTL, for any public form that needs
a limit per client address (login failures: `throttle`)."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime

from chalicelib.auth.models import RateCounter
from chalicelib.errors import TooManyRequests


def key_digest(key: str) -> str:
    """The stored form of a counter's key: no raw email or IP address."""
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _window_key(key: str, window_seconds: int, now: float) -> tuple[str, int]:
    window = int(now // window_seconds)
    return f"{key_digest(key)}#{window}", (window + 1) * window_seconds


def count(key: str, window_seconds: int, now: float | None = None) -> int:
    """How many hits `key` has in the current window."""
    item_key, _ = _window_key(key, window_seconds, now or time.time())
    try:
        return int(RateCounter.get(item_key).hits)
    except RateCounter.DoesNotExist:
        return 0


def hit(key: str, window_seconds: int, now: float | None = None) -> int:
    """Add one hit for `key` (atomically) and return the new count."""
    item_key, window_end = _window_key(key, window_seconds, now or time.time())
    counter = RateCounter(item_key)
    counter.update(
        actions=[
            RateCounter.hits.add(1),
            RateCounter.expires.set(datetime.fromtimestamp(window_end, UTC)),
        ]
    )
    return int(counter.hits)


def check_and_hit(key: str, limit: int, window_seconds: int) -> None:
    """Count one attempt; raise TooManyRequests past `limit` in the window."""
    if hit(key, window_seconds) > limit:
        raise TooManyRequests()
