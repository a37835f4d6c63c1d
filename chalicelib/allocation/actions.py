"""Actions taken from the allocation view. Each calls the owning area's
service; the one rule added here is that restricted money stays restricted."""

from __future__ import annotations

from chalicelib import idempotency
from chalicelib.audit.service import Actor
from chalicelib.funds import admin as funds_admin
from chalicelib.funds.service import PostResult
from chalicelib.money import kroner_field


def parse_amount(text: str) -> int:
    return kroner_field(text)


def check_key(key: str) -> str:
    """The form's one-time key (whole, see chalicelib.idempotency): a
    repeated submit posts nothing new."""
    if not key:
        raise idempotency.FormExpired()
    return str(idempotency.check_key(key))


def transfer(
    from_fund: str, to_fund: str, amount: int, actor: Actor, request_key: str
) -> PostResult:
    """The funds area's transfer (earmarking rule included), idempotent by
    the form's key."""
    request = {"from_fund": from_fund, "to_fund": to_fund, "amount": amount}
    idem = idempotency.make("allocation.transfer", actor.user_id, request_key, request)
    result = funds_admin.transfer(
        idem.resource_id("allocation-transfer-"), from_fund, to_fund, amount, actor,
        "Transfer from the allocation view", request_hash=idem.fingerprint)
    if not result.created:
        from chalicelib.funds.service import movement_hash

        idem.check(movement_hash(result.movement_id))
    return result


def allocate_stock(
    item_id: str, quantity: str, location: str, shelter_id: str, actor: Actor,
    request_key: str,
) -> bool:
    """Give stock to a shelter through the in-kind distribution service."""
    from chalicelib.inkind.service import distribute
    from chalicelib.inkind.stock import once

    request = {"item_id": item_id, "quantity": quantity, "location": location,
               "shelter_id": shelter_id}
    idem = idempotency.make("allocation.stock", actor.user_id, request_key, request)
    result = once(idem, "d-alloc-", lambda mid, digest: distribute(
        mid, item_id, quantity, location, actor, shelter_id=shelter_id or None,
        request_hash=digest))
    return bool(result.created)


def place_hold(shelter_id: str, client_code: str, hours: str, actor: Actor,
               request_key: str) -> str:
    """Hold a bed through the shelters service; returns the hold id."""
    from chalicelib.shelters import service

    code = service.validate_client_code(client_code)
    hold = service.place_hold(shelter_id, code, service.validate_hours(hours), actor,
                              request_key=request_key)
    return str(hold.hold_id)
