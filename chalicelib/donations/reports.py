"""What finance sees: credited donations by month, filtered, with totals;
open disputes; and the donors who agreed to be thanked by name."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

from chalicelib.core.clock import oslo_date
from chalicelib.core.thanks import ThankedGiver
from chalicelib.donations.models import Donation, DonationTotal, WebhookAttention
from chalicelib.errors import N_, ValidationFailed

MAX_MONTHS = 24


class DonationFilter(NamedTuple):
    date_from: date
    date_to: date
    fund_id: str = ""
    campaign_id: str = ""
    channel: str = ""


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
    today = today or oslo_date()
    month, year = today.month - 2, today.year
    if month < 1:
        month, year = month + 12, year - 1
    start = _day(query.get("from", ""), date(year, month, 1), "from")
    end = _day(query.get("to", ""), today, "to")
    if end < start:
        raise ValidationFailed(fields={"to": N_("Enter a date on or after the start.")})
    return DonationFilter(start, end, query.get("fund", ""), query.get("campaign", ""),
                          query.get("channel", ""))


def oslo_day_span(first: date, last: date) -> tuple[datetime, datetime]:
    """The UTC moments of Oslo's first second of `first` and last of `last`."""
    from chalicelib.core.clock import OSLO

    start = datetime.combine(first, time(), OSLO).astimezone(UTC)
    after = datetime.combine(last + timedelta(days=1), time(), OSLO).astimezone(UTC)
    return start, after - timedelta(seconds=1)


def months(start: date, end: date) -> list[str]:
    found: list[str] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month) and len(found) < MAX_MONTHS:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
_CURSOR_KEYS = {"donation_id", "month", "credited_at"}


@dataclass
class Totals:
    """Sums of the donations credited in a filter's period, from the
    maintained day totals (a Query per year, whatever the number of gifts)."""

    count: int = 0
    amount: int = 0
    refunded: int = 0

    @property
    def net(self) -> int:
        return self.amount - self.refunded


@dataclass
class DonationPage:
    donations: list[Donation] = field(default_factory=list)
    next_cursor: str = ""


def _condition(wanted: DonationFilter) -> Any:
    condition = None
    for attribute, value in ((Donation.fund_id, wanted.fund_id),
                             (Donation.campaign_id, wanted.campaign_id),
                             (Donation.channel, wanted.channel)):
        if value:
            test = attribute == value
            condition = test if condition is None else condition & test
    return condition


