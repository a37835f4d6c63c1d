"""Portal fixtures: gifts of every channel recorded for one donor."""
from __future__ import annotations

import pytest

from chalicelib.audit.service import Actor
from chalicelib.core.clock import oslo_date
from chalicelib.donations.settings import donation_settings
from chalicelib.donations.webhook import handle_event
from chalicelib.funds import demo as funds_demo
from chalicelib.gifts.service import GiftInput, record_gift
from tests.donations.conftest import event, invoice_paid, session_completed, spec_object

DONOR = "kari@example.org"
FINANCE = Actor("u-finance", ("finance",))


@pytest.fixture(autouse=True)
def portal_env(monkeypatch):
    monkeypatch.delenv("STRIPE_SECRET_KEY", raising=False)
    donation_settings.cache_clear()
    yield
    donation_settings.cache_clear()


@pytest.fixture
def gifts():
    """Kari's card gift (500 kr), her monthly card gift (200 kr, sub_1), a
    bank transfer (1 000 kr); someone else's card gift (300 kr)."""
    funds_demo.load()
    handle_event(event("evt_0", "checkout.session.completed", spec_object(
        "checkout.session", id="cs_sub", mode="subscription", subscription="sub_1",
        payment_status="paid", status="complete", amount_total=200_00,
        currency="nok", payment_intent=None,
        metadata={"fund_id": "general", "lang": "nb", "thanks": "0"})))
    handle_event(event("evt_1", "checkout.session.completed",
                       session_completed(1, 500, email="Kari@Example.org")))
    monthly = invoice_paid(2, 200, "general", first=True)
    monthly["customer_email"] = DONOR
    handle_event(event("evt_2", "invoice.paid", monthly))
    handle_event(event("evt_3", "checkout.session.completed",
                       session_completed(3, 300, email="ola@example.org")))
    this_year = oslo_date().year  # every gift of the fixture in one income year
    record_gift(GiftInput("general", "bank", "BANK-77", f"{this_year}-01-01",
                          1000_00, "Kari Nordmann", DONOR), FINANCE)


REFERENCE = "mnd-" + "ab" * 16


@pytest.fixture
def vipps_gift(gifts):
    """Kari's monthly Vipps gift of 150 kr, its first month paid."""
    from chalicelib.core.clock import now_utc
    from chalicelib.donations.models import Donation, MonthlyGift

    MonthlyGift(REFERENCE, channel="vipps", version=1, status="active", ended=False,
                fund_id="general", amount=150_00, email=DONOR, lang="nb",
                agreement_id="agr_1", vipps_active="active",
                next_due="2099-01-06").save()
    moment = now_utc()
    Donation(f"{REFERENCE}-{moment:%Y%m}", version=1, status="credited",
             credited=True, amount=150_00, channel="vipps", frequency="monthly",
             fund_id="general", email=DONOR, email_key=DONOR,
             subscription_id=REFERENCE, month=f"{moment:%Y-%m}",
             credited_at=moment.isoformat(timespec="seconds")).save()
