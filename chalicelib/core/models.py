from pynamodb.attributes import (
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.db import BaseMeta, BaseModel, table_name


class OutboxByStatus(GlobalSecondaryIndex):
    """Messages waiting for a retry or given up, by when they are due. Kept
    messages (local stages) have no `due` and are not in it."""

    class Meta:
        index_name = "by-status"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    due = UnicodeAttribute(range_key=True)  # ISO time


class OutboxMessage(BaseModel):
    """An email not (yet) sent: `kept` instead of sent (local and test stages),
    `pending` after a failed send (retried by the outbox job), `failed` after
    the last try (shown on /staff/operations). A sent message is deleted."""

    class Meta(BaseMeta):
        table_name = table_name("outbox")

    message_id = UnicodeAttribute(hash_key=True)
    to = UnicodeAttribute()
    subject = UnicodeAttribute()
    body = UnicodeAttribute()
    sender = UnicodeAttribute(null=True)
    status = UnicodeAttribute(default="kept")  # kept | pending | failed
    attempts = NumberAttribute(default=0)
    due = UnicodeAttribute(null=True)  # next try (pending), given up at (failed)
    last_error = UnicodeAttribute(null=True)  # an SES error code, never a text
    created_at = UTCDateTimeAttribute()
    expires = TTLAttribute(null=True)
    by_status = OutboxByStatus()


class JobRun(BaseModel):
    """One run of a scheduled job for one period (`nightly-reconcile`,
    `2026-12-02`): written with a condition, so a second start of the same
    period does nothing."""

    class Meta(BaseMeta):
        table_name = table_name("job-runs")

    job = UnicodeAttribute(hash_key=True)
    period = UnicodeAttribute(range_key=True)
    status = UnicodeAttribute()  # requested | running | done | failed
    started_at = UTCDateTimeAttribute(null=True)
    finished_at = UTCDateTimeAttribute(null=True)
    result = UnicodeAttribute(null=True)  # JSON summary, no personal data
    expires = TTLAttribute(null=True)


class LegalHold(BaseModel):
    """A client code whose records retention must not anonymise (an
    investigation, a court case): placed and lifted by an admin."""

    class Meta(BaseMeta):
        table_name = table_name("legal-holds")

    client_code = UnicodeAttribute(hash_key=True)
    placed_by = UnicodeAttribute()
    placed_at = UTCDateTimeAttribute()
