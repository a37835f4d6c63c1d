"""Partner shelters working on their own beds: a `shelter` user sees and
confirms only the shelters named in their login (`User.shelters`), never
an address, another shelter, a client's history, money or volunteers.
Trying another shelter's id is refused and audit-logged."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib.audit.service import record
from chalicelib.auth.roles import User
from chalicelib.errors import Forbidden
from chalicelib.shelters import registry, search, service
from chalicelib.shelters.models import Shelter


def check_scope(user: User, shelter_id: str) -> None:
    """Forbidden, with a `denied` audit entry, unless `user` acts for it."""
    if not user.may_act_for(shelter_id):
        record(user.actor, "denied", "shelter", shelter_id[:64])
        raise Forbidden()


def own_shelter(user: User, shelter_id: str) -> Shelter:
    check_scope(user, shelter_id)
    return service.get_shelter(shelter_id)


def partner_row(shelter: Shelter, now: datetime | None = None) -> dict[str, Any]:
    """What a partner sees of their own shelter: counts, never an address.
    Their own last count stays visible when it is too old to trust."""
    row = search.availability_row(shelter, now or datetime.now(UTC))
    keep = ("shelter_id", "name", "total", "occupied", "held", "confirmed_at",
            "stale")
    return {key: row[key] for key in keep} | {
        "free": row["last_free"], "stays_active": int(shelter.stays_active or 0)}


def my_shelters(user: User) -> list[Shelter]:
    """The shelters of a partner's login, by name (one BatchGetItem)."""
    if not user.shelters:
        return []
    found = list(Shelter.batch_get(list(user.shelters)))
    return sorted(found, key=lambda s: s.name)


def confirm_counts(user: User, shelter_id: str, total: int, occupied: int) -> Shelter:
    """A partner confirms beds in total and occupied at their own shelter."""
    check_scope(user, shelter_id)
    registry.confirm_counts(shelter_id, total, occupied, user.actor)
    return service.get_shelter(shelter_id)
