"""Referral tables. A `Referral` is what the coordinator asked for; each
shelter it went to has an `Offer` (its answer). What a partner is shown is
copied onto the offer, so a partner's list never reads the referral, the
client's history or another shelter's offer."""

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.db import BaseMeta, BaseModel, table_name


class OpenIndex(GlobalSecondaryIndex):
    """Sparse: only referrals still open carry `open_flag` (the escalation
    badge counts them by age with one Query)."""

    class Meta:
        index_name = "open"
        projection = AllProjection()

    open_flag = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class MonthIndex(GlobalSecondaryIndex):
    """A month's referrals, newest first (the coordinators' list)."""

    class Meta:
        index_name = "by-month"
        projection = AllProjection()

    month = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class Referral(BaseModel):
    """A request to place one client code, sent to one or several shelters.
    `status` goes open -> placed (the first accept, conditional on `open`)
    or open -> unplaced (every shelter declined)."""

    class Meta(BaseMeta):
        table_name = table_name("referrals")

    referral_id = UnicodeAttribute(hash_key=True)
    client_code = UnicodeAttribute()
    gender = UnicodeAttribute()
    children = NumberAttribute(default=0)
    language = UnicodeAttribute(null=True)
    wheelchair = BooleanAttribute(default=False)
    asylum = BooleanAttribute(default=False)
    urgency = UnicodeAttribute()
    shelters = UnicodeSetAttribute()
    pending = NumberAttribute(default=0)  # offers not answered yet
    status = UnicodeAttribute(default="open")
    open_flag = UnicodeAttribute(null=True)  # "open" while open
    month = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()
    placed_shelter = UnicodeAttribute(null=True)
    placed_at = UTCDateTimeAttribute(null=True)
    placed_by = UnicodeAttribute(null=True)
    hold_id = UnicodeAttribute(null=True)
    escalated_at = UTCDateTimeAttribute(null=True)
    request_hash = UnicodeAttribute(null=True)
    open_index = OpenIndex()
    by_month = MonthIndex()


class ShelterIndex(GlobalSecondaryIndex):
    """A shelter's offers, newest first (the partner's list)."""

    class Meta:
        index_name = "by-shelter"
        projection = AllProjection()

    shelter_id = UnicodeAttribute(hash_key=True)
    sent_at = UTCDateTimeAttribute(range_key=True)


class Offer(BaseModel):
    """One shelter's copy of a referral and its answer. It carries the needs
    (never the client code, a name or another shelter) and the shelter's type
    for the statistics."""

    class Meta(BaseMeta):
        table_name = table_name("referral-offers")

    referral_id = UnicodeAttribute(hash_key=True)
    shelter_id = UnicodeAttribute(range_key=True)
    shelter_kind = UnicodeAttribute()
    sent_at = UTCDateTimeAttribute()
    gender = UnicodeAttribute()
    children = NumberAttribute(default=0)
    language = UnicodeAttribute(null=True)
    wheelchair = BooleanAttribute(default=False)
    asylum = BooleanAttribute(default=False)
    urgency = UnicodeAttribute()
    status = UnicodeAttribute(default="open")  # open, accepted, declined, withdrawn
    answered_at = UTCDateTimeAttribute(null=True)
    answered_by = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)  # a DECLINE_REASONS code
    by_shelter = ShelterIndex()


class ReferralCounts(BaseModel):
    """Counts of one year, added to in each answer's transaction: `key` is
    `sent#<YYYY-MM>`, `placed#<YYYY-MM>`, `unplaced#<YYYY-MM>`,
    `declined#<reason>#<YYYY-MM>`, `declined-type#<kind>#<YYYY-MM>`,
    `placed-type#<kind>#<YYYY-MM>`; `minutes` sums the time from referral to
    placement of the `placed` items."""

    class Meta(BaseMeta):
        table_name = table_name("referral-counts")

    year = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)
    number = NumberAttribute(default=0)
    minutes = NumberAttribute(default=0)
