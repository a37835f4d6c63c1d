"""The shelter registry: creating and editing shelters, confirming their
counts, and the confidential address and contact (coordinators and admins).
Each change is one unit of work with its audit entry."""

from __future__ import annotations

import re
import secrets
import time
from datetime import UTC, datetime
from typing import Any

from chalicelib import privacy
from chalicelib.audit.service import Actor, record
from chalicelib.auth.roles import ADMIN, COORDINATOR
from chalicelib.core import vocabulary
from chalicelib.errors import N_, Conflict, DomainError, Forbidden, ValidationFailed
from chalicelib.idempotency import Idempotent
from chalicelib.shelters import rules
from chalicelib.shelters.models import (
    COUNTS_BOARD,
    NEVER_CONFIRMED,
    Hold,
    Shelter,
    ShelterSecret,
    Stay,
    counts_key,
)
from chalicelib.shelters.service import (
    MAX_ATTEMPTS,
    BedsBusy,
    UnknownShelter,
    get_shelter,
    holds_map,
)
from chalicelib.uow import REPLAY, UnitOfWork

CONFIDENTIAL_ROLES = (COORDINATOR, ADMIN)
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{2,}$")
TEXT_FIELDS = ("name", "organisation", "region", "municipality", "notes")
FLAG_FIELDS = ("accepts_women", "accepts_men", "accepts_trans", "wheelchair", "asylum")


class CountsBelowCommitments(Conflict):
    code = "counts_below_commitments"
    message = N_(
        "The counts cannot be lower than the beds already committed: "
        "%(occupied)s occupied through stays and %(held)s held."
    )


def _flag(value: Any) -> bool:
    return value in (True, "1", "on", "true", "yes")


def _whole(data: dict[str, Any], name: str, errors: dict[str, str],
           default: int | None = 0, maximum: int = 500) -> int | None:
    raw = data.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw))
    except ValueError:
        value = -1
    if not 0 <= value <= maximum:
        errors[name] = rules.BAD_NUMBER
        return default
    return value


def parse_shelter(data: dict[str, Any]) -> dict[str, Any]:
    """Registry fields from a form or JSON body; ValidationFailed names each
    bad field (never echoing a value)."""
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {k: str(data.get(k) or "").strip()[:500]
                              for k in TEXT_FIELDS}
    if not fields["name"]:
        errors["name"] = N_("This field is required.")
    fields["region"] = vocabulary.find_county(fields["region"]) or ""
    if not fields["region"]:
        errors["region"] = vocabulary.BAD_COUNTY
    fields["kind"] = str(data.get("kind") or "")
    if fields["kind"] not in rules.SHELTER_TYPES:
        errors["kind"] = N_("Choose a shelter type.")
    fields.update({name: _flag(data.get(name)) for name in FLAG_FIELDS})
    fields["children_max"] = _whole(data, "children_max", errors, maximum=20)
    fields["max_stay_days"] = _whole(data, "max_stay_days", errors, None, 3650)
    languages = data.get("languages") or []
    if isinstance(languages, str):
        languages = re.split(r"[\s,]+", languages)
    sent = [str(code) for code in languages if str(code).strip()]
    codes = {vocabulary.find_language(code) for code in sent}
    if None in codes:
        errors["languages"] = vocabulary.BAD_LANGUAGE
    fields["languages"] = {code for code in codes if code} or None
    identity = privacy.refusals({"notes": fields["notes"]}, privacy.STAFF)
    privacy.refuse(errors, identity)
    return fields


def parse_secret(data: dict[str, Any]) -> dict[str, str]:
    """Address, contact and the contact email (which gets the evening count
    link; empty for none)."""
    secret = {name: str(data.get(name) or "").strip()[:500]
              for name in ("address", "contact", "email")}
    secret["email"] = secret["email"].lower()
    if secret["email"] and not EMAIL.match(secret["email"]):
        raise ValidationFailed(fields={"email": N_("Enter a valid email address.")})
    return secret


REGISTER = "shelters.register"  # the idempotency scope of registrations


def _secret(shelter_id: str, secret: dict[str, str]) -> ShelterSecret:
    return ShelterSecret(shelter_id, address=secret.get("address", ""),
                         contact=secret.get("contact", ""),
                         email=secret.get("email") or None)


def create_shelter(fields: dict[str, Any], secret: dict[str, str], total: int,
                   actor: Actor, shelter_id: str | None = None,
                   idem: Idempotent | None = None) -> Shelter:
    """Register a shelter with `total` beds, all free until counts are
    confirmed: the shelter, its address and the audit entry in one
    transaction, so no shelter is ever bookable without its address. With
    `idem` a retry answers the shelter registered the first time."""
    if shelter_id is None:
        shelter_id = (idem.resource_id("sh-", 16) if idem
                      else "sh-" + secrets.token_hex(8))
    keyed = idem is not None and idem.key is not None
    shelter = Shelter(shelter_id, total=total, occupied=0, holds={},
                      board=COUNTS_BOARD, counts_at=NEVER_CONFIRMED,
                      request_hash=idem.fingerprint if idem and keyed else None,
                      **fields)
    uow = UnitOfWork(actor, ("create", "shelter", shelter_id))
    uow.save(shelter, condition=Shelter.shelter_id.does_not_exist(), on_fail=REPLAY)
    uow.save(_secret(shelter_id, secret))
    if uow.commit():
        return shelter
    if idem is None or not keyed:
        raise Conflict()
    existing = get_shelter(shelter_id)
    idem.check(existing.request_hash)
    return existing  # the same registration, committed before


