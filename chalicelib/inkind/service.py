"""Use cases that move stock: intake (walk-in or from a pledge), distribution
to a client code or a shelter, transfer, write-off and assembly of kits."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, NamedTuple

from chalicelib import privacy
from chalicelib.audit.service import Actor
from chalicelib.clients import normalise_client_code
from chalicelib.errors import N_, ValidationFailed
from chalicelib.inkind import catalogue
from chalicelib.inkind.catalogue import get_item, location_of, quantity_of
from chalicelib.inkind.models import Need, Pledge, StockMovement
from chalicelib.inkind.stock import (
    ExtraWrite,
    Line,
    MovementResult,
    add_year_total,
    new_movement,
    record_movement,
)

# Shelters live in another area; until the lead wires a lookup, an id is
# checked only for its shape (never a name or an address).
SHELTER_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
MAX_TEXT = 200


class ReceiptLine(NamedTuple):
    item_id: str
    quantity: object  # checked by quantity_of
    value: int | None = None  # estimated øre for the whole line; None: catalogue
    expires_on: str | None = None


def _year() -> int:
    return datetime.now(UTC).year


def _text(value: object, field: str, required: bool = True) -> str:
    text = str(value or "").strip()
    if (required and not text) or len(text) > MAX_TEXT:
        raise ValidationFailed({field: N_("This field is required.")})
    return text


def receive_gifts(
    receipt_id: str,
    giver: str,
    location: str,
    lines: list[ReceiptLine],
    actor: Actor,
    *,
    need_id: str | None = None,
    thank_by_name: bool = True,
    pledge: Pledge | None = None,
    request_hash: str | None = None,
) -> MovementResult:
    """Record received gifts (walk-in, or the delivery of `pledge`)."""
    giver = _text(giver, "giver")
    location = location_of(location)
    if not lines:
        raise ValidationFailed({"lines": N_("Add at least one item.")})
    lines = list(lines)
    stock_lines: list[Line] = []
    values, per_item = 0, dict[str, int]()
    for index, line in enumerate(lines):
        item = get_item(line.item_id)
        count = quantity_of(line.quantity, f"lines.{index}.quantity")
        value = item.value * count if line.value is None else line.value
        if not isinstance(value, int) or value < 0:
            raise ValidationFailed({f"lines.{index}.value": N_("Enter an amount.")})
        expires = catalogue.optional_date(line.expires_on, f"lines.{index}.expires_on")
        stock_lines.append(Line(item.item_id, location, count))
        lines[index] = ReceiptLine(item.item_id, count, value, expires)
        values += value
        per_item[item.item_id] = per_item.get(item.item_id, 0) + count
    movement = new_movement(
        "receipt",
        receipt_id,
        actor,
        giver=giver,
        value=values,
        thank_by_name=thank_by_name,
        need_id=need_id,
        pledge_id=pledge.pledge_id if pledge else None,
        request_hash=request_hash,
    )
    extra = [add_year_total(_year(), i, received=n) for i, n in per_item.items()]
    extra += _need_and_pledge_writes(need_id, per_item, pledge)
    movement.lines = [
        _line_detail(x, line) for x, line in zip(stock_lines, lines, strict=True)
    ]
    result = record_movement(movement, stock_lines, extra, actor=actor)
    if need_id:
        from chalicelib.inkind.needs import refresh_shown

        refresh_shown(need_id)
    return result


def _line_detail(stock_line: Line, line: ReceiptLine) -> dict:
    # Value and expiry per line, for the thank-you list and the staff pages.
    detail = {
        "item_id": stock_line.item_id,
        "location": stock_line.location,
        "delta": stock_line.delta,
        "value": line.value,
    }
    if line.expires_on:
        detail["expires_on"] = line.expires_on
    return detail


def _need_and_pledge_writes(
    need_id: str | None, per_item: dict[str, int], pledge: Pledge | None
) -> list[ExtraWrite]:
    writes: list[ExtraWrite] = []
    if need_id:
        need = _need(need_id)
        count = per_item.get(need.item_id, 0)
        if count:
            writes.append(
                lambda tx: tx.update(Need(need_id), actions=[
                    Need.received.add(count), Need.receipt_events.add(1)])
            )
    if pledge:
        count = sum(per_item.values())
        total = int(pledge.received) + count
        status = "received" if total >= pledge.quantity else "partly"

        def write(tx: Any) -> None:
            tx.update(
                Pledge(pledge.pledge_id),
                actions=[Pledge.received.add(count), Pledge.status.set(status)],
                condition=Pledge.status.is_in("open", "partly")
                & (Pledge.received == pledge.received),
            )

        writes.append(write)
    return writes


def _need(need_id: str) -> Need:
    from chalicelib.inkind.needs import get_need

    return get_need(need_id)


def _recipient(client_code: str | None, shelter_id: str | None) -> tuple[str, str]:
    if bool(client_code) == bool(shelter_id):
        raise ValidationFailed(
            {"client_code": N_("Give either a client code or a shelter.")}
        )
    if client_code:
        code = normalise_client_code(client_code)
        if code is None:
            raise ValidationFailed(
                {"client_code": N_("A client code looks like K-2025-031.")}
            )
        return "client", code
    if not SHELTER_ID.match(str(shelter_id)):
        raise ValidationFailed({"shelter_id": N_("Choose a shelter.")})
    return "shelter", str(shelter_id)


def distribute(
    distribution_id: str,
    item_id: str,
    quantity: object,
    location: str,
    actor: Actor,
    *,
    client_code: str | None = None,
    shelter_id: str | None = None,
    children: object = 0,
    request_hash: str | None = None,
) -> MovementResult:
    """Give `quantity` units to a client code or a shelter; audit-logged.
    Raises InsufficientStock (409) when the location holds fewer."""
    item = get_item(item_id)
    count = quantity_of(quantity)
    location = location_of(location)
    kind, recipient = _recipient(client_code, shelter_id)
    children = _children(children, item.kind, kind)
    catalogue.check_not_expired(item)
    people = 1 + children if kind == "client" else 0
    movement = new_movement(
        "distribution",
        distribution_id,
        actor,
        recipient_type=kind,
        recipient_id=recipient,
        children=children,
        request_hash=request_hash,
    )
    extra = [add_year_total(_year(), item.item_id, distributed=count, people=people)]
    return record_movement(movement, [Line(item.item_id, location, -count)], extra,
                           actor=actor, also_audit=(("update", kind, recipient),))


def distributions_to_client(code: str) -> list[StockMovement]:
    """What a (normalised) client code was given, newest first: one index
    query; the caller writes the read's audit entry."""
    return [movement for movement in StockMovement.by_recipient.query(
        code, scan_index_forward=False) if movement.recipient_type == "client"]


