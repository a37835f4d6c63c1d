"""A donor's yearly statement: the year's gifts and what is reported for the
tax deduction, from the maintained yearly totals (tax/totals.py) and the
donor's request (the number only masked)."""

from __future__ import annotations

from typing import NamedTuple

from chalicelib.portal.service import GiftLine, gifts_of
from chalicelib.tax import limits, requests, totals

# Why a year's gifts are or are not reported (the statement explains each).
REPORTED, NO_REQUEST, BELOW_MINIMUM, NOTHING = (
    "reported", "no_request", "below_minimum", "nothing")


class Statement(NamedTuple):
    year: int
    gifts: list[GiftLine]
    total: totals.Sum  # the year's kept total of every channel
    limits: limits.YearLimits
    request: requests.ShownRequest | None
    reported: int  # øre reported under the donor's number (0: nothing)
    state: str  # REPORTED, NO_REQUEST, BELOW_MINIMUM or NOTHING

    @property
    def capped(self) -> bool:
        return self.state == REPORTED and self.total.net > self.limits.maximum


def reportable(net: int, year_limits: limits.YearLimits,
               has_request: bool) -> tuple[int, str]:
    """What is reported for a year's net total, and why: at least the
    minimum, at most the maximum, and only with a request."""
    if net <= 0:
        return 0, NOTHING
    if net < year_limits.minimum:
        return 0, BELOW_MINIMUM
    if not has_request:
        return 0, NO_REQUEST
    return min(net, year_limits.maximum), REPORTED


def years_of(gifts: list[GiftLine]) -> list[int]:
    """The income years the donor gave in, newest first."""
    return sorted({gift.year for gift in gifts}, reverse=True)


def statement_of(email: str, year: int) -> Statement:
    """The donor's statement for `year` (the gifts' read is audit-logged)."""
    year = limits.check_year(year)
    gifts = [gift for gift in gifts_of(email) if gift.year == year]
    total = totals.total_of(year, email)
    year_limits = limits.limits_for(year)
    request = requests.find(year, email)
    if request is not None and request.status != "active":
        request = None
    reported, state = reportable(total.net, year_limits, request is not None)
    return Statement(year, sorted(gifts, key=lambda g: (g.day, g.receipt)), total,
                     year_limits, request, reported, state)