def encode_cursor(month: str, key: dict[str, Any] | None) -> str:
    """A page position: the month and the index key to start after (None:
    the month's start)."""
    text = json.dumps({"m": month, "k": key}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _bad_cursor() -> ValidationFailed:
    return ValidationFailed(fields={"cursor": N_(
        "This page link is no longer valid. Start again from the first page.")})


def decode_cursor(cursor: str,
                  wanted_months: list[str]) -> tuple[str, dict[str, Any] | None]:
    """(month, the index key to start after); ValidationFailed when the cursor
    was not made by `encode_cursor` for these filters."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        found = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        month, key = found["m"], found["k"]
    except (ValueError, TypeError, KeyError):
        raise _bad_cursor() from None
    if key is None and isinstance(month, str) and month in wanted_months:
        return month, None
    valid = (
        isinstance(key, dict) and set(key) == _CURSOR_KEYS and month in wanted_months
        and all(isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str)
                and 0 < len(v["S"]) <= 200 for v in key.values())
        and key["month"]["S"] == month
    )
    if not valid:
        raise _bad_cursor()
    return month, key


def page_size(text: str) -> int:
    if not text:
        return PAGE_SIZE
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_PAGE_SIZE:
        raise ValidationFailed(fields={"limit": N_(
            "Enter a number of rows from 1 to 200.")})
    return int(text)


def donation_page(wanted: DonationFilter, cursor: str = "",
                  limit: int = PAGE_SIZE) -> DonationPage:
    """One page of the credited donations in the filter, newest first: a
    Query per month from the newest, stopping as soon as the page is full."""
    # The days are Oslo's (as the day totals and every page): from Oslo's
    # midnight at the first day to the last second before it after the last.
    start, end = oslo_day_span(wanted.date_from, wanted.date_to)
    first, last = start.isoformat(timespec="seconds"), end.isoformat(timespec="seconds")
    newest_first = list(reversed(months(start.date(), end.date())))
    start_key: dict[str, Any] | None = None
    if cursor:
        month, start_key = decode_cursor(cursor, newest_first)
        newest_first = newest_first[newest_first.index(month):]
    page = DonationPage()
    for month in newest_first:
        wanted_now = limit - len(page.donations)
        results = Donation.by_month.query(
            month, Donation.credited_at.between(first, last),
            filter_condition=_condition(wanted), scan_index_forward=False,
            limit=wanted_now, page_size=min(wanted_now * 4, 500),
            last_evaluated_key=start_key,
        )
        page.donations.extend(results)
        start_key = None
        if len(page.donations) >= limit:
            if results.last_evaluated_key:
                page.next_cursor = encode_cursor(month, results.last_evaluated_key)
            elif month != newest_first[-1]:
                older = newest_first[newest_first.index(month) + 1]
                page.next_cursor = encode_cursor(older, None)
            break
    return page


def split_day_key(key: str) -> tuple[str, str, str, str]:
    """(day, fund, channel, campaign or "") of a `day#...` totals key."""
    _day_tag, day, fund, channel, campaign = key.split("#", 4)
    return day, fund, channel, "" if campaign == "-" else campaign


def day_totals(year: int, first: str = "", last: str = "") -> Iterator[DonationTotal]:
    """The day totals of `year` between two days (inclusive), oldest first."""
    low = f"day#{first or f'{year:04d}-01-01'}"
    high = f"day#{last or f'{year:04d}-12-31'}#~"
    yield from DonationTotal.query(str(year), DonationTotal.key.between(low, high))


def donation_totals(wanted: DonationFilter) -> Totals:
    """What `donation_page` would add up over every page, from day totals."""
    totals = Totals()
    first, last = wanted.date_from.isoformat(), wanted.date_to.isoformat()
    for year in range(wanted.date_from.year, wanted.date_to.year + 1):
        for row in day_totals(year, max(first, f"{year:04d}-01-01"),
                              min(last, f"{year:04d}-12-31")):
            _day, fund, channel, campaign = split_day_key(str(row.key))
            if ((wanted.fund_id and fund != wanted.fund_id)
                    or (wanted.campaign_id and campaign != wanted.campaign_id)
                    or (wanted.channel and channel != wanted.channel)):
                continue
            totals.count += int(row.donations)
            totals.amount += int(row.amount)
            totals.refunded += int(row.refunded)
    return totals


def donors_in(year: int) -> int:
    """Distinct card donors of `year` (a COUNT of the yearly donor markers)."""
    return DonationTotal.count(str(year), DonationTotal.key.startswith("donor#"))


def needing_attention(limit: int = 50) -> list[WebhookAttention]:
    """Stripe events acknowledged without moving money, newest first."""
    return list(WebhookAttention.query("open", scan_index_forward=False, limit=limit))


def open_disputes() -> list[Donation]:
    return list(Donation.by_dispute.query("open", scan_index_forward=False))


def thanked_donors(year: int) -> list[ThankedGiver]:
    """Donors of `year` who agreed to be thanked by name, one line per name,
    from the maintained totals."""
    rows = DonationTotal.query(str(year), DonationTotal.key.startswith("thanks#"))
    found = [(str(row.key)[len("thanks#"):], row.net) for row in rows]
    return [ThankedGiver(name, net, "stripe") for name, net in sorted(found) if net > 0]


def as_json(donation: Donation) -> dict[str, object]:
    return {
        "id": donation.donation_id, "amount": int(donation.amount),
        "refunded": int(donation.refunded), "currency": donation.currency,
        "channel": donation.channel, "frequency": donation.frequency,
        "fund": donation.fund_id, "campaign": donation.campaign_id,
        "credited_at": donation.credited_at, "disputed": bool(donation.dispute_state),
    }
