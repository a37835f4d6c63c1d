from pynamodb.attributes import TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.db import BaseMeta, BaseModel, table_name


class OutboxMessage(BaseModel):
    """An email kept instead of sent (local and test stages only)."""

    class Meta(BaseMeta):
        table_name = table_name("outbox")
        local_only = True

    message_id = UnicodeAttribute(hash_key=True)
    to = UnicodeAttribute()
    subject = UnicodeAttribute()
    body = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    expires = TTLAttribute(null=True)
