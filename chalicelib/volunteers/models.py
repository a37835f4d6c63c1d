"""Tables of the volunteers area. Dates are ISO strings (YYYY-MM-DD), task
times local Oslo time (YYYY-MM-DDTHH:MM). Counts and hour totals are kept in
`VolunteerTotal` by the writes themselves, so no view reads the history."""

from pynamodb.attributes import (
    BooleanAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.db import BaseMeta, BaseModel, table_name


class ByUser(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-user"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)


class Volunteer(BaseModel):
    """One volunteer. Clearance is dates only, never a certificate's contents.
    `version` guards every change (optimistic locking)."""

    class Meta(BaseMeta):
        table_name = table_name("volunteers")

    volunteer_id = UnicodeAttribute(hash_key=True)
    version = NumberAttribute(default=1)
    name = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    languages: MapAttribute = MapAttribute(default=dict)  # {"es": "native"}
    skills = UnicodeSetAttribute(null=True)
    availability = UnicodeSetAttribute(null=True)  # weekdays, evenings, weekends
    region = UnicodeAttribute(null=True)
    lang = UnicodeAttribute(default="nb")  # the language we write to them in
    consent_at = UTCDateTimeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    status = UnicodeAttribute(default="applicant")
    declaration_signed_on = UnicodeAttribute(null=True)
    police_seen_on = UnicodeAttribute(null=True)
    police_expires_on = UnicodeAttribute(null=True)
    user_id = UnicodeAttribute(null=True)  # the login linked to this volunteer
    by_user = ByUser()
    anonymised = BooleanAttribute(default=False)


class VolunteerEmail(BaseModel):
    """One sign-up per email: the key is a SHA-256 of the normalised address."""

    class Meta(BaseMeta):
        table_name = table_name("volunteer-emails")

    email_hash = UnicodeAttribute(hash_key=True)
    volunteer_id = UnicodeAttribute()


class VolunteerMatch(BaseModel):
    """A copy of what matching needs, one row per (language, skill) pair of a
    volunteer plus wildcard rows ("es#*", "*#driving", "*#*"), so the eligible
    list is one Query whatever the number of volunteers."""

    class Meta(BaseMeta):
        table_name = table_name("volunteer-match")

    match_key = UnicodeAttribute(hash_key=True)  # "<language|*>#<skill|*>"
    volunteer_id = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute()
    status = UnicodeAttribute()
    level = UnicodeAttribute(null=True)
    availability = UnicodeSetAttribute(null=True)
    region = UnicodeAttribute(null=True)
    cleared_until = UnicodeAttribute(null=True)  # police expiry if declaration signed


class ByVolunteer(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-volunteer"
        projection = AllProjection()

    volunteer_id = UnicodeAttribute(hash_key=True)
    starts_at = UnicodeAttribute(range_key=True)


class Task(BaseModel):
    """A task; places in general terms only (never a shelter or an address)."""

    class Meta(BaseMeta):
        table_name = table_name("volunteer-tasks")

    task_id = UnicodeAttribute(hash_key=True)
    what = UnicodeAttribute()
    starts_at = UnicodeAttribute()
    minutes = NumberAttribute(default=120)
    place = UnicodeAttribute()
    region = UnicodeAttribute(null=True)
    language = UnicodeAttribute(null=True)
    skill = UnicodeAttribute(null=True)
    client_facing = BooleanAttribute(default=False)
    status = UnicodeAttribute(default="open")  # open, assigned, accepted, cancelled
    volunteer_id = UnicodeAttribute(null=True)
    by_volunteer = ByVolunteer()
    declined_by = UnicodeSetAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()


class HoursEntry(BaseModel):
    """Hours on one task; the entry id makes logging idempotent."""

    class Meta(BaseMeta):
        table_name = table_name("volunteer-hours")

    volunteer_id = UnicodeAttribute(hash_key=True)
    entry_id = UnicodeAttribute(range_key=True)  # "<task id>#<entry key>"
    task_id = UnicodeAttribute()
    minutes = NumberAttribute()
    worked_on = UnicodeAttribute()  # YYYY-MM-DD
    logged_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


class VolunteerTotal(BaseModel):
    """Maintained totals: ("all"|"volunteer#<id>", "2026"|"2026-11") minutes,
    and ("tasks", "open-unassigned") count."""

    class Meta(BaseMeta):
        table_name = table_name("volunteer-totals")

    scope = UnicodeAttribute(hash_key=True)
    period = UnicodeAttribute(range_key=True)
    value = NumberAttribute(default=0)
