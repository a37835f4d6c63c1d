"""A donor's change to a monthly gift, made once: at Stripe or Vipps first,
then recorded here in one transaction with its audit entry and the change
record of the form's one-time key. The same form sent again is answered
from that record; Stripe's Idempotency-Key (derived from the same key)
covers an answer lost in between."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from chalicelib.audit.service import entry_write
from chalicelib.core.clock import now_utc
from chalicelib.errors import N_, ValidationFailed
from chalicelib.idempotency import Idempotent
from chalicelib.portal.models import PortalChange
from chalicelib.portal.monthly import (
    ACTIONS,
    Done,
    GiftCannotChange,
    MonthlyLine,
    own_gift,
    parse_amount,
)
from chalicelib.portal.service import donor_actor
from chalicelib.uow import REPLAY, UnitOfWork

KEPT_DAYS = 30


def replayed(idem: Idempotent) -> Done | None:
    """The change this form's key made before, if it did."""
    try:
        done = PortalChange.get(idem.resource_id("chg-"))
    except PortalChange.DoesNotExist:
        return None
    idem.check(str(done.fingerprint))
    return Done(str(done.action), str(done.subject or ""),
                int(done.amount) if done.amount is not None else None)


def change_record(idem: Idempotent, done: Done) -> Any:
    """The change record's write (REPLAY when this key was used already)."""
    moment = now_utc()
    item = PortalChange(
        idem.resource_id("chg-"), fingerprint=idem.fingerprint, action=done.action,
        subject=done.subject, amount=done.amount,
        done_at=moment.isoformat(timespec="seconds"),
        expires=moment + timedelta(days=KEPT_DAYS))
    return lambda tx: tx.save(item, condition=PortalChange.change_id.does_not_exist(),
                              on_fail=REPLAY)


def record(email: str, idem: Idempotent, done: Done, actions: list[Any]) -> None:
    """The card gift's new state, its audit entry and the change record, in
    one transaction."""
    from chalicelib.donations.models import MonthlyGift

    uow = UnitOfWork(donor_actor(email), (done.action, "monthly_gift", done.subject))
    change_record(idem, done)(uow)
    uow.update(MonthlyGift(done.subject), actions=[
        *actions, MonthlyGift.changed_at.set(now_utc().isoformat(timespec="seconds"))])
    uow.commit()


def audit_write(email: str, done: Done) -> Any:
    return entry_write(donor_actor(email), done.action, "monthly_gift", done.subject)


class VippsStopOnly(ValidationFailed):
    def __init__(self) -> None:
        super().__init__({"action": N_(
            "A monthly Vipps gift cannot be paused; you can change its amount "
            "or stop it.")})


def change_monthly(email: str, gift_id: str, action: str, raw_amount: str,
                   idem: Idempotent) -> Done:
    """The donor changes their monthly gift `gift_id` (ACTIONS); the same
    form sent again answers what it did the first time."""
    if action not in ACTIONS:
        raise ValidationFailed({"action": N_("Choose what to change.")})
    gift = own_gift(email, gift_id)
    before = replayed(idem)
    if before is not None:
        return before
    if gift.state == "ended":
        raise GiftCannotChange()
    amount = parse_amount(raw_amount) if action == "amount" else None
    if gift.channel == "vipps":
        return _at_vipps(email, gift, action, amount, idem)
    done = Done(action, gift_id, amount)
    _at_stripe(done, idem.resource_id("portal-"))
    record(email, idem, done, _local_actions(done))
    return done


def _at_stripe(done: Done, key: str) -> None:
    from chalicelib.donations.stripe_api import StripeRefused
    from chalicelib.portal import stripe_gifts

    try:
        if done.action == "amount" and done.amount is not None:
            stripe_gifts.change_amount(done.subject, done.amount, key)
        elif done.action == "pause":
            stripe_gifts.pause(done.subject, key)
        elif done.action == "resume":
            stripe_gifts.resume(done.subject, key)
        else:
            stripe_gifts.cancel(done.subject, key)
    except StripeRefused:  # Stripe has it ended (its event may be on its way)
        raise GiftCannotChange() from None


def _local_actions(done: Done) -> list[Any]:
    from chalicelib.donations.models import MonthlyGift

    if done.action == "amount":
        return [MonthlyGift.amount.set(int(done.amount or 0))]
    if done.action in ("pause", "resume"):
        return [MonthlyGift.paused.set(done.action == "pause")]
    return [MonthlyGift.ended.set(True),
            MonthlyGift.ended_at.set(now_utc().isoformat(timespec="seconds"))]


def _at_vipps(email: str, gift: MonthlyLine, action: str, amount: int | None,
              idem: Idempotent) -> Done:
    """Stop a Vipps gift or change its amount (Vipps has no pause), with the
    change record and audit entry in the gift's own transaction."""
    from chalicelib.vipps import stopping

    if action == "amount" and amount is not None:
        done = Done("amount", gift.gift_id, amount)
        # 1-40 characters, the same for the same form sent again
        form_key = idem.resource_id("portal-").encode()
        key = "amt-" + hashlib.sha256(form_key).hexdigest()[:32]
        stopping.change_amount(gift.gift_id, amount, key, extra=[
            change_record(idem, done), audit_write(email, done)])
        return done
    if action != "stop":
        raise VippsStopOnly()
    done = Done("stop", gift.gift_id)
    stopping.stop_gift(gift.gift_id,
                       extra=[change_record(idem, done), audit_write(email, done)])
    return done
