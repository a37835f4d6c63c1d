"""Tables of the tax deduction area."""

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

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
    # On the copy a form's one-time nonce leaves ("request#<id>", limits.py):
    # what that form asked for, so the same nonce is never applied twice.
    request_hash = UnicodeAttribute(null=True)


class RequestsByYear(GlobalSecondaryIndex):
    class Meta:
        index_name = "year-index"
        projection = AllProjection()

    year = UnicodeAttribute(hash_key=True)
    unit_key = UnicodeAttribute(range_key=True)


class TaxRequest(BaseModel):
    """A donor's deduction request for one income year: the tax unit's name
    and identifier. The identifier is stored only sealed (tax/crypto.py) and
    as its last five digits; the donor's gifts are found by their email."""

    class Meta(BaseMeta):
        table_name = table_name("tax-requests")

    unit_key = UnicodeAttribute(hash_key=True)  # "<year>#<digest of the email>"
    year = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    kind = UnicodeAttribute()  # person | organisation
    id_sealed = UnicodeAttribute()  # base64 AES-GCM ciphertext
    id_key = UnicodeAttribute()  # base64 wrapped data key
    id_last5 = UnicodeAttribute()
    status = UnicodeAttribute(default="active")  # active | withdrawn
    lang = UnicodeAttribute(default="nb")
    consent_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    by_year = RequestsByYear()


class TaxTotal(BaseModel):
    """What one email gave in one income year, kept by every credit and
    refund in their own transaction (tax/totals.py): the tax unit's sum,
    whether or not a deduction request exists yet."""

    class Meta(BaseMeta):
        table_name = table_name("tax-totals")

    year = UnicodeAttribute(hash_key=True)  # "2025", the Oslo date of the gift
    unit_key = UnicodeAttribute(range_key=True)  # as TaxRequest.unit_key
    email = UnicodeAttribute(null=True)  # for finance to ask for a request
    amount = NumberAttribute(default=0)  # øre given
    refunded = NumberAttribute(default=0)  # øre given back since
    gifts = NumberAttribute(default=0)

    @property
    def net(self) -> int:
        return int(self.amount) - int(self.refunded)


class TaxDelivery(BaseModel):
    """One delivery of the RF-1310 report: its UUID is the idempotency key
    (a re-send carries the same one and the same body)."""

    class Meta(BaseMeta):
        table_name = table_name("tax-deliveries")

    year = UnicodeAttribute(hash_key=True)
    delivery_id = UnicodeAttribute(range_key=True)  # UUID, the idempotencyKey
    kind = UnicodeAttribute()  # first | correction
    status = UnicodeAttribute()  # prepared | sent | refused | done
    units = NumberAttribute()
    kroner = NumberAttribute()  # the summary's sum
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    attempts = NumberAttribute(default=0)
    sent_at = UTCDateTimeAttribute(null=True)
    dialog_id = UnicodeAttribute(null=True)
    forsendelse_id = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)  # the API's code and message
    feedback_at = UTCDateTimeAttribute(null=True)
    rejected = NumberAttribute(default=0)


class TaxReported(BaseModel):
    """What was (or is about to be) reported for one unit of one year: the
    latest delivery naming it, its amount and name, never the number."""

    class Meta(BaseMeta):
        table_name = table_name("tax-reported")

    year = UnicodeAttribute(hash_key=True)
    unit_key = UnicodeAttribute(range_key=True)
    delivery_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    name = UnicodeAttribute()
    id_last5 = UnicodeAttribute()
    id_version = UnicodeAttribute()  # the request's updated_at when reported
    kroner = NumberAttribute()
    status = UnicodeAttribute(default="delivered")  # delivered | rejected
    reason = UnicodeAttribute(null=True)  # Skatteetaten's, when rejected
