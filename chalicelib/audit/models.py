from datetime import datetime

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.db import BaseMeta, BaseModel, table_name


class AuditEntry(BaseModel):
    """One append-only line: who did what to which record, never the data.
    `digest` is the SHA-256 of the entry's fields, so an edit shows."""

    class Meta(BaseMeta):
        table_name = table_name("audit")

    day = UnicodeAttribute(hash_key=True)  # YYYY-MM-DD, UTC
    entry_id = UnicodeAttribute(range_key=True)  # ISO timestamp + random suffix
    actor = UnicodeAttribute()
    roles = UnicodeAttribute()
    action = UnicodeAttribute()
    record_type = UnicodeAttribute()
    record_id = UnicodeAttribute()
    digest = UnicodeAttribute(null=True)  # null only in entries from before seals

    @property
    def at(self) -> datetime:
        """When the entry was written (from its id)."""
        return datetime.fromisoformat(str(self.entry_id).split("#")[0])


class AuditSeal(BaseModel):
    """The seal of one UTC day of the audit log, written the night after:
    how many entries it had, the hash over their digests in order, and the
    previous day's seal hash, so the seals form one chain."""

    class Meta(BaseMeta):
        table_name = table_name("audit-seals")

    day = UnicodeAttribute(hash_key=True)
    entries = NumberAttribute()  # how many entries the day had
    entries_hash = UnicodeAttribute()
    previous = UnicodeAttribute()  # the previous seal's seal_hash ("" for the first)
    seal_hash = UnicodeAttribute()
    sealed_at = UTCDateTimeAttribute()
