from pynamodb.attributes import UnicodeAttribute

from chalicelib.db import BaseMeta, BaseModel, table_name


class AuditEntry(BaseModel):
    """One append-only line: who did what to which record, never the data."""

    class Meta(BaseMeta):
        table_name = table_name("audit")

    day = UnicodeAttribute(hash_key=True)  # YYYY-MM-DD, UTC
    entry_id = UnicodeAttribute(range_key=True)  # ISO timestamp + random suffix
    actor = UnicodeAttribute()
    roles = UnicodeAttribute()
    action = UnicodeAttribute()
    record_type = UnicodeAttribute()
    record_id = UnicodeAttribute()
