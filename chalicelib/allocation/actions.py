"""Actions taken from the allocation view. Each calls the owning area's
service; the one rule added here is that restricted money stays restricted."""

from __future__ import annotations

import hashlib
import re

from chalicelib.audit.service import Actor, record
from chalicelib.errors import N_, Conflict, ValidationFailed
from chalicelib.funds.models import Fund
from chalicelib.funds.service import Posting, PostResult, get_fund, post_movement
from chalicelib.money import parse_nok

KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class RestrictedMoney(Conflict):
    code = "restricted_money"
    message = N_(
        "Money in %(source)s is earmarked: it may only go to a fund with the "
        "same purposes or fewer."
    )


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


def may_receive(source: Fund, target: Fund) -> bool:
    """Unrestricted money may go anywhere; restricted money only to a
    restricted fund whose purposes are among the source's."""
    if not source.restricted:
        return True
    if not target.restricted:
        return False
    return set(target.purposes or ()) <= set(source.purposes or ())


def transfer(
    from_fund: str, to_fund: str, amount: int, actor: Actor, request_key: str
) -> PostResult:
    """Move `amount` øre between two funds in one ledger movement of two
    postings; idempotent by the form's key; audit-logged."""
    if from_fund == to_fund:
        raise ValidationFailed({"to_fund": N_("Choose two different funds.")})
    source, target = get_fund(from_fund), get_fund(to_fund)
    if "cash_box" in (source.kind, target.kind):
        raise ValidationFailed({"from_fund": N_("Choose a fund.")})
    if not may_receive(source, target):
        raise RestrictedMoney(source=source.name("en"))
    digest = hashlib.sha256(f"{actor.user_id}:{request_key}".encode()).hexdigest()
    result = post_movement(
        f"allocation-transfer-{digest[:24]}", "transfer",
        [Posting(from_fund, -amount), Posting(to_fund, amount)], actor,
        memo="Transfer from the allocation view")
    record(actor, "create", "transfer", result.movement_id)
    return result


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
