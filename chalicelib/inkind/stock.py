"""The stock ledger. Every change of stock is one immutable StockMovement
written in the same DynamoDB transaction (a unit of work, with its audit
entry) as the Stock rows it changes; a row
never goes below zero (the update carries the condition) and a repeated
movement id changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from chalicelib.audit.service import Actor, entry_write
from chalicelib.errors import N_, Conflict, DomainError, Label, Names
from chalicelib.idempotency import Idempotent
from chalicelib.inkind.models import Item, Stock, StockMovement, YearTotal
from chalicelib.uow import REPLAY, Audit, UnitOfWork

ExtraWrite = Callable[[Any], None]  # called with the UnitOfWork


class InsufficientStock(Conflict):
    code = "insufficient_stock"
    field = "quantity"
    message = N_("There are only %(available)s of %(item)s at %(location)s.")


class Line(NamedTuple):
    item_id: str
    location: str
    delta: int  # units; negative takes out


@dataclass
class MovementResult:
    movement_id: str
    created: bool  # False when this movement id had been recorded before


def record_movement(
    movement: StockMovement,
    lines: list[Line],
    extra_writes: list[ExtraWrite] | None = None,
    *,
    actor: Actor,
    audit: Audit | None = None,
    also_audit: tuple[Audit, ...] = (),
) -> MovementResult:
    """Write `movement` with its `lines`, the caller's `extra_writes` and its
    audit entry (by default "create" "inkind_<kind>" <id>; `also_audit` adds
    more) in one unit of work. Raises InsufficientStock when a row would go
    below zero; a movement id recorded before changes nothing (created False)."""
    if not lines or any(not isinstance(x.delta, int) or x.delta == 0 for x in lines):
        raise ValueError("a movement needs lines with whole, non-zero deltas")
    if not movement.lines:  # callers may store more per line (value, expiry)
        movement.lines = [
            {"item_id": x.item_id, "location": x.location, "delta": x.delta}
            for x in lines
        ]
    movement_id = str(movement.movement_id)
    uow = UnitOfWork(actor, audit or ("create", f"inkind_{movement.kind}", movement_id))
    uow.save(movement, condition=StockMovement.movement_id.does_not_exist(),
             on_fail=REPLAY)
    for line in _merged(lines):
        if line.delta < 0:
            uow.update(Stock(line.item_id, line.location),
                       actions=[Stock.quantity.add(line.delta)],
                       condition=Stock.quantity >= -line.delta,
                       on_fail=_short_of(line))
        else:
            uow.update(Stock(line.item_id, line.location),
                       actions=[Stock.quantity.add(line.delta)])
    for write in extra_writes or []:
        write(uow)  # a failed condition of theirs: Conflict (e.g. pledge state)
    for extra in also_audit:
        entry_write(actor, *extra)(uow)
    return MovementResult(movement_id, uow.commit())


def _short_of(line: Line) -> Callable[[], Exception]:
    def explain() -> Exception:
        from chalicelib.inkind.catalogue import LOCATIONS, get_item

        return InsufficientStock(
            available=quantity(line.item_id, line.location),
            item=Names(get_item(line.item_id).names, line.item_id),
            location=Label(LOCATIONS.get(line.location, line.location)))

    return explain


def _merged(lines: list[Line]) -> list[Line]:
    # A transaction may touch each row once: sum the lines of the same row.
    totals: dict[tuple[str, str], int] = {}
    for line in lines:
        key = (line.item_id, line.location)
        totals[key] = totals.get(key, 0) + line.delta
    return [Line(i, loc, d) for (i, loc), d in totals.items() if d != 0]


def quantity(item_id: str, location: str) -> int:
    """Units of `item_id` at `location` now (0 when none were ever there)."""
    try:
        return int(Stock.get(item_id, location, consistent_read=True).quantity)
    except Stock.DoesNotExist:
        return 0


def movement_hash(movement_id: str) -> str | None:
    """The request digest a recorded movement keeps (None: not recorded, or
    recorded without a key)."""
    try:
        return StockMovement.get(movement_id, consistent_read=True).request_hash
    except StockMovement.DoesNotExist:
        return None


def movement_exists(movement_id: str) -> bool:
    return StockMovement.count(movement_id) > 0


def once(idem: Idempotent, prefix: str,
         run: Callable[[str, str], MovementResult]) -> MovementResult:
    """Run a stock use case once per key: `run(movement_id, request_hash)`
    under the id derived from the key. A retry (same key, same request) is
    answered with the movement committed the first time, even when the
    use case would now refuse (the last unit is gone, the pledge is closed);
    the same key for another request is IdempotencyKeyReused."""
    movement_id = idem.resource_id(prefix)
    try:
        result = run(movement_id, idem.fingerprint)
    except DomainError:
        if idem.key is None or not movement_exists(movement_id):
            raise
        result = MovementResult(movement_id, False)
    if not result.created:
        idem.check(movement_hash(movement_id))
    return result


def stock_rows() -> list[Stock]:
    """Every stock row: one Scan of the maintained table, whatever the history."""
    return [row for row in Stock.scan() if row.quantity]


def new_movement(
    kind: str, movement_id: str, actor: Actor, **fields: Any
) -> StockMovement:
    now = datetime.now(UTC)
    return StockMovement(
        movement_id,
        kind=kind,
        kind_year=f"{kind}#{now.year}",
        created_at=now,
        actor=actor.user_id,
        **fields,
    )


def add_year_total(year: int, item_id: str, **amounts: int) -> ExtraWrite:
    """An extra write that adds to an item's totals of the year."""

    def write(tx: Any) -> None:
        actions = [getattr(YearTotal, name).add(n) for name, n in amounts.items()]
        tx.update(YearTotal(str(year), item_id), actions=actions)

    return write


def get_items() -> dict[str, Item]:
    return {item.item_id: item for item in Item.scan()}  # a catalogue: tens of items


@dataclass
class StockLine:
    item: Item
    by_location: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_location.values())

    @property
    def low(self) -> bool:
        return self.total <= int(self.item.low_stock or 0)


def stock_overview() -> list[StockLine]:
    """Every active item with its units per location and a low-stock flag.
    Two requests (catalogue and stock rows), whatever the movement history."""
    items = get_items()
    lines = {
        item_id: StockLine(item, {}) for item_id, item in items.items() if item.active
    }
    for row in stock_rows():
        if row.item_id in lines:
            lines[row.item_id].by_location[row.location] = int(row.quantity)
    return sorted(lines.values(), key=lambda line: line.item.item_id)


def reconcile() -> dict[tuple[str, str], tuple[int, int]]:
    """Rows whose stock differs from the sum of their movements, as
    {(item, location): (stock, sum)}; empty when all agree. Reads the whole
    history: an operator's check, never a page."""
    sums: dict[tuple[str, str], int] = {}
    for movement in StockMovement.scan():
        for line in movement.lines:
            key = (str(line["item_id"]), str(line["location"]))
            sums[key] = sums.get(key, 0) + int(line["delta"])
    rows = {(r.item_id, r.location): int(r.quantity) for r in Stock.scan()}
    keys = set(sums) | set(rows)
    return {
        key: (rows.get(key, 0), sums.get(key, 0))
        for key in sorted(keys)
        if rows.get(key, 0) != sums.get(key, 0)
    }
