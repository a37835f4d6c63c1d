"""What finance sees: credited donations by month, filtered, with totals;
open disputes; and the donors who agreed to be thanked by name."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from chalicelib.core.thanks import ThankedGiver
from chalicelib.donations.models import Donation
from chalicelib.errors import N_, ValidationFailed

MAX_MONTHS = 24


@dataclass(frozen=True)
class DonationFilter:
    date_from: date
    date_to: date
    fund_id: str = ""
    campaign_id: str = ""
    channel: str = ""


@dataclass
class DonationReport:
    donations: list[Donation] = field(default_factory=list)
    amount: int = 0
    refunded: int = 0

    @property
    def net(self) -> int:
        return self.amount - self.refunded


def _day(text: str, default: date, name: str) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        message = N_("Enter a date (YYYY-MM-DD).")
        raise ValidationFailed(fields={name: message}) from None


def parse_filter(query: dict[str, str], today: date | None = None) -> DonationFilter:
    """Filters from a query string; the default is this month and the last two."""
    today = today or date.today()
    month, year = today.month - 2, today.year
    if month < 1:
        month, year = month + 12, year - 1
    start = _day(query.get("from", ""), date(year, month, 1), "from")
    end = _day(query.get("to", ""), today, "to")
    if end < start:
        raise ValidationFailed(fields={"to": N_("Enter a date on or after the start.")})
    return DonationFilter(start, end, query.get("fund", ""), query.get("campaign", ""),
                          query.get("channel", ""))


def months(start: date, end: date) -> list[str]:
    found: list[str] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month) and len(found) < MAX_MONTHS:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def _matches(donation: Donation, wanted: DonationFilter) -> bool:
    return (
        (not wanted.fund_id or donation.fund_id == wanted.fund_id)
        and (not wanted.campaign_id or donation.campaign_id == wanted.campaign_id)
        and (not wanted.channel or donation.channel == wanted.channel)
    )


def donation_report(wanted: DonationFilter) -> DonationReport:
    """Credited donations in the date range (a Query per month), newest first."""
    report = DonationReport()
    first, last = wanted.date_from.isoformat(), wanted.date_to.isoformat() + "~"
    for month in months(wanted.date_from, wanted.date_to):
        for donation in Donation.by_month.query(
            month, Donation.credited_at.between(first, last)
        ):
            if _matches(donation, wanted):
                report.donations.append(donation)
                report.amount += int(donation.amount)
                report.refunded += int(donation.refunded)
    report.donations.sort(key=lambda d: str(d.credited_at), reverse=True)
    return report


def open_disputes() -> list[Donation]:
    return list(Donation.by_dispute.query("open", scan_index_forward=False))


def thanked_donors(year: int) -> list[ThankedGiver]:
    """Donors of `year` who agreed to be thanked by name, one line per name."""
    totals: dict[str, int] = defaultdict(int)
    for month in months(date(year, 1, 1), date(year, 12, 31)):
        for donation in Donation.by_month.query(
            month, filter_condition=Donation.wants_thanks == True  # noqa: E712
        ):
            if donation.thanks_name and donation.net > 0:
                totals[str(donation.thanks_name)] += donation.net
    ordered = sorted(totals.items())
    return [ThankedGiver(name, total, "stripe") for name, total in ordered]


def as_json(donation: Donation) -> dict[str, object]:
    return {
        "id": donation.donation_id, "amount": int(donation.amount),
        "refunded": int(donation.refunded), "currency": donation.currency,
        "channel": donation.channel, "frequency": donation.frequency,
        "fund": donation.fund_id, "campaign": donation.campaign_id,
        "credited_at": donation.credited_at, "disputed": bool(donation.dispute_state),
    }
