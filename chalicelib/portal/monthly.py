"""A donor's monthly gifts, as the portal lists them, and the checks of a
change: the amount of a card gift, pausing and resuming it, stopping it;
stopping a Vipps gift.

The donor's gifts are those their own credited donations name (by the
email), so no one changes another donor's gift. A change is made at Stripe
or Vipps first, then recorded here (`changing.py`)."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from chalicelib.errors import N_, Conflict, NotFound, ValidationFailed
from chalicelib.portal.service import GiftLine, donation_lines

ACTIONS = ("amount", "pause", "resume", "stop")


class MonthlyLine(NamedTuple):
    gift_id: str  # sub_... (card) or mnd-... (Vipps)
    channel: str  # stripe | vipps
    amount: int  # øre a month
    fund_id: str
    state: str  # active | paused | pending | ended


class Done(NamedTuple):
    """What the confirmation says."""

    action: str
    subject: str  # the monthly gift's id, the tax year, the name to thank by
    amount: int | None = None


class UnknownMonthlyGift(NotFound):
    code = "unknown_monthly_gift"
    message = N_("There is no such monthly gift among your gifts.")


class GiftCannotChange(Conflict):
    code = "monthly_gift_cannot_change"
    message = N_("This monthly gift cannot be changed any more: it has ended. "
                 "You can start a new one on the donation page.")


def _state(gift: Any) -> str:
    if gift.ended or gift.status in ("stopped", "expired", "rejected"):
        return "ended"
    if gift.status == "pending":
        return "pending"
    return "paused" if gift.paused else "active"


def monthly_of(email: str, gifts: list[GiftLine] | None = None) -> list[MonthlyLine]:
    """The donor's monthly gifts, running ones first (`gifts`: the donor's
    gift lines when the caller has read them)."""
    from chalicelib.donations.models import MonthlyGift

    latest: dict[str, Any] = {}
    given = donation_lines(email) if gifts is None else gifts
    for line in sorted(given, key=lambda line: line.day):
        if line.subscription:
            latest[line.subscription] = line
    found = {str(g.subscription_id): g for g in MonthlyGift.batch_get(list(latest))}
    lines = []
    for gift_id, line in latest.items():
        gift = found.get(gift_id)
        lines.append(MonthlyLine(
            gift_id, line.channel,
            int(gift.amount) if gift and gift.amount else line.amount,
            str(gift.fund_id if gift and gift.fund_id else line.fund_id),
            _state(gift) if gift else "active"))
    return sorted(lines, key=lambda m: (m.state == "ended", m.gift_id))


def own_gift(email: str, gift_id: str) -> MonthlyLine:
    """The donor's own monthly gift `gift_id`; UnknownMonthlyGift otherwise."""
    for line in monthly_of(email):
        if line.gift_id == gift_id:
            return line
    raise UnknownMonthlyGift()


def parse_amount(raw: str) -> int:
    """A new monthly amount in øre from whole kroner, within the donation
    page's limits (ValidationFailed on the `amount` field)."""
    from chalicelib.donations.settings import donation_settings

    settings = donation_settings()
    text = (raw or "").replace(" ", "").replace("\u00a0", "").removesuffix("kr")
    if not re.fullmatch(r"\d{1,9}", text):
        raise ValidationFailed({"amount": N_("Enter a whole number of kroner.")})
    if not settings.min_nok <= int(text) <= settings.max_nok:
        raise ValidationFailed({"amount": N_(
            "Choose an amount between the minimum and the maximum.")})
    return int(text) * 100