def _children(value: object, item_kind: str, recipient_kind: str) -> int:
    if value in (None, "", 0, "0"):
        return 0
    if item_kind != "ticket" or recipient_kind != "client":
        raise ValidationFailed(
            {"children": N_("Children are counted only for tickets to a client.")}
        )
    count = quantity_of(value, "children")
    if count > 20:
        raise ValidationFailed({"children": N_("Enter a whole number above zero.")})
    return count


def transfer(
    transfer_id: str,
    item_id: str,
    quantity: object,
    source: str,
    target: str,
    actor: Actor,
    request_hash: str | None = None,
) -> MovementResult:
    """Move units between storage locations."""
    item = get_item(item_id)
    count = quantity_of(quantity)
    source, target = location_of(source, "source"), location_of(target, "target")
    if source == target:
        raise ValidationFailed({"target": N_("Choose another location.")})
    lines = [Line(item.item_id, source, -count), Line(item.item_id, target, count)]
    movement = new_movement("transfer", transfer_id, actor, request_hash=request_hash)
    return record_movement(movement, lines, actor=actor)


def write_off(
    write_off_id: str,
    item_id: str,
    quantity: object,
    location: str,
    reason: str,
    actor: Actor,
    request_hash: str | None = None,
) -> MovementResult:
    """Take damaged, expired or lost units out of stock, with a reason."""
    item = get_item(item_id)
    count = quantity_of(quantity)
    location = location_of(location)
    reason = _text(reason, "reason")
    privacy.guard_texts({"reason": reason}, privacy.STAFF)
    movement = new_movement("write_off", write_off_id, actor, reason=reason,
                            request_hash=request_hash)
    return record_movement(movement, [Line(item.item_id, location, -count)],
                           actor=actor)


def assemble_kits(
    assembly_id: str, kit_id: str, count: object, location: str, actor: Actor,
    request_hash: str | None = None,
) -> MovementResult:
    """Put `count` kits together from their items at one location."""
    kit = get_item(kit_id)
    if kit.kind != "kit":
        raise ValidationFailed({"item_id": N_("This item is not a kit.")})
    count = quantity_of(count)
    location = location_of(location)
    lines = [
        Line(str(part["item_id"]), location, -int(part["quantity"]) * count)
        for part in kit.components
    ]
    lines.append(Line(kit.item_id, location, count))
    movement = new_movement("assembly", assembly_id, actor, request_hash=request_hash)
    return record_movement(movement, lines, actor=actor)
