"""Thanks by name, as the donor changes it: whether and by what name this
year's card and Vipps gifts stand in the thank-you list, and so their
running monthly gifts' coming months.

In one transaction with its audit entry and the form's change record: each
of this year's gifts whose choice changes (its version as condition) and
the thank-you totals it moves from the old name to the new (the list reads
only those totals, `donations/reports.py`); each running Vipps gift's
choice. A running card gift's choice is the subscription's metadata at
Stripe (`thanks`, `thanks_name`, which its next invoices carry), set first
with an Idempotency-Key from the same form. Gifts finance recorded (bank,
cash) keep what finance recorded."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any, NamedTuple

from chalicelib.core.clock import OSLO, oslo_date, oslo_date_of
from chalicelib.errors import N_, Conflict, ValidationFailed
from chalicelib.idempotency import Idempotent
from chalicelib.portal.changing import change_record, replayed
from chalicelib.portal.monthly import Done, monthly_of
from chalicelib.portal.service import GiftLine, donor_actor, donor_ref
from chalicelib.uow import UnitOfWork

NAME_MAX = 80  # as the donation form's
MAX_WRITES = 90  # a transaction holds 100 items
ONLINE = ("stripe", "vipps")  # the channels whose gifts the donor's choice changes


class Thanks(NamedTuple):
    wanted: bool
    name: str


class TooManyGifts(Conflict):
    code = "too_many_gifts"
    message = N_("You have given so many times this year that we cannot change "
                 "this here. Write to us and we will change it for you.")


def parse(form: dict[str, str]) -> Thanks:
    wanted = form.get("thanks") == "yes"
    name = " ".join((form.get("thanks_name") or "").split())
    if wanted and not 1 <= len(name) <= NAME_MAX:
        raise ValidationFailed({"thanks_name": N_(
            "Write the name we may thank (at most 80 letters).")})
    return Thanks(wanted, name if wanted else "")


def _this_years(email: str) -> list[Any]:
    from chalicelib.donations.models import Donation

    # the totals' year of a credit is Oslo's: its first and last moment in UTC
    year = oslo_date().year
    first, after = (datetime(y, 1, 1, tzinfo=OSLO).astimezone(UTC)
                    .isoformat(timespec="seconds") for y in (year, year + 1))
    return [d for d in Donation.by_email.query(
        email, Donation.credited_at.between(first, after))
        if d.credited and str(d.credited_at) < after]


def current(gifts: list[GiftLine]) -> Thanks:
    """The choice of the donor's newest card or Vipps gift this year (none:
    not thanked), from the donor's gift lines."""
    year = oslo_date().year
    online = [g for g in gifts if g.channel in ONLINE and g.day[:4] == str(year)]
    newest = max(online, key=lambda g: (g.day, g.receipt), default=None)
    name = newest.thanks_name if newest else ""
    return Thanks(bool(name), name)


def set_thanks(email: str, wanted: Thanks, idem: Idempotent) -> Done:
    before = replayed(idem)
    if before is not None:
        return before
    done = Done("thanks", wanted.name)
    running = [m for m in monthly_of(email) if m.state in ("active", "paused")]
    uow = UnitOfWork(donor_actor(email), ("thanks", "donor", donor_ref(email)))
    writes = [*_gift_writes(email, wanted), *_vipps_writes(running, wanted)]
    if len(writes) > MAX_WRITES:
        raise TooManyGifts()
    _at_stripe([m.gift_id for m in running if m.channel == "stripe"], wanted,
               idem.resource_id("portal-"))
    change_record(idem, done)(uow)
    for write in writes:
        write(uow)
    uow.commit()
    return done


def _gift_writes(email: str, wanted: Thanks) -> list[Any]:
    """Each changed gift, and each thank-you total its gifts move (one write
    per total: a transaction touches an item once)."""
    from chalicelib.donations.models import Donation

    writes: list[Any] = []
    moved: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for gift in _this_years(email):
        old = str(gift.thanks_name or "")
        if old == wanted.name:
            continue
        read = int(gift.version or 0)
        writes.append(lambda tx, g=gift, read=read: tx.update(g, actions=[
            Donation.wants_thanks.set(wanted.wanted),
            Donation.thanks_name.set(wanted.name) if wanted.name
            else Donation.thanks_name.remove(),
            Donation.version.set(read + 1)], condition=Donation.version == read))
        for name, sign in ((old, -1), (wanted.name, 1)):
            if name:
                year = str(oslo_date_of(str(gift.credited_at)).year)
                row = moved[(year, f"thanks#{name}")]
                row[0] += sign
                row[1] += sign * int(gift.amount)
                row[2] += sign * int(gift.refund_applied)
    return writes + [_total_write(year, key, row) for (year, key), row in moved.items()]


def _total_write(year: str, key: str, row: list[int]) -> Any:
    from chalicelib.donations.models import DonationTotal

    actions = [DonationTotal.donations.add(row[0]), DonationTotal.amount.add(row[1]),
               DonationTotal.refunded.add(row[2])]
    return lambda tx: tx.update(DonationTotal(year, key), actions=actions)


def _vipps_writes(running: list[Any], wanted: Thanks) -> list[Any]:
    from chalicelib.donations.models import MonthlyGift

    actions = [MonthlyGift.wants_thanks.set(wanted.wanted),
               MonthlyGift.thanks_name.set(wanted.name) if wanted.name
               else MonthlyGift.thanks_name.remove()]
    return [lambda tx, g=m.gift_id: tx.update(MonthlyGift(g), actions=actions,
                                              condition=MonthlyGift.channel == "vipps")
            for m in running if m.channel == "vipps"]


def _at_stripe(subscriptions: list[str], wanted: Thanks, key: str) -> None:
    from chalicelib.donations.stripe_api import StripeRefused
    from chalicelib.portal import stripe_gifts

    for subscription in subscriptions:
        try:
            stripe_gifts.set_metadata(subscription, {
                "thanks": "1" if wanted.wanted else "0",
                "thanks_name": wanted.name}, f"{key}-{subscription}"[:255])
        except StripeRefused:
            continue  # ended at Stripe meanwhile: no coming months to thank
