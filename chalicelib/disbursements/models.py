from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.db import BaseMeta, BaseModel, table_name


class ByClient(GlobalSecondaryIndex):
    class Meta:
        index_name = "client-index"
        projection = AllProjection()

    client_code = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class Pending(GlobalSecondaryIndex):
    """Sparse: only disbursements waiting for a second person carry `pending`."""

    class Meta:
        index_name = "pending-index"
        projection = AllProjection()

    pending = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class Disbursement(BaseModel):
    """Emergency money paid to a client, known only by a pseudonymous code."""

    class Meta(BaseMeta):
        table_name = table_name("disbursements")

    disbursement_id = UnicodeAttribute(hash_key=True)
    client_code = UnicodeAttribute()  # e.g. K-2025-031, never a name
    amount = NumberAttribute()  # øre
    currency = UnicodeAttribute(default="NOK")
    purpose = UnicodeAttribute()
    method = UnicodeAttribute()  # cash | payment_card | bank_transfer
    fund_id = UnicodeAttribute()  # whose rules and totals apply
    cash_box_id = UnicodeAttribute(null=True)  # the account paid from, if cash
    note = UnicodeAttribute(null=True)
    status = UnicodeAttribute()  # pending | paid | rejected | reversed
    pending = UnicodeAttribute(null=True)
    over_limit = BooleanAttribute(default=False)  # finance overrode the limit
    request_hash = UnicodeAttribute()
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    paid_at = UTCDateTimeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    decided_at = UTCDateTimeAttribute(null=True)
    reason = UnicodeAttribute(null=True)  # why rejected or reversed
    by_client = ByClient()
    by_pending = Pending()

    @property
    def account(self) -> str:
        """The ledger account the money leaves: the cash box or the fund."""
        return str(self.cash_box_id or self.fund_id)


class DisbursementTotal(BaseModel):
    """Paid disbursements summed per month, purpose and fund, kept up to date
    in the paying transaction so reports never read the history.
    key: "<YYYY-MM>#all", "#purpose#<p>", "#fund#<f>", "#fund#<f>#purpose#<p>"."""

    class Meta(BaseMeta):
        table_name = table_name("disbursement-totals")

    year = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)
    amount = NumberAttribute(default=0)
    payments = NumberAttribute(default=0)
    # Client markers only (year "clients", key the client's one-way token):
    # the client's latest disbursement, which each new one's transaction
    # checks and replaces, so two racing payments cannot both pass the
    # 30-day limit.
    last_id = UnicodeAttribute(null=True)
    last_at = UTCDateTimeAttribute(null=True)


class CashCount(BaseModel):
    """A count of an office's cash box: counted against expected."""

    class Meta(BaseMeta):
        table_name = table_name("cash-counts")

    box_id = UnicodeAttribute(hash_key=True)
    counted_at = UTCDateTimeAttribute(range_key=True)
    counted = NumberAttribute()
    expected = NumberAttribute()
    difference = NumberAttribute()  # counted - expected
    actor = UnicodeAttribute()
    note = UnicodeAttribute(null=True)
    # A keyed count also writes a copy under box_id "request#<id>" (the id
    # derived from the user's idempotency key), so a retry finds it.
    request_hash = UnicodeAttribute(null=True)


class Bridging(BaseModel):
    """The date the welfare office (NAV) is expected to pay a client."""

    class Meta(BaseMeta):
        table_name = table_name("client-bridging")

    client_code = UnicodeAttribute(hash_key=True)
    expected_payout = UnicodeAttribute()  # YYYY-MM-DD
    updated_by = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute()
