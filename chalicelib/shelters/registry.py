"""The shelter registry: creating and editing shelters, confirming their
counts, and the confidential address and contact (coordinators and admins)."""

from __future__ import annotations

import re
import secrets
import time
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib import privacy
from chalicelib.audit.service import Actor, record
from chalicelib.auth.roles import ADMIN, COORDINATOR
from chalicelib.db import is_condition_failure, put_if_absent
from chalicelib.errors import N_, Conflict, Forbidden, ValidationFailed
from chalicelib.shelters import rules
from chalicelib.shelters.models import Hold, Shelter, ShelterSecret, Stay
from chalicelib.shelters.service import (
    MAX_ATTEMPTS,
    BedsBusy,
    UnknownShelter,
    get_shelter,
    holds_map,
)

CONFIDENTIAL_ROLES = (COORDINATOR, ADMIN)
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
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
    for name in ("name", "region"):
        if not fields[name]:
            errors[name] = N_("This field is required.")
    fields["kind"] = str(data.get("kind") or "")
    if fields["kind"] not in rules.SHELTER_TYPES:
        errors["kind"] = N_("Choose a shelter type.")
    fields.update({name: _flag(data.get(name)) for name in FLAG_FIELDS})
    fields["children_max"] = _whole(data, "children_max", errors, maximum=20)
    fields["max_stay_days"] = _whole(data, "max_stay_days", errors, None, 3650)
    languages = data.get("languages") or []
    if isinstance(languages, str):
        languages = re.split(r"[\s,]+", languages)
    codes = {str(code).strip().lower() for code in languages if str(code).strip()}
    if any(not LANGUAGE_CODE.match(code) for code in codes):
        errors["languages"] = N_("Use language codes such as nb, en, es, ro, vi.")
    fields["languages"] = codes or None
    identity = privacy.refusals({"notes": fields["notes"]}, privacy.STAFF)
    privacy.refuse(errors, identity)
    return fields


def parse_secret(data: dict[str, Any]) -> dict[str, str]:
    return {name: str(data.get(name) or "").strip()[:500]
            for name in ("address", "contact")}


def _save_secret(shelter_id: str, secret: dict[str, str]) -> None:
    ShelterSecret(shelter_id, address=secret.get("address", ""),
                  contact=secret.get("contact", "")).save()


def create_shelter(fields: dict[str, Any], secret: dict[str, str], total: int,
                   actor: Actor, shelter_id: str | None = None) -> Shelter:
    """Register a shelter with `total` beds, all free until counts are confirmed."""
    shelter = Shelter(shelter_id or "sh-" + secrets.token_hex(4), total=total,
                      occupied=0, holds={}, **fields)
    if not put_if_absent(shelter):
        raise Conflict()
    _save_secret(shelter.shelter_id, secret)
    record(actor, "create", "shelter", shelter.shelter_id)
    return shelter


def update_shelter(shelter_id: str, fields: dict[str, Any], secret: dict[str, str],
                   actor: Actor) -> Shelter:
    """Edit the description and criteria; counts change only by confirmation."""
    shelter = get_shelter(shelter_id)
    actions = [getattr(Shelter, name).set(value) for name, value in fields.items()
               if value is not None]
    actions += [getattr(Shelter, name).remove() for name, value in fields.items()
                if value is None]
    shelter.update(actions=actions, add_version_condition=False)
    _save_secret(shelter_id, secret)
    record(actor, "update", "shelter", shelter_id)
    return shelter


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
        try:
            shelter.update(actions=[
                Shelter.total.set(total), Shelter.occupied.set(occupied),
                Shelter.holds.set(active), Shelter.confirmed_at.set(moment),
                Shelter.confirmed_by.set(actor.user_id)])
        except UpdateError as error:
            if not is_condition_failure(error):
                raise
            time.sleep(0.005 * attempt)
            continue
        record(actor, "update", "shelter", shelter_id)
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
