"""In-kind gifts: catalogue, needs, pledges, stock movements and the stock
they maintain. Stock rows change only together with a movement, in one
transaction, so stock always equals the sum of the movements."""

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.db import BaseMeta, BaseModel, table_name


def _names(value: Any) -> dict:
    return value.as_dict() if hasattr(value, "as_dict") else dict(value or {})


class Item(BaseModel):
    """A catalogue item (a hygiene pack, a ticket) or a kit of items."""

    class Meta(BaseMeta):
        table_name = table_name("inkind-items")

    item_id = UnicodeAttribute(hash_key=True)
    names: MapAttribute = MapAttribute(default=dict)  # {"nb", "en", "es"}
    unit = UnicodeAttribute(default="piece")  # piece, pack, bag, ticket ...
    value = NumberAttribute(default=0)  # estimated øre per unit
    kind = UnicodeAttribute(default="goods")  # goods, perishable, ticket, kit
    expires_on = UnicodeAttribute(null=True)  # ISO date: best before or event day
    components: ListAttribute = ListAttribute(default=list)  # [{item_id, quantity}]
    low_stock = NumberAttribute(default=0)  # warn at or below this total
    active = BooleanAttribute(default=True)

    def name(self, lang: str) -> str:
        names = _names(self.names)
        return str(names.get(lang) or names.get("en") or self.item_id)


class Need(BaseModel):
    """A published need; `pledged` and `received` are maintained totals."""

    class Meta(BaseMeta):
        table_name = table_name("inkind-needs")

    need_id = UnicodeAttribute(hash_key=True)
    item_id = UnicodeAttribute()
    wanted = NumberAttribute()
    wanted_by = UnicodeAttribute(null=True)  # ISO date
    texts: MapAttribute = MapAttribute(default=dict)  # public text per language
    status = UnicodeAttribute(default="open")  # open, closed
    pledged = NumberAttribute(default=0)
    received = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    # What the public sees: `pledged`/`received` as they were when last
    # shown, refreshed only after SHOW_EVERY pledges (or receipts) since, so
    # no single pledge can be subtracted out (chalicelib/inkind/needs.py).
    pledge_events = NumberAttribute(default=0)  # pledges made or cancelled
    receipt_events = NumberAttribute(default=0)
    shown_pledged = NumberAttribute(default=0)
    shown_received = NumberAttribute(default=0)
    shown_pledge_events = NumberAttribute(default=0)
    shown_receipt_events = NumberAttribute(default=0)

    def text(self, lang: str) -> str:
        texts = _names(self.texts)
        return str(texts.get(lang) or texts.get("en") or texts.get("nb") or "")


class PledgesByStatus(GlobalSecondaryIndex):
    class Meta:
        index_name = "status-index"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class Pledge(BaseModel):
    """A giver's promise to bring `quantity` of a need's item."""

    class Meta(BaseMeta):
        table_name = table_name("inkind-pledges")

    pledge_id = UnicodeAttribute(hash_key=True)
    need_id = UnicodeAttribute()
    item_id = UnicodeAttribute()
    giver = UnicodeAttribute()  # a person's or an organisation's name
    contact = UnicodeAttribute()  # email or phone: staff only, never public
    quantity = NumberAttribute()
    received = NumberAttribute(default=0)
    expected_on = UnicodeAttribute(null=True)
    thank_by_name = BooleanAttribute(default=True)
    status = UnicodeAttribute(default="open")  # open, partly, received, cancelled
    created_at = UTCDateTimeAttribute()
    request_hash = UnicodeAttribute(null=True)  # what a keyed request asked for
    by_status = PledgesByStatus()


class MovementsByKindYear(GlobalSecondaryIndex):
    class Meta:
        index_name = "kind-year-index"
        projection = AllProjection()

    kind_year = UnicodeAttribute(hash_key=True)  # "receipt#2026"
    created_at = UTCDateTimeAttribute(range_key=True)


class MovementsByRecipient(GlobalSecondaryIndex):
    """Sparse: only distributions carry `recipient_id` (a client's items)."""

    class Meta:
        index_name = "recipient-index"
        projection = AllProjection()

    recipient_id = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class StockMovement(BaseModel):
    """One immutable stock movement; its lines change Stock rows by `delta`."""

    class Meta(BaseMeta):
        table_name = table_name("inkind-movements")

    movement_id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()  # receipt, distribution, transfer, assembly, write_off
    kind_year = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    actor = UnicodeAttribute()
    lines: ListAttribute = ListAttribute(default=list)  # [{item_id, location, delta}]
    value = NumberAttribute(default=0)  # estimated øre (receipts)
    giver = UnicodeAttribute(null=True)  # receipts
    thank_by_name = BooleanAttribute(default=True)
    pledge_id = UnicodeAttribute(null=True)
    need_id = UnicodeAttribute(null=True)
    expires_on = UnicodeAttribute(null=True)
    recipient_type = UnicodeAttribute(null=True)  # client, shelter (distributions)
    recipient_id = UnicodeAttribute(null=True)  # client code or shelter id
    children = NumberAttribute(default=0)  # accompanying children (tickets)
    reason = UnicodeAttribute(null=True)  # write-offs
    request_hash = UnicodeAttribute(null=True)  # what a keyed request asked for
    by_kind_year = MovementsByKindYear()
    by_recipient = MovementsByRecipient()


class Stock(BaseModel):
    """How many units of an item lie at a location; never below zero."""

    class Meta(BaseMeta):
        table_name = table_name("inkind-stock")

    item_id = UnicodeAttribute(hash_key=True)
    location = UnicodeAttribute(range_key=True)
    quantity = NumberAttribute(default=0)


class YearTotal(BaseModel):
    """Received and distributed units of an item in a year (public aggregates)."""

    class Meta(BaseMeta):
        table_name = table_name("inkind-year-totals")

    year = UnicodeAttribute(hash_key=True)
    item_id = UnicodeAttribute(range_key=True)
    received = NumberAttribute(default=0)
    distributed = NumberAttribute(default=0)
    people = NumberAttribute(default=0)  # clients and accompanying children reached
