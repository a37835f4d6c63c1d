"""Any order and any repetition of a set of events gives the same totals as
one clean delivery (property-based, against moto's DynamoDB). Each example
uses its own ids, so examples need no table reset."""
from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.db import put_if_absent
from chalicelib.donations.models import Campaign, Donation
from chalicelib.donations.webhook import handle_event
from tests.donations.conftest import balance, event

RUNS = itertools.count()


def make_events(tag: str) -> list[dict]:
    def pay(pi, amount, status="paid", **extra):
        return {"id": f"cs_{pi}", "mode": "payment", "payment_status": status,
                "amount_total": amount, "currency": "nok", "payment_intent": pi,
                "customer_details": {"email": None}, **extra}

    def refund(pi, total, amount):
        return {"id": f"ch_{pi}", "payment_intent": pi, "amount": amount,
                "amount_refunded": total, "currency": "nok"}

    def invoice(n, first):
        return {"id": f"in_{tag}_{n}", "amount_paid": 250_00, "currency": "nok",
                "billing_reason": "subscription_create" if first else "subscription_cycle",
                "payment_intent": f"pi_{tag}_inv{n}", "subscription": f"sub_{tag}",
                "subscription_details": {"metadata": {"fund_id": "christmas",
                                                      "campaign_id": f"c-{tag}"}}}

    one, two = f"pi_{tag}_1", f"pi_{tag}_2"
    meta = {"metadata": {"fund_id": "christmas", "campaign_id": f"c-{tag}"}}
    objects = [
        ("checkout.session.completed", pay(one, 1000_00, **meta)),
        ("charge.refunded", refund(one, 400_00, 1000_00)),
        ("charge.refunded", refund(one, 700_00, 1000_00)),
        ("charge.dispute.created", {"id": f"dp_{tag}", "payment_intent": one,
                                    "amount": 300_00, "currency": "nok",
                                    "reason": "general"}),
        ("checkout.session.completed", pay(two, 300_00, "unpaid")),
        ("checkout.session.async_payment_succeeded", pay(two, 300_00)),
        ("charge.refunded", refund(two, 300_00, 300_00)),
        ("invoice.paid", invoice(1, True)),
        ("invoice.paid", invoice(2, False)),
    ]
    return [event(f"evt_{tag}_{i}", kind, obj) for i, (kind, obj) in enumerate(objects)]


def deliver_all(events: list[dict], order: list[int], tag: str) -> dict:
    put_if_absent(Campaign(f"c-{tag}", names={"en": "Christmas"}, fund_id="christmas",
                           goal=100_000_00, starts="2000-01-01", ends="2099-12-31",
                           active=True, raised=0, donors=0))
    before = {fund: balance(fund) for fund in ("general", "christmas")}
    for index in order:
        handle_event(events[index])
    campaign = Campaign.get(f"c-{tag}")
    keys = [f"pi_{tag}_1", f"pi_{tag}_2", f"pi_{tag}_inv1", f"pi_{tag}_inv2"]
    donations = [Donation.get(key) for key in keys]
    return {
        "funds": {fund: balance(fund) - start for fund, start in before.items()},
        "raised": int(campaign.raised), "donors": int(campaign.donors),
        "donations": [(int(d.amount), int(d.refunded), d.dispute_state, d.status)
                      for d in donations],
    }


def clean_delivery() -> dict:
    tag = f"clean{next(RUNS)}"
    events = make_events(tag)
    return deliver_all(events, list(range(len(events))), tag)


@pytest.fixture
def expected(funds):
    return clean_delivery()


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_shuffled_and_repeated_deliveries_give_the_clean_totals(expected, data):
    tag = f"run{next(RUNS)}"
    events = make_events(tag)
    counts = data.draw(st.lists(st.integers(1, 3), min_size=len(events),
                                max_size=len(events)))
    order = data.draw(st.permutations(
        [i for i, count in enumerate(counts) for _ in range(count)]))
    assert deliver_all(events, order, tag) == expected


def test_the_clean_delivery_counts_what_finance_expects(expected):
    assert expected["funds"] == {"general": 0,
                                 "christmas": 1000_00 - 700_00 + 300_00 - 300_00 + 500_00}
    assert (expected["raised"], expected["donors"]) == (800_00, 2)  # one-off + monthly
    assert expected["donations"][0] == (1000_00, 700_00, "open", "credited")
