"""Yearly totals per tax unit (one email, one income year), kept by the
transactions that move the money: a credited card or Vipps donation and a
recorded bank/offline gift add to their unit, a refund subtracts, each in
the transaction that posts it to the ledger. A retried event or gift posts
nothing the second time (its ledger movement exists), so it adds nothing.

Every email that gives has a total, with or without a deduction request: a
request made in December finds the whole year already summed, and a request
written while a gift is credited cannot miss it. `recount` sums the same
year from the donations and gifts themselves (the independent check).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, NamedTuple

from pynamodb.expressions.update import Action

from chalicelib.core.clock import oslo_date
from chalicelib.tax.models import TaxTotal
from chalicelib.tax.requests import unit_key

Write = Callable[[Any], None]  # called with the UnitOfWork


class Sum(NamedTuple):
    amount: int  # øre given
    refunded: int  # øre given back
    gifts: int

    @property
    def net(self) -> int:
        return self.amount - self.refunded


def normal_email(email: str | None) -> str:
    return (email or "").strip().lower()


def income_year(credited_at: str) -> int:
    """The income year of a payment: its calendar year in Oslo (a card gift
    at 00:30 on 1 January Oslo time belongs to the new year)."""
    moment = datetime.fromisoformat(credited_at.replace("Z", "+00:00"))
    return oslo_date(moment if moment.tzinfo else moment.replace(tzinfo=UTC)).year


def change(email: str | None, year: int, amount: int = 0, refunded: int = 0,
           gifts: int = 0) -> list[Write]:
    """The write adding to one unit's total ([] without an email)."""
    email = normal_email(email)
    if not email:
        return []
    item = TaxTotal(str(year), unit_key(year, email))
    actions: list[Action] = [TaxTotal.amount.add(amount),
                             TaxTotal.refunded.add(refunded),
                             TaxTotal.gifts.add(gifts), TaxTotal.email.set(email)]
    return [lambda tx: tx.update(item, actions=actions)]


def for_donation(donation: Any, amount: int, refunded: int, new: bool) -> list[Write]:
    """A card or Vipps donation's share: its credit (`new`) or a refund
    (counted in the income year the gift was given)."""
    if str(donation.currency or "NOK") != "NOK" or not donation.credited_at:
        return []
    return change(donation.email, income_year(str(donation.credited_at)),
                  amount, refunded, int(new))


def for_gift(email: str | None, date: str, amount: int) -> list[Write]:
    """A bank or offline gift's share (`date`: the day the money arrived)."""
    return change(email, int(date[:4]), amount, 0, 1)


def total_of(year: int, email: str) -> Sum:
    try:
        item = TaxTotal.get(str(year), unit_key(year, normal_email(email)))
    except TaxTotal.DoesNotExist:
        return Sum(0, 0, 0)
    return Sum(int(item.amount), int(item.refunded), int(item.gifts))


def totals_of_year(year: int) -> dict[str, TaxTotal]:
    """Every unit's total of `year` by unit key (one paged Query)."""
    return {str(item.unit_key): item for item in TaxTotal.query(str(year))}


def recount(year: int) -> dict[str, Sum]:
    """The year summed again from the donations and gifts themselves (reads
    every gift of the year: for checks and repairs, not for pages)."""
    from chalicelib.donations.models import Donation
    from chalicelib.gifts.models import Gift

    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    months = [f"{year - 1}-12"] + [f"{year}-{m:02d}" for m in range(1, 13)]
    for month in months:
        for donation in Donation.by_month.query(month):
            email = normal_email(donation.email)
            if (not donation.credited or not email or donation.currency != "NOK"
                    or income_year(str(donation.credited_at)) != year):
                continue
            row = sums[unit_key(year, email)]
            row[0] += int(donation.amount)
            row[1] += int(donation.refund_applied)
            row[2] += 1
    for gift in Gift.by_year.query(str(year)):
        email = normal_email(gift.donor_email)
        if email:
            row = sums[unit_key(year, email)]
            row[0] += int(gift.amount)
            row[2] += 1
    return {key: Sum(*row) for key, row in sums.items()}


def drift(year: int) -> dict[str, tuple[Sum, Sum]]:
    """Units whose kept total differs from `recount` (kept, counted)."""
    kept = {key: Sum(int(t.amount), int(t.refunded), int(t.gifts))
            for key, t in totals_of_year(year).items()}
    counted = recount(year)
    zero = Sum(0, 0, 0)
    return {key: (kept.get(key, zero), counted.get(key, zero))
            for key in kept.keys() | counted.keys()
            if kept.get(key, zero) != counted.get(key, zero)}
