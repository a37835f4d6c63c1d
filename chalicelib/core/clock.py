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


def oslo_time(moment: datetime) -> str:
    """`02.12.2026 03:30` in Oslo time, for pages and mails."""
    return moment.astimezone(OSLO).strftime("%d.%m.%Y %H:%M")


def day_text(day: date | str) -> str:
    """`31.12.2026`: how a date is written in Norway (and in our mails)."""
    value = date.fromisoformat(day) if isinstance(day, str) else day
    return value.strftime("%d.%m.%Y")
