"""Oslo time, wherever a person reads a date or a time.

Storage and schedules stay in UTC; a date a job works on ("tonight's
reconciliation", "expires in 30 days") and a time shown on a page are Oslo's.
The `tzdata` package ships the zone, so this does not depend on the Lambda
image having /usr/share/zoneinfo.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


def now_utc() -> datetime:
    return datetime.now(UTC)


def oslo_date(moment: datetime | None = None) -> date:
    """The calendar day in Oslo at `moment` (now by default)."""
    return (moment or now_utc()).astimezone(OSLO).date()


def _moment(moment: datetime | str) -> datetime:
    """A stored moment as an aware datetime: stored strings are ISO 8601 in
    UTC (`2026-12-02T01:36:00.123456+00:00`, `...Z`, or a ledger entry id
    that starts with one), and a naive datetime is UTC."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.split("#")[0].strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def oslo_date_of(moment: datetime | str) -> date:
    """The calendar day in Oslo at a stored moment (an ISO string in UTC or
    an aware datetime): the day a gift at 00:30 Oslo time belongs to."""
    return _moment(moment).astimezone(OSLO).date()


def oslo_time(moment: datetime | str | None, zone: bool = False) -> str:
    """`02.12.2026 03:30` in Oslo time, for pages and mails; with `zone`,
    the zone's own abbreviation follows (`02.12.2026 03:30 CET`, `CEST` in
    summer), for times a coordinator acts on at night. '' for no moment."""
    if moment is None or moment == "":
        return ""
    local = _moment(moment).astimezone(OSLO)
    return local.strftime("%d.%m.%Y %H:%M %Z" if zone else "%d.%m.%Y %H:%M")


def oslo_day(moment: datetime | str | None) -> str:
    """`02.12.2026`, the day in Oslo at a stored moment ('' for none)."""
    if moment is None or moment == "":
        return ""
    return _moment(moment).astimezone(OSLO).strftime("%d.%m.%Y")


def wall_time(text: str) -> str:
    """`09.12.2026 13:00` for a wall-clock time stored as typed in Oslo
    (`2026-12-09T13:00`, a datetime-local field's value); kept as it is when
    it is not one."""
    try:
        return datetime.fromisoformat(text).strftime("%d.%m.%Y %H:%M")
    except (TypeError, ValueError):
        return text


def day_text(day: date | str) -> str:
    """`31.12.2026`: how a date is written in Norway (and in our mails)."""
    value = date.fromisoformat(day) if isinstance(day, str) else day
    return value.strftime("%d.%m.%Y")
