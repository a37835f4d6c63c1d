"""The catalogue: items with a unit and an estimated value, kits made of items,
dated items (perishables, tickets), storage locations, and input checks that
every in-kind use case shares."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from chalicelib import privacy
from chalicelib.core.clock import day_text
from chalicelib.errors import N_, Conflict, Names, NotFound, ValidationFailed
from chalicelib.inkind.models import Item

KINDS = {
    "goods": N_("Goods"),
    "perishable": N_("Perishable"),
    "ticket": N_("Ticket or voucher"),
    "kit": N_("Kit of several items"),
}
UNITS = {
    "piece": N_("piece"),
    "pack": N_("pack"),
    "bag": N_("bag"),
    "package": N_("package"),
    "ticket": N_("ticket"),
}
# Where gifts are kept. Never a shelter: their addresses are secret.
LOCATIONS = {
    "office": N_("Office store room"),
    "storage": N_("Storage unit"),
}
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
MAX_QUANTITY = 100_000


class UnknownItem(NotFound):
    code = "unknown_item"
    field = "item_id"
    message = N_("There is no item %(item)s in the catalogue.")


class ItemExpired(Conflict):
    code = "item_expired"
    field = "item_id"
    message = N_("%(item)s expired on %(date)s and cannot be given out.")


def today() -> date:
    return datetime.now(UTC).date()


def get_item(item_id: str) -> Item:
    try:
        item = Item.get(str(item_id))
    except Item.DoesNotExist:
        raise UnknownItem(item=str(item_id)[:64]) from None
    if not item.active:
        raise UnknownItem(item=item_id)
    return item


def list_items() -> list[Item]:
    return sorted(
        (item for item in Item.scan() if item.active), key=lambda i: i.item_id
    )


def check_not_expired(item: Item, on: date | None = None) -> None:
    if item.expires_on and date.fromisoformat(item.expires_on) < (on or today()):
        raise ItemExpired(item=Names(item.names, item.item_id),
                          date=day_text(item.expires_on))


def quantity_of(value: object, field: str = "quantity") -> int:
    """A whole, positive number of units, else ValidationFailed naming `field`."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or value <= 0 or value > MAX_QUANTITY:
        raise ValidationFailed({field: N_("Enter a whole number above zero.")})
    return value


def optional_date(value: object, field: str) -> str | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ValidationFailed({field: N_("Enter a date as YYYY-MM-DD.")}) from None


def location_of(value: object, field: str = "location") -> str:
    if value not in LOCATIONS:
        raise ValidationFailed({field: N_("Choose a storage location.")})
    return str(value)


def parse_components(text: str) -> list[dict]:
    """'Såpe:1, Håndkle:2' as kit components: each item by its name in any
    language (or its id), in any case; every item must exist."""
    parts = [p.strip() for p in (text or "").split(",") if p.strip()]
    known: dict[str, str] = {}
    for item in list_items() if parts else []:
        for name in (*_names_of(item), item.item_id):
            known.setdefault(name.casefold(), item.item_id)
    components = []
    for part in parts:
        name, _, count = part.partition(":")
        item_id = known.get(name.strip().casefold())
        if item_id is None:
            unknown = UnknownItem(item=name.strip()[:64])
            unknown.field = "components"
            raise unknown
        components.append({"item_id": item_id, "quantity": quantity_of(count or "1")})
    return components


def _names_of(item: Item) -> list[str]:
    return [str(name) for name in Names(item.names).values() if name]


def save_item(
    item_id: str,
    names: dict[str, str],
    unit: str,
    value: int,
    kind: str,
    expires_on: str | None = None,
    components: list[dict] | None = None,
    low_stock: int = 0,
) -> Item:
    """Create or change a catalogue item; a kit must list its components."""
    fields: dict[str, str] = {}
    if not ID_PATTERN.match(item_id or ""):
        fields["item_id"] = N_("Use lower-case letters, digits and dashes.")
    if not (names.get("nb") or names.get("en")):
        fields["name_nb"] = N_("Give the item a name.")
    if unit not in UNITS:
        fields["unit"] = N_("Choose a unit.")
    if kind not in KINDS:
        fields["kind"] = N_("Choose a kind.")
    if not isinstance(value, int) or value < 0:
        fields["value"] = N_("Enter an amount in NOK.")
    if kind == "kit" and not components:
        fields["components"] = N_("A kit lists its items, e.g. Soap:1, Towel:2.")
    # Givers read item names on the public needs page.
    identity = privacy.refusals({f"name_{k}": v for k, v in names.items()},
                                privacy.PUBLIC)
    privacy.refuse(fields, identity)
    item = Item(
        item_id,
        names={k: v for k, v in names.items() if v},
        unit=unit,
        value=value,
        kind=kind,
        expires_on=expires_on,
        components=components if kind == "kit" else [],
        low_stock=max(0, int(low_stock)),
    )
    item.save()
    return item
