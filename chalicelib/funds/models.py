from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)

from chalicelib.db import BaseMeta, BaseModel, table_name


class Fund(BaseModel):
    """Where money belongs. `balance` (øre) changes only with a ledger entry,
    in the same transaction."""

    class Meta(BaseMeta):
        table_name = table_name("funds")

    fund_id = UnicodeAttribute(hash_key=True)
    names: MapAttribute = MapAttribute(
        default=dict
    )  # {"nb": ..., "en": ..., "es": ...}
    restricted = BooleanAttribute(default=False)
    public = BooleanAttribute(default=False)  # donors may choose it
    purposes = UnicodeSetAttribute(null=True)  # restricted funds pay only these
    currency = UnicodeAttribute(default="NOK")
    balance = NumberAttribute(default=0)
    # +1 with every ledger movement: a count or check conditional on it sees
    # any money that moved since it read the balance (unset before the first).
    version = NumberAttribute(null=True)
    active = BooleanAttribute(default=True)
    # "fund", or "cash_box": an office's petty cash, an account of the ledger
    # whose money came from `source_fund` and follows its rules.
    kind = UnicodeAttribute(default="fund")
    source_fund = UnicodeAttribute(null=True)
    # A change of `restricted`/`purposes` asked for while the fund held money,
    # waiting for a second person (JSON, chalicelib/funds/rules.py).
    pending_rules = UnicodeAttribute(null=True)

    def name(self, lang: str) -> str:
        names = (
            self.names.as_dict() if hasattr(self.names, "as_dict") else dict(self.names)
        )
        return str(
            names.get(lang) or names.get("en") or names.get("nb") or self.fund_id
        )


class LedgerEntry(BaseModel):
    """One immutable line of a fund's ledger; newest last in `entry_id` order."""

    class Meta(BaseMeta):
        table_name = table_name("ledger")

    fund_id = UnicodeAttribute(hash_key=True)
    entry_id = UnicodeAttribute(range_key=True)  # "<ISO time>#<movement id>"
    movement_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # donation, refund, gift, disbursement, reversal, ...
    amount = NumberAttribute()  # øre, + in, - out
    currency = UnicodeAttribute(default="NOK")
    created_at = UTCDateTimeAttribute()
    actor = UnicodeAttribute()
    reference = UnicodeAttribute(null=True)  # the source record's id, never a name
    memo = UnicodeAttribute(null=True)


class Movement(BaseModel):
    """One money movement (one or more entries); its id makes posting idempotent."""

    class Meta(BaseMeta):
        table_name = table_name("movements")

    movement_id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    entries: ListAttribute = ListAttribute(default=list)  # [{"fund_id", "amount"}]
    request_hash = UnicodeAttribute(null=True)  # what a keyed request asked for


class FundMonth(BaseModel):
    """Income and spending of a fund in one month, kept up to date by every
    posting so that views never read the history."""

    class Meta(BaseMeta):
        table_name = table_name("fund-months")

    fund_id = UnicodeAttribute(hash_key=True)
    month = UnicodeAttribute(range_key=True)  # YYYY-MM
    income = NumberAttribute(default=0)
    spending = NumberAttribute(default=0)
