"""Tables of the donor portal: one-time sign-in links and donor sessions.

Both are keyed by a digest of the secret the donor holds (the link's token,
the session cookie): a copy of the table opens nothing.
"""

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
)

from chalicelib.db import BaseMeta, BaseModel, table_name


class SignInLink(BaseModel):
    """A sign-in link mailed to a donor: usable once, until `expires_at`."""

    class Meta(BaseMeta):
        table_name = table_name("portal-links")

    link_id = UnicodeAttribute(hash_key=True)  # sha256 of the token in the link
    email = UnicodeAttribute()
    lang = UnicodeAttribute(default="nb")
    used = BooleanAttribute(default=False)
    expires_at = NumberAttribute()  # epoch seconds; checked by the consuming write
    expires = TTLAttribute()  # DynamoDB removes it a while after


class DonorSession(BaseModel):
    """A signed-in donor (the `donor` cookie), never a staff session."""

    class Meta(BaseMeta):
        table_name = table_name("portal-sessions")

    session_id = UnicodeAttribute(hash_key=True)  # sha256 of the cookie's value
    email = UnicodeAttribute()
    expires_at = NumberAttribute()  # epoch seconds
    expires = TTLAttribute()


class PortalChange(BaseModel):
    """One change a donor made (a monthly gift's amount, pause, stop...),
    keyed by the form's one-time key: the same form sent again finds it and
    is answered with the same confirmation, nothing done twice."""

    class Meta(BaseMeta):
        table_name = table_name("portal-changes")

    change_id = UnicodeAttribute(hash_key=True)  # from scope, donor and nonce
    fingerprint = UnicodeAttribute()  # what the form asked for
    action = UnicodeAttribute()
    subject = UnicodeAttribute(null=True)  # the monthly gift, the tax year, the name
    amount = NumberAttribute(null=True)  # øre, a new monthly amount
    done_at = UnicodeAttribute()
    expires = TTLAttribute()  # kept 30 days: longer than anyone resends a form
