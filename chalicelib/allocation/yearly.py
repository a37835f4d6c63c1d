"""Reading one year's records for the annual figures: Queries by month, by
year or by fund and time; the one Scan (holds) is named below."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from chalicelib.errors import Names
from chalicelib.funds.models import Fund, LedgerEntry
from chalicelib.funds.service import list_funds

MONTHS = range(1, 13)


@dataclass
class MoneyIn:
    by_channel: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    donors: int = 0
    gift_donors: set[str] = field(default_factory=set)
    # fund id -> the fund's names, gifts, amount
    earmarked: dict[str, tuple[Names, int, int]] = field(default_factory=dict)

    def add(self, channel: str, month: str, fund: Fund | None, amount: int,
            count: int = 1) -> None:
        had, total = self.by_channel.get((channel, month), (0, 0))
        self.by_channel[(channel, month)] = (had + count, total + amount)
        if fund is not None and fund.restricted:
            names = Names(fund.names, str(fund.fund_id))
            _names, had, total = self.earmarked.get(fund.fund_id, (names, 0, 0))
            self.earmarked[fund.fund_id] = (names, had + count, total + amount)

    @property
    def donor_count(self) -> int:
        return self.donors + len(self.gift_donors)


def _funds() -> dict[str, Fund]:
    return {str(f.fund_id): f for f in list_funds(include_inactive=True)}


def money_in(year: int) -> MoneyIn:
    """Web donations from the donations area's maintained day totals (net of
    refunds) and donor markers, and bank and Vipps gifts (one Query of the
    year)."""
    from chalicelib.donations.reports import day_totals, donors_in, split_day_key
    from chalicelib.gifts.models import Gift

    funds, found = _funds(), MoneyIn()
    for row in day_totals(year):
        day, fund, channel, _campaign = split_day_key(str(row.key))
        found.add(channel, day[:7], funds.get(fund), row.net, int(row.donations))
    found.donors = donors_in(year)
    for gift in Gift.by_year.query(str(year)):
        donor = (str(gift.donor_email or "").casefold()
                 or str(gift.donor_name or "").casefold() or str(gift.gift_key))
        found.gift_donors.add(donor)
        found.add(str(gift.channel), str(gift.date)[:7],
                  funds.get(str(gift.fund_id)), int(gift.amount))
    return found


def clients_helped_with_cash(year: int) -> int:
    """Distinct client codes paid in `year`: each fund's and cash box's ledger
    entries of the year (a Query each), then the paid disbursements they
    reference (BatchGet)."""
    from chalicelib.disbursements.models import Disbursement

    accounts = list_funds(include_inactive=True) + list_funds(
        include_inactive=True, kind="cash_box")
    ids: set[str] = set()
    for account in accounts:
        for entry in LedgerEntry.query(
            account.fund_id,
            LedgerEntry.entry_id.between(f"{year:04d}", f"{year:04d}~"),
            filter_condition=LedgerEntry.kind == "disbursement",
        ):
            if entry.reference:
                ids.add(str(entry.reference))
    codes = {str(item.client_code) for item in Disbursement.batch_get(list(ids))
             if item.status == "paid"} if ids else set()
    return len(codes)


def holds_and_stays(year: int) -> tuple[int, int]:
    """(holds placed in `year`, of them checked in). The shelters area keeps
    no yearly hold totals and holds have no date index, so this is a Scan
    of the holds table filtered to the year: acceptable once a year, named
    in docs/allocation.md as a gap to close in the shelters area."""
    from chalicelib.shelters.models import Hold

    start = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    held = stayed = 0
    for hold in Hold.scan(Hold.created_at.between(start, end),
                          attributes_to_get=["hold_id", "created_at", "status"]):
        if hold.created_at < end:
            held += 1
            stayed += hold.status == "checked_in"
    return held, stayed


def volunteer_minutes(year: int) -> int:
    from chalicelib.volunteers.hours import hours_total

    return hours_total(year)
