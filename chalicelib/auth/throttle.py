"""Growing delays after wrong logins, per account and per client address,
never a lock: whoever knows someone's email can make them wait at most
`ACCOUNT.cap` seconds, and after the wait their right password works.

While a delay runs, an attempt is answered "wait" without checking the
password and without counting, so hammering does not lengthen it."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from pynamodb.exceptions import UpdateError

from chalicelib.auth.models import RateCounter
from chalicelib.auth.ratelimit import key_digest
from chalicelib.db import is_condition_failure
from chalicelib.errors import N_, TooManyRequests

FORGET_AFTER = 3600  # failures are forgotten an hour after the last one


@dataclass(frozen=True)
class Limit:
    scope: str
    free: int  # failures without any delay
    cap: int  # the longest delay, in seconds

    def delay(self, failures: int) -> int:
        """Seconds to wait after `failures` wrong logins: 1, 2, 4 ... up to cap."""
        if failures < self.free:
            return 0
        return int(min(self.cap, 2 ** min(failures - self.free, 30)))


ACCOUNT = Limit("login-account", free=3, cap=30)
ADDRESS = Limit("login-address", free=10, cap=300)


class LoginDelayed(TooManyRequests):
    message = N_("Too many wrong attempts. Please wait %(seconds)s seconds and "
                 "try again.")

    def __init__(self, seconds: int) -> None:
        super().__init__(seconds=seconds)
        self.retry_after = seconds


def clock() -> float:
    return time.time()


def _keys(email: str, address: str) -> dict[Limit, str]:
    return {ACCOUNT: key_digest(f"{ACCOUNT.scope}:{email}"),
            ADDRESS: key_digest(f"{ADDRESS.scope}:{address}")}


def _failures(counter: RateCounter | None, now: float) -> tuple[int, float]:
    """(failures, time of the last) of a counter not yet forgotten."""
    if counter is None or counter.last is None:
        return 0, 0.0
    last = float(counter.last)
    return (int(counter.hits), last) if now - last < FORGET_AFTER else (0, 0.0)


def check(email: str, address: str) -> None:
    """Raise LoginDelayed (with the seconds left) while a delay runs for the
    account or the address; one BatchGetItem."""
    now = clock()
    keys = _keys(email, address)
    found = {str(c.key): c for c in RateCounter.batch_get(list(keys.values()))}
    wait = 0.0
    for limit, key in keys.items():
        failures, last = _failures(found.get(key), now)
        wait = max(wait, last + limit.delay(failures) - now)
    if wait > 0:
        raise LoginDelayed(max(1, math.ceil(wait)))


def failed(email: str, address: str) -> None:
    """Count one wrong login for the account and the address."""
    now = clock()
    for key in _keys(email, address).values():
        counter = RateCounter(key)
        try:
            counter.update(
                actions=[RateCounter.hits.add(1), RateCounter.last.set(now),
                         RateCounter.expires.set(_expiry(now))],
                condition=RateCounter.last >= now - FORGET_AFTER)
        except UpdateError as error:
            if not is_condition_failure(error):
                raise
            # none yet, or forgotten: start again
            RateCounter(key, hits=1, last=now, expires=_expiry(now)).save()


def succeeded(email: str) -> None:
    """A right password clears the account's count (never the address's)."""
    RateCounter(_keys(email, "")[ACCOUNT]).delete()


def _expiry(now: float) -> datetime:
    return datetime.fromtimestamp(now + FORGET_AFTER, UTC)
