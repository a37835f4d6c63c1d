"""Shelter tables. The registry item carries what anyone with access to the
board may see (counts, criteria); the confidential address and contact live
in their own table, read only by coordinator and admin code paths."""

from datetime import UTC, datetime

from pynamodb.attributes import (
    BooleanAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection

from chalicelib.db import BaseMeta, BaseModel, table_name

COUNTS_BOARD = "shelters"  # the one partition of the counts-age index
NEVER_CONFIRMED = "0"  # sorts before every time


def counts_key(moment: datetime) -> str:
    """When counts were confirmed, as the index sorts it (whole seconds, UTC)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


class CountsAgeIndex(GlobalSecondaryIndex):
    """Every shelter by when its counts were confirmed: the shelters with
    unknown counts are one COUNT query (the coordinators' menu badge)."""

    class Meta:
        index_name = "by-counts-age"
        projection = KeysOnlyProjection()

    board = UnicodeAttribute(hash_key=True)
    counts_at = UnicodeAttribute(range_key=True)


class Shelter(BaseModel):
    """One shelter and its live bed state. `holds` maps each active hold id
    to its expiry (epoch seconds); expired entries are ignored when read and
    pruned on the next write. Every write of counts or holds bumps `version`
    and is conditional on it, so free + held + occupied = total holds."""

    class Meta(BaseMeta):
        table_name = table_name("shelters")

    shelter_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    organisation = UnicodeAttribute(default="")
    kind = UnicodeAttribute()  # one of rules.SHELTER_TYPES
    region = UnicodeAttribute()
    municipality = UnicodeAttribute(default="")
    total = NumberAttribute(default=0)
    occupied = NumberAttribute(default=0)  # every occupant, stays included
    stays_active = NumberAttribute(default=0)  # occupants placed through us
    holds: MapAttribute = MapAttribute(default=dict)  # {hold_id: expiry epoch}
    accepts_women = BooleanAttribute(default=True)
    accepts_men = BooleanAttribute(default=False)
    accepts_trans = BooleanAttribute(default=False)
    children_max = NumberAttribute(default=0)  # 0: no children
    wheelchair = BooleanAttribute(default=False)
    languages = UnicodeSetAttribute(null=True)  # ISO codes: nb, en, es ...
    asylum = BooleanAttribute(default=False)  # accepts people seeking asylum
    max_stay_days = NumberAttribute(null=True)
    notes = UnicodeAttribute(default="")
    confirmed_at = UTCDateTimeAttribute(null=True)
    confirmed_by = UnicodeAttribute(null=True)
    request_hash = UnicodeAttribute(null=True)  # what a keyed registration asked for
    board = UnicodeAttribute(null=True)  # COUNTS_BOARD: in the counts-age index
    counts_at = UnicodeAttribute(null=True)  # counts_key(confirmed_at) or "0"
    by_counts_age = CountsAgeIndex()
    version = VersionAttribute()


class ShelterSecret(BaseModel):
    """The confidential part of a shelter: never loaded for board or search."""

    class Meta(BaseMeta):
        table_name = table_name("shelter-secrets")

    shelter_id = UnicodeAttribute(hash_key=True)
    address = UnicodeAttribute(default="")
    contact = UnicodeAttribute(default="")
    email = UnicodeAttribute(null=True)  # gets the evening count link


class HoldClientIndex(GlobalSecondaryIndex):
    """A client's holds, newest first (the client overview)."""

    class Meta:
        index_name = "by-client"
        projection = AllProjection()

    client_code = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class Hold(BaseModel):
    """One bed held for a client code until `expires_at`. Its stored status
    stays `active` after expiry: expiry is a fact of time, read as such."""

    class Meta(BaseMeta):
        table_name = table_name("shelter-holds")

    hold_id = UnicodeAttribute(hash_key=True)
    shelter_id = UnicodeAttribute()
    client_code = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    expires_at = UTCDateTimeAttribute()
    status = UnicodeAttribute(default="active")  # active, released, checked_in
    created_by = UnicodeAttribute()
    stay_id = UnicodeAttribute(null=True)
    request_hash = UnicodeAttribute(null=True)  # what a keyed request asked for
    by_client = HoldClientIndex()


class ClientIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-client"
        projection = AllProjection()

    client_code = UnicodeAttribute(hash_key=True)
    started_at = UTCDateTimeAttribute(range_key=True)


class ActiveStayIndex(GlobalSecondaryIndex):
    """Sparse: only stays that have not ended carry `active_shelter`."""

    class Meta:
        index_name = "active-by-shelter"
        projection = AllProjection()

    active_shelter = UnicodeAttribute(hash_key=True)
    started_at = UTCDateTimeAttribute(range_key=True)


class Stay(BaseModel):
    """A client's stay in a shelter, from check-in to checkout."""

    class Meta(BaseMeta):
        table_name = table_name("shelter-stays")

    stay_id = UnicodeAttribute(hash_key=True)
    shelter_id = UnicodeAttribute()
    client_code = UnicodeAttribute()
    hold_id = UnicodeAttribute()
    started_at = UTCDateTimeAttribute()
    ended_at = UTCDateTimeAttribute(null=True)
    nights = NumberAttribute(null=True)
    active_shelter = UnicodeAttribute(null=True)
    by_client = ClientIndex()
    active_by_shelter = ActiveStayIndex()


class BedNights(BaseModel):
    """Bed-nights of one year, one item per shelter or type and month, added
    to at each checkout: `key` is `shelter#<id>#<YYYY-MM>` or `type#<kind>#...`."""

    class Meta(BaseMeta):
        table_name = table_name("shelter-bed-nights")

    year = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)
    nights = NumberAttribute(default=0)


class CountLinkUse(BaseModel):
    """A count confirmed through a mailed link: one per shelter and Oslo day
    (the link's day), written only if absent, in the confirmation's
    transaction, so a link cannot be used twice nor a second link that day."""

    class Meta(BaseMeta):
        table_name = table_name("shelter-link-uses")

    shelter_id = UnicodeAttribute(hash_key=True)
    day = UnicodeAttribute(range_key=True)  # YYYY-MM-DD in Oslo
    used_at = UTCDateTimeAttribute()
    free = NumberAttribute()
    expires = TTLAttribute()
