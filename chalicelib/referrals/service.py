"""Referrals: a coordinator asks one or several shelters to take a client
code; each shelter's partners accept (the bed is held) or decline with a
reason. The first accept wins: it is conditional on the referral still being
open, and in the same transaction it places the hold, withdraws every other
open offer, adds to the monthly counts and writes the audit entries."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime
from typing import Any

from chalicelib import idempotency
from chalicelib.audit.service import SYSTEM, Actor, entry_write, record, record_many
from chalicelib.auth.roles import User
from chalicelib.errors import N_, Conflict, DomainError, NotFound, ValidationFailed
from chalicelib.idempotency import Idempotent
from chalicelib.partners.service import check_scope
from chalicelib.referrals import rules
from chalicelib.referrals.models import Offer, Referral, ReferralCounts
from chalicelib.shelters import rules as shelter_rules
from chalicelib.shelters import service as beds
from chalicelib.shelters.models import Hold, Shelter
from chalicelib.shelters.search import criteria_of
from chalicelib.shelters.service import MAX_ATTEMPTS, BedsBusy
from chalicelib.uow import REPLAY, UnitOfWork

SEND = "referrals.send"  # the idempotency scope of new referrals


class UnknownReferral(NotFound):
    code = "unknown_referral"
    message = N_("There is no such referral.")


class AlreadyPlaced(Conflict):
    code = "already_placed"
    message = N_("This person has already been placed at another shelter. "
                 "Nothing was held here, and no answer is needed.")


class AlreadyAnswered(Conflict):
    code = "already_answered"
    message = N_("Your shelter has already answered this referral.")


class NeedsNotMet(DomainError):
    code = "needs_not_met"
    status = 409
    field = "shelters"
    message = N_("%(shelter)s cannot take this person (their criteria do not "
                 "allow it). Choose another shelter.")


class _Changed(Conflict):
    """The referral, an offer or the shelter changed since it was read."""


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _pause(attempt: int) -> None:
    time.sleep(random.uniform(0, 0.005 * (attempt + 1)))


def get_referral(referral_id: str) -> Referral:
    try:
        return Referral.get(referral_id, consistent_read=True)
    except Referral.DoesNotExist:
        raise UnknownReferral() from None


def offers_of(referral_id: str) -> list[Offer]:
    return list(Offer.query(referral_id, consistent_read=True))


def hold_id_for(referral_id: str) -> str:
    """The hold an accepted referral places (one per referral)."""
    return "H-" + referral_id.removeprefix("R-")


def _shelters_for(ids: list[str], needs: rules.Needs) -> list[Shelter]:
    found = {s.shelter_id: s for s in Shelter.batch_get(ids)} if ids else {}
    if not ids or len(ids) > rules.MAX_SHELTERS or set(ids) - set(found):
        raise ValidationFailed(fields={"shelters": N_(
            "Choose between one and ten shelters from the list.")})
    for shelter_id in ids:
        criteria = criteria_of(found[shelter_id])
        if shelter_rules.unmet_requirements(needs.as_need(), criteria):
            raise NeedsNotMet(shelter=found[shelter_id].name)
    return [found[shelter_id] for shelter_id in ids]


def _count(uow: UnitOfWork, moment: datetime, key: str, minutes: int = 0) -> None:
    item = ReferralCounts(moment.strftime("%Y"), f"{key}#{rules.month_of(moment)}")
    actions = [ReferralCounts.number.add(1)]
    if minutes:
        actions.append(ReferralCounts.minutes.add(minutes))
    uow.update(item, actions=actions)


def send_referral(client_code: object, needs: rules.Needs, shelter_ids: list[str],
                  actor: Actor, idem: Idempotent | None = None,
                  now: datetime | None = None) -> Referral:
    """Send a referral to each chosen shelter (they must meet the needs): the
    referral, one offer per shelter, the month's count and the audit entry
    in one transaction. A repeated key from the same user answers the
    referral sent the first time."""
    code = beds.validate_client_code(client_code)
    ids = list(dict.fromkeys(str(s).strip() for s in shelter_ids if str(s).strip()))
    idem = idem or idempotency.make(SEND, actor.user_id, None, {})
    referral_id = idem.resource_id("R-", 16)
    if idem.key and (existing := _find(referral_id)) is not None:
        idem.check(existing.request_hash)
        return existing
    shelters = _shelters_for(ids, needs)
    moment = _now(now)
    referral = Referral(
        referral_id, client_code=code, **needs._asdict(), shelters=set(ids),
        pending=len(ids), status="open", open_flag="open",
        month=rules.month_of(moment), created_at=moment, created_by=actor.user_id,
        request_hash=idem.fingerprint if idem.key else None)
    uow = UnitOfWork(actor, ("create", "referral", referral_id))
    uow.save(referral, condition=Referral.referral_id.does_not_exist(), on_fail=REPLAY)
    for shelter in shelters:
        uow.save(Offer(referral_id, shelter.shelter_id, shelter_kind=shelter.kind,
                       sent_at=moment, **needs._asdict()))
    _count(uow, moment, "sent")
    if not uow.commit():
        existing = get_referral(referral_id)
        idem.check(existing.request_hash)
        return existing
    return referral


def _find(referral_id: str) -> Referral | None:
    try:
        return Referral.get(referral_id, consistent_read=True)
    except Referral.DoesNotExist:
        return None


def _offer(offers: list[Offer], shelter_id: str) -> Offer:
    """This shelter's offer; a referral not sent to it does not exist for it."""
    for offer in offers:
        if offer.shelter_id == shelter_id:
            return offer
    raise UnknownReferral()


