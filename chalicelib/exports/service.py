"""The accountant's export: online donations and offline gifts of a period,
one row each, read through the month and year indexes (never a scan) and
bounded so the file always fits in one Lambda response (6 MB)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import NamedTuple

from chalicelib.core.clock import oslo_date
from chalicelib.errors import N_, DomainError, ValidationFailed

MAX_DAYS = 366
MAX_ROWS = 20_000  # ~2.5 MB of CSV; Lambda answers at most 6 MB
MAX_BYTES = 5_000_000
CHANNELS = ("stripe", "vipps", "bank")
PAGE = 200


class ExportTooLarge(DomainError):
    code = "export_too_large"
    status = 422
    field = "from"
    message = N_("This period holds more than %(limit)s donations and gifts, more "
                 "than one file can hold. Choose a shorter period and export the "
                 "rest separately.")


class ExportFilter(NamedTuple):
    date_from: date
    date_to: date
    fund_id: str = ""
    channel: str = ""

    def describe(self) -> str:
        """The selection for the audit log (no data, only the filters)."""
        text = f"{self.date_from.isoformat()}..{self.date_to.isoformat()}"
        for name, value in (("fund", self.fund_id), ("channel", self.channel)):
            if value:
                text += f" {name}={value}"
        return text


class Row(NamedTuple):
    day: str  # YYYY-MM-DD (Oslo)
    kind: str  # donation | gift
    channel: str
    fund_id: str
    campaign_id: str
    amount: int  # øre
    refunded: int  # øre
    reference: str


def _day(text: str, name: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise ValidationFailed({name: N_("Enter a date (YYYY-MM-DD).")}) from None


def parse_filter(query: dict[str, str], fund_ids: set[str],
                 today: date | None = None) -> ExportFilter:
    """The export form's query, checked; the default is last month."""
    today = today or oslo_date()
    last_month_end = today.replace(day=1) - timedelta(days=1)
    start = _day(query.get("from", "").strip(), "from") or last_month_end.replace(day=1)
    end = _day(query.get("to", "").strip(), "to") or last_month_end
    fields: dict[str, str] = {}
    if end < start:
        fields["to"] = N_("Enter a date on or after the start.")
    elif (end - start).days >= MAX_DAYS:
        fields["from"] = N_("Choose a period of at most one year.")
    fund, channel = query.get("fund", ""), query.get("channel", "")
    if fund and fund not in fund_ids:
        fields["fund"] = N_("Choose a fund from the list.")
    if channel and channel not in CHANNELS:
        fields["channel"] = N_("Choose a channel from the list.")
    if fields:
        raise ValidationFailed(fields)
    return ExportFilter(start, end, fund, channel)


def rows(wanted: ExportFilter) -> list[Row]:
    """Every donation and gift of the filter, oldest first; ExportTooLarge
    (before reading them) when there are more than MAX_ROWS."""
    found = _gifts(wanted) if wanted.channel in ("", "bank", "vipps") else []
    if wanted.channel in ("", "stripe", "vipps"):
        found += _donations(wanted, MAX_ROWS - len(found))
    return sorted(found, key=lambda row: (row.day, row.kind, row.reference))


LIMIT_TEXT = f"{MAX_ROWS:,}".replace(",", "\u00a0")  # 20 000


def _too_large() -> ExportTooLarge:
    return ExportTooLarge(limit=LIMIT_TEXT)


def _donations(wanted: ExportFilter, room: int) -> list[Row]:
    from chalicelib.donations import reports

    chosen = reports.DonationFilter(wanted.date_from, wanted.date_to,
                                    wanted.fund_id, "", wanted.channel)
    if reports.donation_totals(chosen).count > room:  # day totals: no item read
        raise _too_large()
    found: list[Row] = []
    cursor = ""
    while True:
        page = reports.donation_page(chosen, cursor, PAGE)
        found += [Row(oslo_date(datetime.fromisoformat(str(d.credited_at))).isoformat(),
                      "donation",
                      str(d.channel), str(d.fund_id or ""), str(d.campaign_id or ""),
                      int(d.amount), int(d.refunded), str(d.donation_id))
                  for d in page.donations]
        if len(found) > room:
            raise _too_large()
        if not page.next_cursor:
            return found
        cursor = page.next_cursor


def _gifts(wanted: ExportFilter) -> list[Row]:
    from chalicelib.gifts.models import Gift

    first, last = wanted.date_from.isoformat(), wanted.date_to.isoformat()
    condition = Gift.date.between(first, last)
    if wanted.fund_id:
        condition &= Gift.fund_id == wanted.fund_id
    if wanted.channel:
        condition &= Gift.channel == wanted.channel
    found: list[Row] = []
    for year in range(wanted.date_from.year, wanted.date_to.year + 1):
        for gift in Gift.by_year.query(str(year), filter_condition=condition,
                                       page_size=500):
            found.append(Row(str(gift.date), "gift", str(gift.channel),
                             str(gift.fund_id), "", int(gift.amount), 0,
                             str(gift.reference)))
            if len(found) > MAX_ROWS:
                raise _too_large()
    return found
