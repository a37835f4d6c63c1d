"""Shelter rules with no I/O: what counts as held, free and stale, how well a
shelter fits a search, and how a stay splits into bed-nights per month."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import NamedTuple

from chalicelib.errors import N_

SHELTER_TYPES = {
    "emergency_room": N_("Emergency room"),
    "crisis_centre": N_("Crisis centre"),
    "specialised": N_("Specialised shelter"),
    "asylum_reception": N_("Reception for asylum seekers"),
    "flat": N_("Flat"),
}
GENDERS = ("woman", "man", "trans")
STALE_AFTER = timedelta(hours=12)  # the default of SHELTER_COUNTS_FRESH_HOURS
BAD_NUMBER = N_("Enter a whole number within the allowed range.")
MIN_HOLD_HOURS, MAX_HOLD_HOURS, DEFAULT_HOLD_HOURS = 1, 72, 4


def active_holds(holds: Mapping[str, int | float], now: datetime) -> dict[str, int]:
    """The holds whose expiry is still ahead: an expired hold holds nothing."""
    cutoff = now.timestamp()
    return {hold_id: int(expiry) for hold_id, expiry in holds.items()
            if expiry > cutoff}


class Counts(NamedTuple):
    total: int
    occupied: int
    held: int

    @property
    def free(self) -> int:
        return self.total - self.occupied - self.held


def counts(total: float, occupied: float, holds: Mapping[str, int | float],
           now: datetime) -> Counts:
    return Counts(int(total), int(occupied), len(active_holds(holds, now)))


def is_stale(confirmed_at: datetime | None, now: datetime,
             fresh_for: timedelta = STALE_AFTER) -> bool:
    """Counts confirmed longer than `fresh_for` ago (or never) are unknown:
    the board and searches show no number for them."""
    return confirmed_at is None or now - confirmed_at > fresh_for


def board_order(free: int | None, score: int) -> tuple[int, int, int]:
    """Known free beds first, then unknown counts, then full shelters; by fit."""
    bucket = 1 if free is None else (0 if free > 0 else 2)
    return (bucket, -score, -(free or 0))


class Need(NamedTuple):
    """What a search asks for; None means "does not matter"."""

    region: str | None = None
    gender: str | None = None
    children: int = 0
    wheelchair: bool = False
    language: str | None = None
    asylum: bool = False


class Criteria(NamedTuple):
    regions: frozenset[str]  # today's county, or those an old one may be
    accepts: frozenset[str]  # subset of GENDERS
    children_max: int
    wheelchair: bool
    languages: frozenset[str]
    asylum: bool


def unmet_requirements(need: Need, criteria: Criteria) -> list[str]:
    """Hard requirements a shelter cannot meet (safety and access)."""
    unmet = []
    if need.gender and need.gender not in criteria.accepts:
        unmet.append("gender")
    if need.children > criteria.children_max:
        unmet.append("children")
    if need.wheelchair and not criteria.wheelchair:
        unmet.append("wheelchair")
    if need.asylum and not criteria.asylum:
        unmet.append("asylum")
    return unmet


def fit_score(need: Need, criteria: Criteria, stale: bool) -> int:
    """Preferences raise the rank: same region, a shared language, fresh counts."""
    score = 0
    if need.region and need.region in criteria.regions:
        score += 4
    if need.language and need.language in criteria.languages:
        score += 2
    if not stale:
        score += 1
    return score


def nights_by_month(start: date, end: date) -> dict[str, int]:
    """Nights from `start` to `end` (checkout day not counted), per YYYY-MM."""
    months: dict[str, int] = {}
    night = start
    while night < end:
        key = night.strftime("%Y-%m")
        months[key] = months.get(key, 0) + 1
        night += timedelta(days=1)
    return months