def update_shelter(shelter_id: str, fields: dict[str, Any], secret: dict[str, str],
                   actor: Actor) -> Shelter:
    """Edit the description and criteria (counts change only by
    confirmation), the address and the audit entry in one transaction."""
    shelter = get_shelter(shelter_id)
    actions = [getattr(Shelter, name).set(value) for name, value in fields.items()
               if value is not None]
    actions += [getattr(Shelter, name).remove() for name, value in fields.items()
                if value is None]
    uow = UnitOfWork(actor, ("update", "shelter", shelter_id))
    uow.update(shelter, actions=actions, condition=Shelter.shelter_id.exists(),
               on_fail=UnknownShelter, add_version_condition=False)
    uow.save(_secret(shelter_id, secret))
    uow.commit()
    return shelter


class _Stale(Conflict):
    """The shelter changed since it was read: read again and retry."""


def confirm_counts(shelter_id: str, total: int, occupied: int, actor: Actor,
                   now: datetime | None = None) -> Shelter:
    """A coordinator confirms total and occupied beds; time-stamped. Never
    below the stays we track nor below what is occupied plus held."""
    for attempt in range(MAX_ATTEMPTS):
        shelter = get_shelter(shelter_id)
        moment = now or datetime.now(UTC)
        active = rules.active_holds(holds_map(shelter), moment)
        if occupied < shelter.stays_active or total < occupied + len(active):
            raise CountsBelowCommitments(occupied=int(shelter.stays_active),
                                         held=len(active))
        uow = UnitOfWork(actor, ("update", "shelter", shelter_id))
        uow.update(shelter, actions=[
            Shelter.total.set(total), Shelter.occupied.set(occupied),
            Shelter.holds.set(active), Shelter.confirmed_at.set(moment),
            Shelter.confirmed_by.set(actor.user_id),
            Shelter.board.set(COUNTS_BOARD),
            Shelter.counts_at.set(counts_key(moment))], on_fail=_Stale)
        try:
            uow.commit()
        except _Stale:
            time.sleep(0.005 * attempt)
            continue
        return shelter
    raise BedsBusy()


class FreeAbovePlaces(DomainError):
    code = "free_above_places"
    status = 409
    field = "free"
    message = N_("%(shelter)s has %(total)s places: there cannot be more free "
                 "than that.")


class FreeAboveUnoccupied(DomainError):
    code = "free_above_unoccupied"
    status = 409
    field = "free"
    message = N_("At most %(most)s places can be free: of the %(total)s places, "
                 "%(occupied)s are occupied by people the help centre placed and "
                 "%(held)s are held for people on their way. Call the help centre "
                 "if this is wrong.")


def confirm_free(shelter_id: str, free: int, actor: Actor, uses: Any,
                 now: datetime | None = None) -> Shelter:
    """A shelter confirms `free` places tonight (through its mailed link):
    occupied becomes total - held - free. Refused above its places or when it
    would leave fewer occupied than our stays. `uses(uow, shelter)` adds the
    link's single-use write to the same transaction."""
    for attempt in range(MAX_ATTEMPTS):
        shelter = get_shelter(shelter_id)
        moment = now or datetime.now(UTC)
        active = rules.active_holds(holds_map(shelter), moment)
        total, stays = int(shelter.total), int(shelter.stays_active or 0)
        if free > total:
            raise FreeAbovePlaces(shelter=shelter.name, total=total)
        most = max(total - len(active) - stays, 0)
        if free > most:
            raise FreeAboveUnoccupied(most=most, total=total, occupied=stays,
                                      held=len(active))
        uow = UnitOfWork(actor, ("confirm_free", "shelter", shelter_id))
        uow.update(shelter, actions=[
            Shelter.occupied.set(total - len(active) - free),
            Shelter.holds.set(active), Shelter.confirmed_at.set(moment),
            Shelter.confirmed_by.set(actor.user_id),
            Shelter.board.set(COUNTS_BOARD),
            Shelter.counts_at.set(counts_key(moment))], on_fail=_Stale)
        uses(uow, shelter)
        try:
            uow.commit()
        except _Stale:
            time.sleep(0.005 * attempt)
            continue
        return shelter
    raise BedsBusy()


def list_shelters() -> list[Shelter]:
    """The registry (a few hundred items at most: never the history)."""
    return sorted(Shelter.scan(), key=lambda s: (s.region, s.name))


def confidential(shelter_id: str, actor: Actor) -> ShelterSecret:
    """Address and contact: only for coordinators and admins; audit-logged."""
    if not any(role in actor.roles for role in CONFIDENTIAL_ROLES):
        raise Forbidden()
    try:
        secret = ShelterSecret.get(shelter_id)
    except ShelterSecret.DoesNotExist:
        raise UnknownShelter() from None
    record(actor, "read", "shelter_address", shelter_id)
    return secret


def active_holds_of(shelter: Shelter, now: datetime | None = None) -> list[Hold]:
    ids = rules.active_holds(holds_map(shelter), now or datetime.now(UTC))
    holds = list(Hold.batch_get(list(ids))) if ids else []
    return sorted(holds, key=lambda hold: hold.expires_at)


def active_stays_of(shelter_id: str) -> list[Stay]:
    return list(Stay.active_by_shelter.query(shelter_id))


def parse_counts(data: dict[str, Any]) -> tuple[int, int]:
    """Total and occupied beds from a form or JSON body."""
    errors: dict[str, str] = {}
    total = _whole(data, "total", errors, None)
    occupied = _whole(data, "occupied", errors, 0)
    if total is None and "total" not in errors:
        errors["total"] = N_("This field is required.")
    if errors or total is None or occupied is None:
        raise ValidationFailed(fields=errors)
    return total, occupied
