"""Actions taken from the allocation view. Each calls the owning area's
service; the one rule added here is that restricted money stays restricted."""

from __future__ import annotations

import hashlib
import re

from chalicelib.audit.service import Actor
from chalicelib.errors import N_, ValidationFailed
from chalicelib.funds import admin as funds_admin
from chalicelib.funds.service import PostResult
from chalicelib.money import parse_nok

KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def parse_amount(text: str) -> int:
    amount = parse_nok((text or "").replace(" ", "").replace("\u00a0", ""))
    if not amount:
        raise ValidationFailed({"amount": N_("Enter an amount in NOK above zero.")})
    return amount


def check_key(key: str) -> str:
    """The form's one-time key: a repeated submit posts nothing new."""
    if not KEY.match(key or ""):
        raise ValidationFailed({"request_key": N_("Reload the page and try again.")})
    return key


def transfer(
    from_fund: str, to_fund: str, amount: int, actor: Actor, request_key: str
) -> PostResult:
    """The funds area's transfer (earmarking rule included), idempotent by
    the form's key."""
    digest = hashlib.sha256(f"{actor.user_id}:{request_key}".encode()).hexdigest()
    return funds_admin.transfer(f"allocation-transfer-{digest[:24]}", from_fund,
                                to_fund, amount, actor,
                                "Transfer from the allocation view")


def allocate_stock(
    item_id: str, quantity: str, location: str, shelter_id: str, actor: Actor,
    request_key: str,
) -> bool:
    """Give stock to a shelter through the in-kind distribution service."""
    from chalicelib.inkind.service import distribute

    digest = hashlib.sha256(f"{actor.user_id}:{request_key}".encode()).hexdigest()
    result = distribute(f"d-alloc-{digest[:24]}", item_id, quantity, location,
                        actor, shelter_id=shelter_id or None)
    return bool(result.created)


def place_hold(shelter_id: str, client_code: str, hours: str, actor: Actor,
               request_key: str) -> str:
    """Hold a bed through the shelters service; returns the hold id."""
    from chalicelib.shelters import service

    code = service.validate_client_code(client_code)
    hold = service.place_hold(shelter_id, code, service.validate_hours(hours), actor,
                              request_key=request_key)
    return str(hold.hold_id)
