"""Each donor's yearly total for the tax deduction is kept by the money's own
transactions: card, Vipps and bank gifts add, refunds subtract, a retried
event or gift adds once, and the kept totals match a count made from the
donations and gifts themselves."""
from __future__ import annotations

import json

import pytest

from chalicelib.donations.models import Donation
from chalicelib.tax import requests, totals
from chalicelib.tax.models import TaxTotal
from chalicelib.vipps import webhook as vipps_webhook
from tests.conftest import bearer
from tests.donations.conftest import (  # noqa: F401 - fixtures
    charge_refunded,
    deliver,
    donation_env,
    event,
    session_completed,
)
from tests.money_helpers import make_fund
from tests.tax.helpers import PERSON
from tests.vipps.conftest import (  # noqa: F401 - fixtures
    local_vipps,
    vipps_api,
    vipps_env,
    webhook_event,
)

KARI = "kari@example.org"


@pytest.fixture
def funds():
    from chalicelib.funds import demo

    demo.load()
    make_fund("victims")


def this_year() -> int:
    return totals.oslo_date().year


def card_gift(client, n: int, nok: int, email: str = KARI):
    return deliver(client, event(f"evt_card_{n}", "checkout.session.completed",
                                 session_completed(n, nok, email=email)))


def card_refund(client, n: int, refunded_nok: int, amount_nok: int, tag: str = "a"):
    return deliver(client, event(f"evt_refund_{n}_{tag}", "charge.refunded",
                                 charge_refunded(n, refunded_nok, amount_nok)))


def bank_gift(client, reference: str, nok: int, email: str | None = KARI,
              date: str | None = None):
    body = {"amount": nok * 100, "fund_id": "victims", "channel": "bank",
            "reference": reference, "date": date or f"{this_year()}-01-15",
            "donor_name": "Kari Nordmann"}
    if email:
        body["donor_email"] = email
    return client.post("/api/gifts", body=json.dumps(body), headers=bearer("finance"))


def vipps_gift(local_vipps, reference: str, amount: int, email: str = KARI):  # noqa: F811
    Donation(reference, version=1, status="pending", credited=False, amount=amount,
             currency="NOK", channel="vipps", frequency="once", fund_id="general",
             lang="nb", email=email, vipps_open="open",
             opened_at=totals.datetime.now(totals.UTC).isoformat()).save()
    local_vipps.payments[reference] = {"state": "CREATED", "amount": amount,
                                       "captured": 0}
    local_vipps.approve(reference)
    vipps_webhook.handle(webhook_event(reference, "CAPTURED", amount, psp="p-cap"))


def kept(email: str = KARI) -> tuple[int, int, int]:
    found = totals.total_of(this_year(), email)
    return found.amount, found.refunded, found.gifts


def test_a_card_gift_adds_to_the_donors_total_for_the_year(client, funds):
    card_gift(client, 1, 750)
    assert kept() == (750_00, 0, 1)


def test_the_same_card_event_delivered_twice_adds_once(client, funds):
    card_gift(client, 1, 750)
    card_gift(client, 1, 750)
    assert kept() == (750_00, 0, 1)


def test_a_refund_subtracts_once_even_when_its_event_comes_again(client, funds):
    card_gift(client, 1, 1000)
    card_refund(client, 1, 400, 1000)
    card_refund(client, 1, 400, 1000)
    assert kept() == (1000_00, 400_00, 1)
    assert totals.total_of(this_year(), KARI).net == 600_00


def test_a_bank_gift_with_the_donors_email_adds_once_when_sent_twice(client, funds):
    assert bank_gift(client, "BANK-1", 300).status_code == 201
    assert bank_gift(client, "BANK-1", 300).status_code == 200
    assert kept() == (300_00, 0, 1)


def test_a_bank_gift_counts_in_the_year_the_money_arrived(client, funds):
    bank_gift(client, "BANK-OLD", 900, date=f"{this_year() - 1}-12-30")
    assert kept() == (0, 0, 0)
    assert totals.total_of(this_year() - 1, KARI).amount == 900_00


def test_a_bank_gift_without_an_email_belongs_to_no_donor(client, funds):
    bank_gift(client, "BANK-ANON", 5000, email=None)
    assert list(TaxTotal.scan()) == []


def test_a_vipps_gift_adds_once_and_its_refund_subtracts(client, funds,
                                                         local_vipps):  # noqa: F811
    vipps_gift(local_vipps, "tax-vipps-000001", 250_00)
    vipps_webhook.handle(webhook_event("tax-vipps-000001", "CAPTURED", 250_00,
                                       psp="p-cap"))
    assert kept() == (250_00, 0, 1)
    vipps_webhook.handle(webhook_event("tax-vipps-000001", "REFUNDED", 50_00,
                                       psp="p-ref"))
    assert kept() == (250_00, 50_00, 1)


def test_the_email_in_any_case_is_one_tax_unit(client, funds):
    card_gift(client, 1, 200, email="Kari@Example.org")
    bank_gift(client, "BANK-2", 300, email=" KARI@example.ORG ")
    assert kept() == (500_00, 0, 2)
    [only] = TaxTotal.scan()
    assert only.email == KARI


def test_gifts_given_before_the_request_count_for_it(client, funds):
    card_gift(client, 1, 400)
    requests.submit(requests.Deduction(KARI, this_year(), "person", "Kari", PERSON))
    card_gift(client, 2, 200)
    [request] = requests.for_year(this_year())
    assert totals.totals_of_year(this_year())[str(request.unit_key)].net == 600_00


def test_mixed_channels_refunds_and_donors_match_a_count_from_the_gifts(
        client, funds, local_vipps):  # noqa: F811
    card_gift(client, 1, 1000)
    card_gift(client, 2, 250, email="ola@example.org")
    card_gift(client, 3, 600)
    card_refund(client, 3, 600, 600)
    bank_gift(client, "BANK-3", 1200)
    bank_gift(client, "BANK-4", 80, email="ola@example.org")
    vipps_gift(local_vipps, "tax-vipps-000002", 300_00, email="per@example.org")
    card_gift(client, 1, 1000)  # a retry
    expected = {KARI: (1000_00 + 600_00 + 1200_00, 600_00, 3),
                "ola@example.org": (250_00 + 80_00, 0, 2),
                "per@example.org": (300_00, 0, 1)}
    for email, sums in expected.items():
        assert kept(email) == sums
    assert totals.drift(this_year()) == {}
    assert len(totals.recount(this_year())) == 3


def test_a_payment_just_after_midnight_in_oslo_counts_for_the_new_year():
    assert totals.income_year("2025-12-31T23:30:00+00:00") == 2026
    assert totals.income_year("2025-12-31T22:30:00+00:00") == 2025
    assert totals.income_year("2026-06-30T22:30:00+00:00") == 2026


def test_drift_names_a_unit_whose_kept_total_differs_from_its_gifts(client, funds):
    card_gift(client, 1, 500)
    item = TaxTotal.get(str(this_year()), requests.unit_key(this_year(), KARI))
    item.update(actions=[TaxTotal.amount.add(1)])
    [(kept_sum, counted)] = totals.drift(this_year()).values()
    assert (kept_sum.amount, counted.amount) == (500_01, 500_00)
