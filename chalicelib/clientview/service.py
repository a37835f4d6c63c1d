"""Everything recorded for one client code, across areas: each part only for
the roles that area shows it to, read through the areas' client indexes (no
scan), and one audit entry ("read client") per viewing."""

from __future__ import annotations

from typing import Any, NamedTuple

from chalicelib.audit.service import record
from chalicelib.auth.roles import COORDINATOR, FINANCE, STAFF, User

# As the areas' own pages: emergency cash and bridging for those who pay
# (/staff/disbursements), beds for coordinators (/staff/shelters/<id>),
# items given for staff (docs/privacy.md). Admin passes every check.
CASH = (STAFF, FINANCE)
BEDS = (COORDINATOR,)
ITEMS = (STAFF,)


class Cash(NamedTuple):
    payments: list[Any]  # Disbursement, newest first
    paid_30_days: int  # øre paid or pending in the last 30 days
    expected_payout: str | None  # the bridging date (YYYY-MM-DD)


class Beds(NamedTuple):
    holds: list[Any]  # Hold, newest first
    states: dict[str, str]  # hold id -> active, expired, released, checked_in
    stays: list[Any]  # Stay, newest first
    shelter_names: dict[str, str]


class Items(NamedTuple):
    given: list[Any]  # StockMovement (distributions), newest first
    item_ids: list[str]  # every item mentioned, for their names


class Overview(NamedTuple):
    code: str
    cash: Cash | None
    beds: Beds | None
    items: Items | None


def overview(code: str, user: User) -> Overview:
    """The parts of a (normalised) client code's record this user may see;
    the viewing is audit-logged once, whatever parts it shows."""
    record(user.actor, "read", "client", code)
    return Overview(
        code,
        _cash(code) if user.has_any(CASH) else None,
        _beds(code) if user.has_any(BEDS) else None,
        _items(code) if user.has_any(ITEMS) else None,
    )


def _cash(code: str) -> Cash:
    from chalicelib.disbursements import bridging, service

    return Cash(service.of_client(code), service.client_total_30_days(code),
                bridging.payout_date(code))


def _beds(code: str) -> Beds:
    from chalicelib.shelters import service
    from chalicelib.shelters.models import Shelter

    holds, stays = service.holds_of_client(code), service.stays_of_client(code)
    ids = sorted({str(h.shelter_id) for h in holds}
                 | {str(s.shelter_id) for s in stays})
    names = {str(s.shelter_id): str(s.name) for s in Shelter.batch_get(ids)}
    states = {str(h.hold_id): service.hold_state(h) for h in holds}
    return Beds(holds, states, stays, names)


def _items(code: str) -> Items:
    from chalicelib.inkind import service

    given = service.distributions_to_client(code)
    ids = sorted({str(line["item_id"]) for m in given for line in m.lines})
    return Items(given, ids)


def item_names(item_ids: list[str], lang: str) -> dict[str, str]:
    """Catalogue names in `lang` of the given items (one batch read)."""
    from chalicelib.inkind.models import Item

    return {str(item.item_id): item.name(lang) for item in Item.batch_get(item_ids)}