def _placed_by(referral: Referral, shelter_id: str, user: User) -> bool:
    return (referral.status == "placed" and referral.placed_shelter == shelter_id
            and referral.placed_by == user.user_id)


def accept(user: User, shelter_id: str, referral_id: str,
           now: datetime | None = None) -> Referral:
    """Accept for one's own shelter: the bed is held for the client code.
    The first accept wins; any later one is AlreadyPlaced. Repeating one's
    own accept (a lost answer, a second tap) answers the same placement."""
    check_scope(user, shelter_id)
    for attempt in range(MAX_ATTEMPTS):
        referral = get_referral(referral_id)
        offers = offers_of(referral_id)
        offer = _offer(offers, shelter_id)
        if _placed_by(referral, shelter_id, user):
            return referral
        # An offer accepted is a placement, whichever of the two reads saw
        # it first (a colleague of the same shelter may have accepted).
        if referral.status == "placed" or offer.status in ("withdrawn", "accepted"):
            raise AlreadyPlaced()
        if offer.status != "open":
            raise AlreadyAnswered()
        uow = _accept_writes(user, referral, offer, offers, _now(now))
        try:
            if not uow.commit():  # this accept was committed before
                referral = get_referral(referral_id)
                if _placed_by(referral, shelter_id, user):
                    return referral
                raise AlreadyPlaced()
        except _Changed:
            _pause(attempt)
            continue
        return get_referral(referral_id)
    raise BedsBusy()


def _accept_writes(user: User, referral: Referral, offer: Offer,
                   offers: list[Offer], moment: datetime) -> UnitOfWork:
    actor, referral_id = user.actor, referral.referral_id
    shelter = beds.get_shelter(offer.shelter_id)
    hold_id = hold_id_for(referral_id)
    uow = UnitOfWork(actor, ("accept", "referral", referral_id))
    beds.add_hold(uow, shelter, hold_id, str(referral.client_code),
                  rules.HOLD_HOURS, actor, moment, on_stale=_Changed)
    uow.update(referral, actions=[
        Referral.status.set("placed"), Referral.open_flag.remove(),
        Referral.pending.set(0), Referral.placed_shelter.set(offer.shelter_id),
        Referral.placed_at.set(moment), Referral.placed_by.set(actor.user_id),
        Referral.hold_id.set(hold_id)],
        condition=Referral.status == "open", on_fail=AlreadyPlaced)
    answered = [Offer.answered_at.set(moment), Offer.answered_by.set(actor.user_id)]
    uow.update(offer, actions=[Offer.status.set("accepted"), *answered],
               condition=Offer.status == "open", on_fail=_Changed)
    entry_write(actor, "accept", "referral", referral_id)(uow)
    entry_write(actor, "create", "hold", hold_id)(uow)
    for other in offers:
        if other.shelter_id != offer.shelter_id and other.status == "open":
            uow.update(other, actions=[Offer.status.set("withdrawn"),
                                       Offer.answered_at.set(moment)],
                       condition=Offer.status == "open", on_fail=_Changed)
            entry_write(actor, "withdraw", "referral_offer",
                        f"{referral_id}#{other.shelter_id}")(uow)
    minutes = max(rules.minutes_between(referral.created_at, moment), 1)
    _count(uow, moment, "placed", minutes)
    _count(uow, moment, f"placed-type#{offer.shelter_kind}")
    return uow


