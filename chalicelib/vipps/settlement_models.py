"""Tables of the Vipps settlement import: each ledger line once, and the
previews finance checks before booking."""

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.db import BaseMeta, BaseModel, table_name


class OpenQueue(GlobalSecondaryIndex):
    """Only lines waiting for finance carry `queue` ("open"): a sparse index."""

    class Meta:
        index_name = "queue-index"
        projection = AllProjection()

    queue = UnicodeAttribute(hash_key=True)
    date = UnicodeAttribute(range_key=True)


class SettlementLine(BaseModel):
    """One settlement line as booked. Its key is the line's kind and Vipps's
    pspReference (`capture#...`, `fee#...`), so a line read again from the
    same file, the other source, or a second import is never booked twice."""

    class Meta(BaseMeta):
        table_name = table_name("vipps-settlement-lines")

    line_key = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()  # capture | refund | fee | other
    psp = UnicodeAttribute()
    reference = UnicodeAttribute(null=True)
    date = UnicodeAttribute()  # YYYY-MM-DD of the sale or ledger date
    amount = NumberAttribute(default=0)  # øre, signed as Vipps shows it
    fee = NumberAttribute(default=0)  # øre Vipps kept
    currency = UnicodeAttribute(default="NOK")
    name = UnicodeAttribute(null=True)  # the payer, as the report names them
    message = UnicodeAttribute(null=True)
    # settled (matched a credited gift) | credited (this import credited it)
    # | fee (booked as an expense) | queued | resolved | dismissed
    outcome = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)  # msgid of why it was queued
    target = UnicodeAttribute(null=True)  # donation id, gift key, or fund id
    import_id = UnicodeAttribute()
    queue = UnicodeAttribute(null=True)  # "open" while finance must act
    note = UnicodeAttribute(null=True)  # finance's note when resolving
    booked_by = UnicodeAttribute()
    booked_at = UTCDateTimeAttribute()
    resolved_by = UnicodeAttribute(null=True)
    queue_index = OpenQueue()


class SettlementImport(BaseModel):
    """A settlement report read and matched, shown to finance before booking."""

    class Meta(BaseMeta):
        table_name = table_name("vipps-settlement-imports")

    import_id = UnicodeAttribute(hash_key=True)
    source = UnicodeAttribute()  # csv | api
    ledger_date = UnicodeAttribute(null=True)  # the day fetched (api)
    fee_fund_id = UnicodeAttribute()
    lines = UnicodeAttribute()  # JSON: each line with its planned outcome
    errors = UnicodeAttribute()  # JSON: [{"line", "message", "value"}]
    status = UnicodeAttribute(default="preview")  # preview | booked
    summary = UnicodeAttribute(default="{}")  # JSON: counts and øre after booking
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
