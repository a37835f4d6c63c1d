"""A donor's yearly statement: the year's gifts and what is reported for the
tax deduction, from the maintained yearly totals (tax/totals.py) and the
donor's request (the number only masked)."""

from __future__ import annotations

from typing import Any, NamedTuple

from chalicelib.portal.service import GiftLine, gifts_of
from chalicelib.tax import limits, requests, totals

# Why a year's gifts are or are not reported (the statement explains each).
REPORTED, NO_REQUEST, BELOW_MINIMUM, NOTHING = (
    "reported", "no_request", "below_minimum", "nothing")


class Delivered(NamedTuple):
    """What a delivery sent to the Tax Administration said for the donor's
    unit (tax/delivery.py's rows), never the number."""

    amount: int  # øre (the report is in whole kroner)
    name: str
    masked: str
    sent_at: Any  # datetime, or None
    rejected: bool  # Skatteetaten's feedback refused the row


class Statement(NamedTuple):
    year: int
    gifts: list[GiftLine]
    total: totals.Sum  # the year's kept total of every channel
    limits: limits.YearLimits
    request: requests.ShownRequest | None
    reported: int  # øre reported under the donor's number (0: nothing)
    state: str  # REPORTED, NO_REQUEST, BELOW_MINIMUM or NOTHING
    delivered: Delivered | None = None  # a sent delivery's row, if any

    @property
    def correction_due(self) -> bool:
        """The sent amount is no longer what the totals say (a refund, a
        later gift): the report's next delivery corrects it."""
        return (self.delivered is not None and not self.delivered.rejected
                and self.delivered.amount != self.reported // 100 * 100)

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
                     year_limits, request, reported, state, delivered_for(year, email))


def delivered_for(year: int, email: str) -> Delivered | None:
    """The donor's row of the year's latest delivery, when it was sent
    (a prepared delivery is not sent yet, a refused one reached no one)."""
    from chalicelib.tax.models import TaxDelivery, TaxReported

    try:
        row = TaxReported.get(str(year), requests.unit_key(year, email))
        delivery = TaxDelivery.get(str(year), str(row.delivery_id))
    except (TaxReported.DoesNotExist, TaxDelivery.DoesNotExist):
        return None
    if delivery.status not in ("sent", "done"):
        return None
    masked = "*" * (6 if row.kind == "person" else 4) + str(row.id_last5)
    return Delivered(int(row.kroner) * 100, str(row.name), masked, delivery.sent_at,
                     row.status == "rejected")
