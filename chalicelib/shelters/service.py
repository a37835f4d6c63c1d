"""Holds, check-ins and checkouts on shelter beds, without overbooking.

Every change of a shelter's beds is one DynamoDB transaction (a unit of work:
the audit entry rides in it) that also writes the hold or stay, conditional
on the shelter's `version`: a coordinator who
read a stale state retries from a fresh read, and sees `NoFreeBed` once the
last bed is gone. Expired holds are simply not counted (see rules)."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib import idempotency
from chalicelib.audit.service import Actor, record
from chalicelib.clients import normalise_client_code
from chalicelib.errors import N_, Conflict, NotFound, ValidationFailed
from chalicelib.idempotency import Idempotent
from chalicelib.shelters import rules
from chalicelib.shelters.models import BedNights, Hold, Shelter, Stay
from chalicelib.uow import REPLAY, UnitOfWork

MAX_ATTEMPTS = 30


class UnknownShelter(NotFound):
    code = "unknown_shelter"
    message = N_("There is no such shelter.")


class UnknownHold(NotFound):
    code = "unknown_hold"
    message = N_("There is no such hold.")


class UnknownStay(NotFound):
    code = "unknown_stay"
    message = N_("There is no such stay.")


class NoFreeBed(Conflict):
    code = "no_free_bed"
    message = N_("%(shelter)s has no free bed right now. Choose another shelter.")


class HoldExpired(Conflict):
    code = "hold_expired"
    message = N_("This hold has expired and its bed was freed. Place a new hold.")


class HoldNotActive(Conflict):
    code = "hold_not_active"
    message = N_("This hold was already released or checked in.")


class StayEnded(Conflict):
    code = "stay_ended"
    message = N_("This stay has already ended.")


class BedsBusy(Conflict):
    code = "beds_busy"
    message = N_("Many changes at once on this shelter. Please try again.")



def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _pause(attempt: int) -> None:
    time.sleep(random.uniform(0, 0.005 * (attempt + 1)))  # spread the retries


def get_shelter(shelter_id: str) -> Shelter:
    try:
        return Shelter.get(shelter_id, consistent_read=True)
    except Shelter.DoesNotExist:
        raise UnknownShelter() from None


def holds_map(shelter: Shelter) -> dict[str, int]:
    raw = shelter.holds.as_dict() if hasattr(shelter.holds, "as_dict") else {}
    return {key: int(value) for key, value in (raw or {}).items()}


def shelter_counts(shelter: Shelter, now: datetime | None = None) -> rules.Counts:
    return rules.counts(shelter.total, shelter.occupied, holds_map(shelter), _now(now))


def validate_client_code(code: object) -> str:
    text = normalise_client_code(code)
    if text is None:
        raise ValidationFailed(
            fields={"client_code": N_("Use a client code like K-2025-031.")})
    return text


def validate_hours(hours: object) -> int:
    if hours in (None, ""):
        return rules.DEFAULT_HOLD_HOURS
    try:
        value = int(str(hours))
    except ValueError:
        value = 0
    if not rules.MIN_HOLD_HOURS <= value <= rules.MAX_HOLD_HOURS:
        raise ValidationFailed(fields={"hours": N_("Hold between 1 and 72 hours.")})
    return value


def hold_state(hold: Hold, now: datetime | None = None) -> str:
    """active, expired, released or checked_in: expiry is read from the clock."""
    if hold.status == "active" and hold.expires_at <= _now(now):
        return "expired"
    return str(hold.status)


HOLD = "shelters.hold"  # the idempotency scope of holds


class _Stale(Conflict):
    """The shelter or hold changed since it was read: read again and retry."""



def _hold_request(actor: Actor, shelter_id: str, client_code: str, hours: int,
                  request_key: str | None) -> Idempotent:
    return idempotency.make(HOLD, actor.user_id, request_key, {
        "shelter_id": shelter_id, "client_code": client_code, "hours": hours})


def _find_hold(hold_id: str) -> Hold | None:
    try:
        return Hold.get(hold_id, consistent_read=True)
    except Hold.DoesNotExist:
        return None


def get_hold(hold_id: str) -> Hold:
    try:
        return Hold.get(hold_id, consistent_read=True)
    except Hold.DoesNotExist:
        raise UnknownHold() from None


def get_stay(stay_id: str) -> Stay:
    try:
        return Stay.get(stay_id, consistent_read=True)
    except Stay.DoesNotExist:
        raise UnknownStay() from None


def place_hold(shelter_id: str, client_code: str, hours: int, actor: Actor, *,
               request_key: str | None = None, now: datetime | None = None) -> Hold:
    """Hold one free bed for `client_code` for `hours`. A repeated
    `request_key` from the same user returns the first hold (the same key
    for another hold: IdempotencyKeyReused)."""
    idem = _hold_request(actor, shelter_id, client_code, hours, request_key)
    hold_id = idem.resource_id("H-", 16)
    existing = _find_hold(hold_id) if idem.key else None
    if existing is not None:
        idem.check(existing.request_hash)
        return existing  # the same request, placed before
    for attempt in range(MAX_ATTEMPTS):
        shelter = get_shelter(shelter_id)
        uow = UnitOfWork(actor, ("create", "hold", hold_id))
        hold = add_hold(uow, shelter, hold_id, client_code, hours, actor, _now(now),
                        request_hash=idem.fingerprint if idem.key else None)
        try:
            if not uow.commit():
                placed = get_hold(hold_id)  # the same request, placed before
                idem.check(placed.request_hash)
                return placed
        except _Stale:
            _pause(attempt)
            continue
        return hold
    raise BedsBusy()


def add_hold(uow: UnitOfWork, shelter: Shelter, hold_id: str, client_code: str,
             hours: int, actor: Actor, moment: datetime, *,
             request_hash: str | None = None, on_stale: Any = None) -> Hold:
    """Add a new hold's writes to a caller's unit of work (placing a hold, or
    accepting a referral with its other writes): the hold (REPLAY when its
    id exists) and the shelter's holds, conditional on the version read
    (`on_stale`, by default read again and retry). NoFreeBed when the state
    read has no free bed."""
    active = rules.active_holds(holds_map(shelter), moment)
    if shelter.total - shelter.occupied - len(active) < 1:
        raise NoFreeBed(shelter=shelter.name)
    # Whole seconds, so the item and the shelter's map agree on the instant.
    expires = (moment + timedelta(hours=hours)).replace(microsecond=0)
    hold = Hold(hold_id, shelter_id=shelter.shelter_id, client_code=client_code,
                created_at=moment, expires_at=expires, created_by=actor.user_id,
                request_hash=request_hash)
    active[hold_id] = int(expires.timestamp())
    uow.save(hold, condition=Hold.hold_id.does_not_exist(), on_fail=REPLAY)
    uow.update(shelter, actions=[Shelter.holds.set(active)],
               on_fail=on_stale or _Stale)
    return hold


def release_hold(hold_id: str, actor: Actor, now: datetime | None = None) -> Hold:
    """Give the bed back; releasing twice is harmless."""
    hold = get_hold(hold_id)
    for attempt in range(MAX_ATTEMPTS):
        state = hold_state(hold, now)
        if state == "released":
            return hold
        if state == "checked_in":
            raise HoldNotActive()
        if state == "expired":
            raise HoldExpired()
        shelter = get_shelter(hold.shelter_id)
        active = rules.active_holds(holds_map(shelter), _now(now))
        active.pop(hold_id, None)
        uow = UnitOfWork(actor, ("update", "hold", hold_id))
        uow.update(hold, actions=[Hold.status.set("released")],
                   condition=Hold.status == "active", on_fail=_Stale)
        uow.update(shelter, actions=[Shelter.holds.set(active)], on_fail=_Stale)
        try:
            uow.commit()
        except _Stale:
            hold = get_hold(hold_id)
            _pause(attempt)
            continue
        hold.status = "released"
        return hold
    raise BedsBusy()


def stay_id_for(hold_id: str) -> str:
    return "S-" + hold_id.removeprefix("H-")


def check_in(hold_id: str, actor: Actor, now: datetime | None = None) -> Stay:
    """Turn an active hold into a stay: the held bed becomes occupied."""
    hold = get_hold(hold_id)
    for attempt in range(MAX_ATTEMPTS):
        state = hold_state(hold, now)
        if state == "checked_in":
            return get_stay(stay_id_for(hold_id))  # a repeated check-in
        if state == "released":
            raise HoldNotActive()
        if state == "expired":
            raise HoldExpired()
        moment = _now(now)
        shelter = get_shelter(hold.shelter_id)
        active = rules.active_holds(holds_map(shelter), moment)
        if active.pop(hold_id, None) is None:
            raise HoldExpired()
        stay = Stay(stay_id_for(hold_id), shelter_id=shelter.shelter_id,
                    client_code=hold.client_code, hold_id=hold_id,
                    started_at=moment, active_shelter=shelter.shelter_id)
        uow = UnitOfWork(actor, ("create", "stay", stay.stay_id))
        uow.save(stay, condition=Stay.stay_id.does_not_exist(), on_fail=_Stale)
        uow.update(hold, actions=[Hold.status.set("checked_in"),
                                  Hold.stay_id.set(stay.stay_id)],
                   condition=Hold.status == "active", on_fail=_Stale)
        uow.update(shelter, actions=[
            Shelter.holds.set(active), Shelter.occupied.add(1),
            Shelter.stays_active.add(1)], on_fail=_Stale)
        try:
            uow.commit()
        except _Stale:
            hold = get_hold(hold_id)
            _pause(attempt)
            continue
        return stay
    raise BedsBusy()


def check_out(stay_id: str, actor: Actor, now: datetime | None = None) -> Stay:
    """End a stay: its bed is free again and its nights join the statistics."""
    stay = get_stay(stay_id)
    if stay.ended_at is not None:
        raise StayEnded()
    moment = max(_now(now), stay.started_at)
    shelter = get_shelter(stay.shelter_id)
    months = rules.nights_by_month(stay.started_at.date(), moment.date())
    uow = UnitOfWork(actor, ("update", "stay", stay_id))
    uow.update(stay, actions=[
        Stay.ended_at.set(moment), Stay.nights.set(sum(months.values())),
        Stay.active_shelter.remove()], condition=Stay.ended_at.does_not_exist(),
        on_fail=StayEnded())
    uow.update(shelter, actions=[
        Shelter.occupied.add(-1), Shelter.stays_active.add(-1)],
        condition=(Shelter.occupied >= 1) & (Shelter.stays_active >= 1),
        add_version_condition=False)
    for month, nights in sorted(months.items())[:45]:  # 2 items a month
        for scope in (f"shelter#{shelter.shelter_id}", f"type#{shelter.kind}"):
            uow.update(BedNights(month[:4], f"{scope}#{month}"),
                       actions=[BedNights.nights.add(nights)])
    uow.commit()
    stay.ended_at, stay.nights = moment, sum(months.values())
    return stay


def client_history(client_code: str, actor: Actor) -> list[Stay]:
    """Every stay of a client code, newest first; each viewing is audit-logged."""
    code = validate_client_code(client_code)
    record(actor, "read", "client", code)
    return stays_of_client(code)


def stays_of_client(code: str) -> list[Stay]:
    """A (normalised) client code's stays, newest first: one index query; the
    caller writes the read's audit entry."""
    return list(Stay.by_client.query(code, scan_index_forward=False))


def holds_of_client(code: str) -> list[Hold]:
    """A (normalised) client code's holds, newest first: one index query; the
    caller writes the read's audit entry."""
    return list(Hold.by_client.query(code, scan_index_forward=False))
