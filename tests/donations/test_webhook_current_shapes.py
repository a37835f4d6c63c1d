"""Stripe's current event shapes (API 2025-03-31 "basil" and later): a monthly
payment is an InvoicePayment, refunds and disputes name only the payment
intent; finance still sees every krone where it belongs, in any order."""
from __future__ import annotations

import itertools

import pytest

from chalicelib.donations.models import Donation
from chalicelib.donations.webhook import handle_event
from tests.donations.conftest import (
    SPEC,
    balance,
    charge_refunded,
    dispute,
    event,
    invoice_paid,
    invoice_payment_paid,
    refund,
)

CHRISTMAS = 15_000_00


def monthly_events(tag: str) -> list[dict]:
    """A 500 kr monthly payment, then 200 kr and 100 kr refunded, then disputed."""
    n, intent = f"{tag}", f"pi_{tag}"
    return [
        event(f"evt_{tag}_inv", "invoice.paid", invoice_paid(n, 500, "christmas", True)),
        event(f"evt_{tag}_pay", "invoice_payment.paid",
              invoice_payment_paid(n, 500, intent)),
        event(f"evt_{tag}_r1", "refund.created", refund(f"re_{tag}_1", 200, intent)),
        event(f"evt_{tag}_ch", "charge.refunded",
              charge_refunded(0, 300, 500, intent=intent)),
        event(f"evt_{tag}_r2", "refund.created", refund(f"re_{tag}_2", 100, intent)),
        event(f"evt_{tag}_dp", "charge.dispute.created", dispute(f"dp_{tag}", 200, intent)),
    ]


RUNS = itertools.count()


@pytest.mark.parametrize("order", list(itertools.permutations(range(6)))[::37])
def test_refunds_and_a_dispute_of_a_monthly_gift_reach_its_fund_in_any_order(
        funds, order):
    tag = f"m{next(RUNS)}"
    events = monthly_events(tag)
    for index in order:
        handle_event(events[index])
    for index in order:  # Stripe delivers again: nothing changes
        handle_event(events[index])
    assert balance("christmas") == CHRISTMAS + 500_00 - 300_00
    donation = Donation.get(f"in_{tag}")
    assert (int(donation.amount), int(donation.refunded)) == (500_00, 300_00)
    assert donation.dispute_state == "open"
    assert Donation.get(f"pi_{tag}").alias_of == f"in_{tag}"


def test_a_refund_of_a_one_off_gift_arriving_as_refund_created_is_applied_once(funds):
    from tests.donations.conftest import session_completed

    handle_event(event("evt_o1", "checkout.session.completed",
                       session_completed(51, 1000)))
    handle_event(event("evt_o2", "refund.created", refund("re_o", 400, "pi_51")))
    handle_event(event("evt_o3", "refund.updated", refund("re_o", 400, "pi_51")))
    handle_event(event("evt_o4", "charge.refunded", charge_refunded(51, 400, 1000)))
    assert balance("general") == 250_000_00 + 600_00


def test_a_refund_that_has_not_succeeded_moves_no_money(funds):
    from tests.donations.conftest import session_completed

    handle_event(event("evt_p1", "checkout.session.completed",
                       session_completed(52, 1000)))
    handle_event(event("evt_p2", "refund.created",
                       refund("re_p", 400, "pi_52", status="pending")))
    assert balance("general") == 250_000_00 + 1000_00


def test_a_closed_dispute_leaves_the_open_disputes_list_even_if_it_came_first(funds):
    from chalicelib.donations.reports import open_disputes
    from tests.donations.conftest import session_completed

    handle_event(event("evt_c1", "checkout.session.completed",
                       session_completed(53, 800)))
    handle_event(event("evt_c2", "charge.dispute.closed",
                       dispute("dp_c", 800, "pi_53", status="won")))
    handle_event(event("evt_c3", "charge.dispute.created", dispute("dp_c", 800, "pi_53")))
    assert Donation.get("pi_53").dispute_state == "won"
    assert "pi_53" not in [d.donation_id for d in open_disputes()]


def test_the_test_checkout_sends_the_current_monthly_shapes_and_credits_once(funds):
    from chalicelib.donations.testmode import events_for

    session = {"key": "k" * 24, "frequency": "monthly", "amount": 300_00,
               "metadata": {"fund_id": "christmas", "lang": "nb"}}
    events = events_for(session, "donor@example.org")
    assert [e["type"] for e in events] == [
        "checkout.session.completed", "invoice.paid", "invoice_payment.paid"]
    invoice = events[1]["data"]["object"]
    assert "payment_intent" not in invoice and "subscription" not in invoice
    for item in events:
        handle_event(item)
    assert balance("christmas") == CHRISTMAS + 300_00


@pytest.mark.parametrize("kind", sorted(SPEC["examples"]))
def test_each_fixture_object_has_the_fields_stripes_spec_requires_for_its_type(kind):
    example = SPEC["examples"][kind]
    assert example["object"] == kind
    missing = [f for f in SPEC["required"][kind] if f not in example]
    assert missing == []


def test_invoices_of_the_current_api_carry_no_payment_intent_or_subscription():
    invoice = invoice_paid(1, 200, "general", True)
    assert "payment_intent" not in invoice and "subscription" not in invoice
    assert "payment_intent" not in SPEC["examples"]["invoice"]
