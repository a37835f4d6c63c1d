from pynamodb.attributes import (
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)

from chalicelib.db import BaseMeta, BaseModel, table_name


class LocalUser(BaseModel):
    """A user of the local identity provider (the `local` stage only)."""

    class Meta(BaseMeta):
        table_name = table_name("local-users")
        local_only = True  # prod users live in Cognito

    email = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    roles = UnicodeSetAttribute()
    shelters = UnicodeSetAttribute(null=True)  # a `shelter` user's shelter ids


class RevokedSession(BaseModel):
    """A session ended by logout (key: the token's id), or a user's cut-off
    (key `user#<sub>`, set when their roles change or they are removed):
    tokens issued before `not_before` are refused. Kept until the longest
    token would have expired."""

    class Meta(BaseMeta):
        table_name = table_name("revoked-sessions")

    session_id = UnicodeAttribute(hash_key=True)
    not_before = NumberAttribute(null=True)  # epoch seconds (user cut-offs)
    expires = TTLAttribute()


class RateCounter(BaseModel):
    """A counter per key and time window (sign-ups), or of wrong logins per
    account or address with the time of the last (`last`, epoch seconds)."""

    class Meta(BaseMeta):
        table_name = table_name("rate-counters")

    key = UnicodeAttribute(hash_key=True)
    hits = NumberAttribute(default=0)
    last = NumberAttribute(null=True)
    expires = TTLAttribute()
