"""What the allocation view reads, from the totals other areas maintain when
they write: a fixed number of requests whatever the history (no Scan of
donations, ledger entries, disbursements, stays or movements).

Small registry tables (funds, campaigns, shelters, catalogue, stock rows, open
needs) are read whole: they grow with the organisation, not with the years."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NamedTuple

from chalicelib.disbursements.models import DisbursementTotal
from chalicelib.donations.models import Campaign
from chalicelib.funds.models import Fund, FundMonth
from chalicelib.funds.service import list_funds


def this_month(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y-%m")


class FundRow(NamedTuple):
    fund: Fund
    income: int  # øre this month
    spending: int  # øre this month

    @property
    def fund_id(self) -> str:
        return str(self.fund.fund_id)

    @property
    def balance(self) -> int:
        return int(self.fund.balance)


def fund_rows(month: str) -> list[FundRow]:
    """Active funds with this month's income and spending: one Scan of the
    funds registry and one BatchGet of the maintained month totals."""
    funds = list_funds()
    keys = [(fund.fund_id, month) for fund in funds]
    months = {m.fund_id: m for m in FundMonth.batch_get(keys)} if keys else {}
    rows = []
    for fund in funds:
        total = months.get(fund.fund_id)
        rows.append(FundRow(fund, int(total.income) if total else 0,
                            int(total.spending) if total else 0))
    return rows


def cash_by_purpose(month: str) -> dict[str, tuple[int, int]]:
    """Emergency cash paid in `month`: {purpose: (øre, payments)}, one Query
    of the disbursement totals."""
    found: dict[str, tuple[int, int]] = {}
    prefix = f"{month}#purpose#"
    for total in DisbursementTotal.query(
        month[:4], DisbursementTotal.key.startswith(prefix)
    ):
        found[total.key[len(prefix):]] = (int(total.amount), int(total.payments))
    return found


def pending_disbursements() -> tuple[int, int]:
    """(count, øre) of disbursements waiting for a second person: the count
    kept by the transactions that log and decide them (one GetItem)."""
    from chalicelib.disbursements.totals import waiting

    return waiting()


def active_campaigns() -> list[Campaign]:
    """Campaigns with their maintained `raised` and `donors` (a short list)."""
    campaigns = [c for c in Campaign.scan() if c.active]
    return sorted(campaigns, key=lambda c: (str(c.ends), str(c.campaign_id)))


def beds_tonight() -> dict[str, Any]:
    from chalicelib.shelters.search import beds_tonight_summary

    return beds_tonight_summary()


def shelter_choices() -> list[tuple[str, str]]:
    """(id, name) of every shelter, never an address: for the action forms."""
    from chalicelib.shelters.registry import list_shelters

    return [(str(s.shelter_id), str(s.name)) for s in list_shelters()]


def stock_and_needs() -> tuple[list[Any], list[Any]]:
    from chalicelib.inkind.needs import open_needs
    from chalicelib.inkind.stock import stock_overview

    return stock_overview(), open_needs()


def open_tasks() -> int:
    from chalicelib.volunteers.tasks import open_tasks_without_volunteer

    return open_tasks_without_volunteer()
