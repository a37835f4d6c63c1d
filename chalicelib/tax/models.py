"""Tables of the tax deduction area."""

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from chalicelib.db import BaseMeta, BaseModel, table_name


class TaxYearLimits(BaseModel):
    """Finance's limits for one income year: the least a tax unit must have
    given to be reported, the most that is deductible (both øre)."""

    class Meta(BaseMeta):
        table_name = table_name("tax-limits")

    year = UnicodeAttribute(hash_key=True)  # "2025"
    minimum = NumberAttribute()  # øre
    maximum = NumberAttribute()  # øre
    closed = BooleanAttribute(default=False)  # no new requests for this year
    updated_by = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute()
