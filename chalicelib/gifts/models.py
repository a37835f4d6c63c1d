from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.db import BaseMeta, BaseModel, table_name


class GiftsByYear(GlobalSecondaryIndex):
    class Meta:
        index_name = "year-index"
        projection = AllProjection()

    year = UnicodeAttribute(hash_key=True)
    gift_key = UnicodeAttribute(range_key=True)


class GiftsByEmail(GlobalSecondaryIndex):
    """A giver's gifts by their email (sparse), for the donor portal."""

    class Meta:
        index_name = "email-index"
        projection = AllProjection()

    email_key = UnicodeAttribute(hash_key=True)  # the email, lower case
    date = UnicodeAttribute(range_key=True)


class Gift(BaseModel):
    """A gift that arrived outside the web page (bank transfer, Vipps). Its key
    is channel + the bank's or Vipps' reference, so a reference is never
    recorded twice."""

    class Meta(BaseMeta):
        table_name = table_name("gifts")

    gift_key = UnicodeAttribute(hash_key=True)  # "<channel>#<reference>"
    channel = UnicodeAttribute()  # bank | vipps
    reference = UnicodeAttribute()
    fund_id = UnicodeAttribute()
    amount = NumberAttribute()  # øre
    currency = UnicodeAttribute(default="NOK")
    date = UnicodeAttribute()  # YYYY-MM-DD the money arrived
    year = UnicodeAttribute()
    donor_name = UnicodeAttribute(null=True)
    donor_email = UnicodeAttribute(null=True)
    email_key = UnicodeAttribute(null=True)  # donor_email in lower case
    thank_by_name = BooleanAttribute(default=False)  # the giver agreed
    import_id = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    by_year = GiftsByYear()
    by_email = GiftsByEmail()


class GiftImport(BaseModel):
    """A previewed CSV file: nothing is posted until it is confirmed."""

    class Meta(BaseMeta):
        table_name = table_name("gift-imports")

    import_id = UnicodeAttribute(hash_key=True)
    channel = UnicodeAttribute()
    fund_id = UnicodeAttribute()
    thank_by_name = BooleanAttribute(default=False)
    rows = UnicodeAttribute()  # JSON list of valid rows
    errors = UnicodeAttribute()  # JSON list of {"line", "message"}
    total = NumberAttribute(default=0)  # øre
    status = UnicodeAttribute(default="preview")  # preview | imported
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
