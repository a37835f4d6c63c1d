from pynamodb.attributes import (
    BooleanAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.db import BaseMeta, BaseModel, table_name


class ByMonth(GlobalSecondaryIndex):
    """Credited donations of one month, oldest first (sparse: only credited)."""

    class Meta:
        index_name = "by-month"
        projection = AllProjection()

    month = UnicodeAttribute(hash_key=True)
    credited_at = UnicodeAttribute(range_key=True)


class ByDispute(GlobalSecondaryIndex):
    """Disputed donations (sparse: only those with a dispute)."""

    class Meta:
        index_name = "by-dispute"
        projection = AllProjection()

    dispute_state = UnicodeAttribute(hash_key=True)
    disputed_at = UnicodeAttribute(range_key=True)


class OpenVipps(GlobalSecondaryIndex):
    """Vipps payments started and not yet seen settled, oldest first (sparse:
    the marker goes when reconciliation finds them credited or closed)."""

    class Meta:
        index_name = "vipps-open"
        projection = AllProjection()

    vipps_open = UnicodeAttribute(hash_key=True)  # "open"
    opened_at = UnicodeAttribute(range_key=True)  # ISO time the payment began


class ByEmail(GlobalSecondaryIndex):
    """Credited donations of one donor (sparse: `email_key` is set when a
    donation with an email is credited), for the donor portal."""

    class Meta:
        index_name = "email-index"
        projection = AllProjection()

    email_key = UnicodeAttribute(hash_key=True)  # the email, lower case
    credited_at = UnicodeAttribute(range_key=True)


class Donation(BaseModel):
    """One payment by a donor, keyed by what Stripe's events share: the
    payment intent (`pi_...`), else the invoice (`in_...`). Refunds and
    disputes that arrive before the payment wait on the same record."""

    class Meta(BaseMeta):
        table_name = table_name("donations")

    donation_id = UnicodeAttribute(hash_key=True)
    version = NumberAttribute(default=0)  # optimistic lock of every change
    status = UnicodeAttribute(default="pending")  # pending, credited, failed
    credited = BooleanAttribute(default=False)
    amount = NumberAttribute(default=0)  # øre paid (gross)
    currency = UnicodeAttribute(default="NOK")
    refunded = NumberAttribute(default=0)  # øre refunded, the highest total seen
    refund_applied = NumberAttribute(default=0)  # øre taken out of the fund
    channel = UnicodeAttribute(default="stripe")
    frequency = UnicodeAttribute(default="once")  # once, monthly
    fund_id = UnicodeAttribute(null=True)
    campaign_id = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    email_key = UnicodeAttribute(null=True)  # lower case, set when credited
    wants_thanks = BooleanAttribute(default=False)
    thanks_name = UnicodeAttribute(null=True)
    lang = UnicodeAttribute(default="nb")
    checkout_session = UnicodeAttribute(null=True)
    subscription_id = UnicodeAttribute(null=True)
    month = UnicodeAttribute(null=True)  # YYYY-MM, set when credited
    credited_at = UnicodeAttribute(null=True)  # ISO time, set when credited
    dispute_state = UnicodeAttribute(null=True)  # "open" while disputed
    disputed_at = UnicodeAttribute(null=True)
    dispute_reason = UnicodeAttribute(null=True)
    dispute_amount = NumberAttribute(null=True)
    # A payment intent that paid an invoice: its record only points to the
    # invoice's donation (`in_...`), where its refunds and disputes belong.
    alias_of = UnicodeAttribute(null=True)
    refund_parts: MapAttribute = MapAttribute(default=dict)  # re_... -> øre
    vipps_open = UnicodeAttribute(null=True)  # "open" from start to settled
    opened_at = UnicodeAttribute(null=True)
    charge_due = UnicodeAttribute(null=True)  # a Vipps monthly charge made: its due day
    by_month = ByMonth()
    open_vipps = OpenVipps()
    by_dispute = ByDispute()
    by_email = ByEmail()

    @property
    def net(self) -> int:
        return int(self.amount) - int(self.refunded)


class Campaign(BaseModel):
    """An appeal with a goal, dates and a fund; totals kept by each credit."""

    class Meta(BaseMeta):
        table_name = table_name("campaigns")

    campaign_id = UnicodeAttribute(hash_key=True)
    names: MapAttribute = MapAttribute(default=dict)  # {"nb", "en", "es"}
    fund_id = UnicodeAttribute()
    goal = NumberAttribute()  # øre
    starts = UnicodeAttribute()  # YYYY-MM-DD
    ends = UnicodeAttribute()  # YYYY-MM-DD
    active = BooleanAttribute(default=True)
    raised = NumberAttribute(default=0)  # øre, net of refunds
    donors = NumberAttribute(default=0)  # one-off gifts and new monthly donors

    def name(self, lang: str) -> str:
        names = (
            self.names.as_dict() if hasattr(self.names, "as_dict") else dict(self.names)
        )
        return str(names.get(lang) or names.get("en") or self.campaign_id)


class DueAgreements(GlobalSecondaryIndex):
    """Active Vipps agreements by the due day of their next charge (sparse:
    only while the agreement is active)."""

    class Meta:
        index_name = "vipps-due"
        projection = AllProjection()

    vipps_active = UnicodeAttribute(hash_key=True)  # "active"
    next_due = UnicodeAttribute(range_key=True)  # YYYY-MM-DD


class MonthlyGift(BaseModel):
    """A monthly donation agreement: a Stripe subscription (`sub_...`), or a
    Vipps Recurring agreement keyed by our reference (`mnd-...`), with a
    pointer item `agr_...` -> reference (`alias_of`) for Vipps's events."""

    class Meta(BaseMeta):
        table_name = table_name("monthly-gifts")

    subscription_id = UnicodeAttribute(hash_key=True)
    ended = BooleanAttribute(default=False)
    fund_id = UnicodeAttribute(null=True)
    campaign_id = UnicodeAttribute(null=True)
    amount = NumberAttribute(null=True)
    started_at = UnicodeAttribute(null=True)
    ended_at = UnicodeAttribute(null=True)
    paused = BooleanAttribute(default=False)  # collection paused by the donor
    changed_at = UnicodeAttribute(null=True)  # the donor's last change (portal)
    # Vipps Recurring (chalicelib/vipps/agreements.py); Stripe leaves these empty
    channel = UnicodeAttribute(default="stripe")
    version = NumberAttribute(default=0)
    status = UnicodeAttribute(null=True)  # pending, active, stopped, expired, rejected
    alias_of = UnicodeAttribute(null=True)  # on an `agr_...` pointer: the reference
    agreement_id = UnicodeAttribute(null=True)
    confirmation_url = UnicodeAttribute(null=True)
    first_charge = UnicodeAttribute(null=True)  # the initial charge's id
    wants_thanks = BooleanAttribute(default=False)
    thanks_name = UnicodeAttribute(null=True)
    lang = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    charge_day = NumberAttribute(null=True)  # day of month charges fall due (1-28)
    charged_through = UnicodeAttribute(null=True)  # YYYY-MM of the last charge made
    vipps_active = UnicodeAttribute(null=True)
    next_due = UnicodeAttribute(null=True)
    due_agreements = DueAgreements()


class StripeEvent(BaseModel):
    """A webhook event already handled; written with its effects."""

    class Meta(BaseMeta):
        table_name = table_name("stripe-events")

    event_id = UnicodeAttribute(hash_key=True)
    event_type = UnicodeAttribute()
    handled_at = UnicodeAttribute()
    expires = TTLAttribute()  # Stripe retries for 3 days; kept for 90


class DonationTotal(BaseModel):
    """Totals kept by every credit and refund, so that lists and yearly
    figures read a few small items instead of every donation of a period.

    Under `year` (YYYY of the credit's day in Oslo), by `key`:
    - `day#YYYY-MM-DD#<fund>#<channel>#<campaign or ->`: donations credited
      that day in Oslo (the day of `Donation.credited_at` there, as the
      donation list and the export read days), øre paid and øre refunded
      since (a refund counts on the day its donation was credited);
    - `donor#<digest>`: one marker per donor of the year (a digest of the
      email, else the subscription or payment id; never the email itself);
    - `thanks#<name>`: øre net from donors who agreed to be thanked by name.
    """

    class Meta(BaseMeta):
        table_name = table_name("donation-totals")

    year = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)
    donations = NumberAttribute(default=0)
    amount = NumberAttribute(default=0)
    refunded = NumberAttribute(default=0)

    @property
    def net(self) -> int:
        return int(self.amount) - int(self.refunded)


class WebhookAttention(BaseModel):
    """A signed Stripe event that was acknowledged but moved no money because
    what it says does not fit (amount, currency, mode, account, fund): for
    finance to look at. One partition: they are few."""

    class Meta(BaseMeta):
        table_name = table_name("webhook-attention")

    state = UnicodeAttribute(hash_key=True)  # "open"
    recorded = UnicodeAttribute(range_key=True)  # "<ISO time>#<event id>"
    event_id = UnicodeAttribute()
    event_type = UnicodeAttribute()
    reason = UnicodeAttribute()  # a code of chalicelib.donations.checks.REASONS
    object_id = UnicodeAttribute(null=True)  # cs_/in_/ch_/re_/dp_ id
    amount = NumberAttribute(null=True)
    currency = UnicodeAttribute(null=True)
    fund_id = UnicodeAttribute(null=True)