def decline(user: User, shelter_id: str, referral_id: str, reason: str,
            now: datetime | None = None) -> Offer:
    """Decline for one's own shelter with a reason from the list; when every
    shelter has declined, the referral is unplaced (the coordinators see it)."""
    check_scope(user, shelter_id)
    reason = rules.parse_reason(reason)
    for attempt in range(MAX_ATTEMPTS):
        referral = get_referral(referral_id)
        offer = _offer(offers_of(referral_id), shelter_id)
        if offer.status == "declined" and offer.answered_by == user.user_id \
                and offer.reason == reason:
            return offer  # the same answer again
        # An offer accepted is a placement, whichever of the two reads saw
        # it first (a colleague of the same shelter may have accepted).
        if referral.status == "placed" or offer.status in ("withdrawn", "accepted"):
            raise AlreadyPlaced()
        if offer.status != "open":
            raise AlreadyAnswered()
        uow = _decline_writes(user, referral, offer, reason, _now(now))
        try:
            uow.commit()
        except _Changed:
            _pause(attempt)
            continue
        offer.status, offer.reason = "declined", reason
        return offer
    raise BedsBusy()


def _decline_writes(user: User, referral: Referral, offer: Offer, reason: str,
                    moment: datetime) -> UnitOfWork:
    actor = user.actor
    uow = UnitOfWork(actor, ("decline", "referral_offer",
                             f"{referral.referral_id}#{offer.shelter_id}"))
    uow.update(offer, actions=[
        Offer.status.set("declined"), Offer.reason.set(reason),
        Offer.answered_at.set(moment), Offer.answered_by.set(actor.user_id)],
        condition=Offer.status == "open", on_fail=_Changed)
    pending = int(referral.pending)
    actions: list[Any] = [Referral.pending.set(max(pending - 1, 0))]
    if pending <= 1:  # the last shelter to answer: nobody can take them
        actions += [Referral.status.set("unplaced"), Referral.open_flag.remove()]
        _count(uow, moment, "unplaced")
    uow.update(referral, actions=actions,
               condition=(Referral.status == "open") & (Referral.pending == pending),
               on_fail=_Changed)
    _count(uow, moment, f"declined#{reason}")
    _count(uow, moment, f"declined-type#{offer.shelter_kind}")
    return uow


# --- reading ------------------------------------------------------------------
def partner_offers(user: User, shelter_id: str, limit: int = 50) -> list[Offer]:
    """A shelter's referrals, newest first: only what the placement needs."""
    check_scope(user, shelter_id)
    offers = list(Offer.by_shelter.query(shelter_id, scan_index_forward=False,
                                         limit=limit))
    record(user.actor, "read", "referral_offers", shelter_id)
    return offers


def partner_offer(user: User, shelter_id: str, referral_id: str) -> Offer:
    """One referral as a shelter's partner sees it (audit-logged)."""
    check_scope(user, shelter_id)
    try:
        offer = Offer.get(referral_id, shelter_id, consistent_read=True)
    except Offer.DoesNotExist:
        raise UnknownReferral() from None
    record(user.actor, "read", "referral_offer", f"{referral_id}#{shelter_id}")
    return offer


def coordinator_view(referral_id: str, actor: Actor) -> tuple[Referral, list[Offer]]:
    """A referral with every answer and its time (audit-logged, with its
    client code)."""
    referral = get_referral(referral_id)
    record(actor, "read", "referral", referral_id)
    return referral, sorted(offers_of(referral_id),
                            key=lambda o: (o.answered_at is None, o.answered_at
                                           or o.sent_at, o.shelter_id))


def hold_of(referral: Referral) -> Hold | None:
    return beds.get_hold(str(referral.hold_id)) if referral.hold_id else None


def recent_referrals(actor: Actor, now: datetime | None = None) -> list[Referral]:
    """Every open referral and this month's others, newest first: two index
    queries; each client code shown is an audited read."""
    moment = _now(now)
    found = {r.referral_id: r for r in Referral.open_index.query("open")}
    for item in Referral.by_month.query(rules.month_of(moment),
                                        scan_index_forward=False, limit=100):
        found.setdefault(item.referral_id, item)
    rows = sorted(found.values(), key=lambda r: r.created_at, reverse=True)
    record_many(actor, "read", "client", [str(r.client_code) for r in rows])
    return rows


# --- escalation -----------------------------------------------------------------
def escalate_unanswered(now: datetime | None = None) -> dict[str, int]:
    """Flag every referral still open past the escalation setting (the
    scheduled job): `escalated_at` set once, with its audit entry; the
    coordinators' list and page show it."""
    moment = _now(now)
    cutoff = moment - rules.escalate_after()
    flagged = 0
    for item in Referral.open_index.query(
            "open", range_key_condition=Referral.created_at <= cutoff):
        if item.escalated_at is not None:
            continue
        uow = UnitOfWork(SYSTEM, ("escalate", "referral", item.referral_id))
        uow.update(item, actions=[Referral.escalated_at.set(moment)],
                   condition=(Referral.status == "open")
                   & Referral.escalated_at.does_not_exist(), on_fail=REPLAY)
        flagged += bool(uow.commit())
    return {"escalated": flagged}
