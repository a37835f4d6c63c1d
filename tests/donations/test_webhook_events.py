"""Each Stripe event type changes funds, campaigns and donations as finance
expects, once, whatever the order of arrival."""
from __future__ import annotations

import threading

import pytest

from chalicelib.db import put_if_absent
from chalicelib.donations.models import Campaign, Donation, MonthlyGift
from chalicelib.donations.webhook import handle_event
from tests.conftest import json_body
from tests.donations.conftest import (
    balance,
    charge_refunded,
    deliver,
    dispute,
    event,
    invoice_paid,
    legacy_invoice_paid,
    session_completed,
)

GENERAL, CHRISTMAS = 250_000_00, 15_000_00


@pytest.fixture
def campaign(funds):
    put_if_absent(Campaign("xmas", names={"nb": "Jul", "en": "Christmas", "es": "Navidad"},
                           fund_id="christmas", goal=100_000_00, starts="2000-01-01",
                           ends="2099-12-31", active=True, raised=0, donors=0))


def totals(campaign_id="xmas"):
    found = Campaign.get(campaign_id)
    return int(found.raised), int(found.donors)


def test_a_paid_checkout_credits_fund_campaign_and_records_the_donation(client, campaign):
    deliver(client, event("evt_1", "checkout.session.completed",
                          session_completed(1, 750, "christmas", "xmas", thanks="1",
                                            thanks_name="Familien Berg")))
    assert balance("christmas") == CHRISTMAS + 750_00
    assert totals() == (750_00, 1)
    donation = Donation.get("pi_1")
    assert (donation.amount, donation.currency, donation.channel) == (750_00, "NOK", "stripe")
    assert donation.fund_id == "christmas" and donation.campaign_id == "xmas"
    assert donation.email == "donor@example.org" and donation.wants_thanks
    assert donation.credited_at


def test_a_repeated_delivery_changes_nothing(client, campaign):
    paid = event("evt_1", "checkout.session.completed",
                 session_completed(1, 750, "christmas", "xmas"))
    deliver(client, paid)
    again = deliver(client, paid)
    assert json_body(again)["result"] == "duplicate"
    assert balance("christmas") == CHRISTMAS + 750_00
    assert totals() == (750_00, 1)


def test_an_unpaid_checkout_waits_for_the_async_payment(client, funds):
    unpaid = session_completed(2, 300, paid=False)
    deliver(client, event("evt_a", "checkout.session.completed", unpaid))
    assert balance("general") == GENERAL
    deliver(client, event("evt_b", "checkout.session.async_payment_succeeded",
                          {**unpaid, "payment_status": "paid"}))
    assert balance("general") == GENERAL + 300_00


def test_a_failed_async_payment_is_marked_and_credits_nothing(client, funds):
    unpaid = session_completed(3, 300, paid=False)
    deliver(client, event("evt_a", "checkout.session.completed", unpaid))
    deliver(client, event("evt_f", "checkout.session.async_payment_failed", unpaid))
    assert balance("general") == GENERAL
    assert Donation.get("pi_3").status == "failed"


def test_an_expired_checkout_is_acknowledged_and_credits_nothing(client, funds):
    expired = {**session_completed(4, 300, paid=False), "status": "expired",
               "payment_intent": None}
    response = deliver(client, event("evt_e", "checkout.session.expired", expired))
    assert response.status_code == 200
    assert balance("general") == GENERAL
    assert Donation.count() == 0


def test_an_unknown_event_type_is_acknowledged_and_ignored(client, funds):
    response = deliver(client, event("evt_x", "customer.created", {"id": "cus_1"}))
    assert response.status_code == 200
    assert json_body(response)["result"] == "ignored"


def test_each_monthly_invoice_is_a_donation_but_the_donor_counts_once(client, campaign):
    deliver(client, event("evt_i1", "invoice.paid",
                          invoice_paid(1, 200, "christmas", True, "xmas")))
    deliver(client, event("evt_i2", "invoice.paid",
                          invoice_paid(2, 200, "christmas", False, "xmas")))
    assert balance("christmas") == CHRISTMAS + 400_00
    assert totals() == (400_00, 1)
    second = Donation.get("in_2")  # current shape: keyed by the invoice
    assert second.frequency == "monthly" and second.subscription_id == "sub_1"


def test_a_monthly_invoice_of_the_older_api_shape_is_credited_by_its_payment_intent(
        client, campaign):
    deliver(client, event("evt_old", "invoice.paid",
                          legacy_invoice_paid(3, 200, "christmas", True, "xmas")))
    assert balance("christmas") == CHRISTMAS + 200_00
    assert Donation.get("pi_inv_3").subscription_id == "sub_1"


def test_a_monthly_gift_ends_when_the_subscription_is_deleted_in_any_order(client, funds):
    started = {**session_completed(5, 200), "mode": "subscription",
               "payment_intent": None, "subscription": "sub_9"}
    deliver(client, event("evt_del", "customer.subscription.deleted", {"id": "sub_9"}))
    deliver(client, event("evt_start", "checkout.session.completed", started))
    gift = MonthlyGift.get("sub_9")
    assert gift.ended and gift.fund_id == "general"
    assert balance("general") == GENERAL  # the invoice credits, not the session


def test_partial_then_full_refund_reduce_the_fund_and_campaign_by_the_total(client, campaign):
    deliver(client, event("evt_p", "checkout.session.completed",
                          session_completed(6, 1000, "christmas", "xmas")))
    deliver(client, event("evt_r1", "charge.refunded", charge_refunded(6, 400, 1000)))
    assert balance("christmas") == CHRISTMAS + 600_00
    deliver(client, event("evt_r2", "charge.refunded", charge_refunded(6, 1000, 1000)))
    assert balance("christmas") == CHRISTMAS
    assert totals() == (0, 1)
    assert Donation.get("pi_6").refunded == 1000_00


def test_a_refund_that_arrives_before_its_payment_is_applied_once(client, campaign):
    deliver(client, event("evt_r", "charge.refunded", charge_refunded(7, 300, 1000)))
    assert balance("christmas") == CHRISTMAS
    deliver(client, event("evt_p", "checkout.session.completed",
                          session_completed(7, 1000, "christmas", "xmas")))
    deliver(client, event("evt_r", "charge.refunded", charge_refunded(7, 300, 1000)))
    assert balance("christmas") == CHRISTMAS + 700_00
    assert totals() == (700_00, 1)


def test_an_older_refund_total_arriving_late_changes_nothing(client, funds):
    deliver(client, event("evt_p", "checkout.session.completed", session_completed(8, 1000)))
    deliver(client, event("evt_r2", "charge.refunded", charge_refunded(8, 1000, 1000)))
    deliver(client, event("evt_r1", "charge.refunded", charge_refunded(8, 400, 1000)))
    assert balance("general") == GENERAL


def test_a_dispute_marks_the_donation_and_finance_sees_it(client, funds, session_as):
    deliver(client, event("evt_p", "checkout.session.completed", session_completed(9, 800)))
    deliver(client, event("evt_d", "charge.dispute.created",
                          dispute("dp_1", 800, "pi_9")))
    assert Donation.get("pi_9").dispute_state == "open"
    page = client.get("/staff/donations?lang=en", headers=session_as("finance").headers())
    assert page.status_code == 200
    html = page.body.decode()
    assert "Open disputes" in html and "pi_9" in html and "fraudulent" in html


def test_the_donor_gets_a_receipt_with_amount_and_tax_deduction(client, funds):
    from chalicelib.core.mail import outbox

    deliver(client, event("evt_p", "checkout.session.completed",
                          session_completed(10, 1500, lang="en")))
    [mail] = outbox("donor@example.org")
    assert mail.subject == "Thank you for your gift"
    assert "1\u00a0500,00\u00a0kr" in mail.body and "tax deduction" in mail.body
    # the receipt links to the donor's own request page, never asks for the number
    from chalicelib.tax.links import email_of

    link = next(w for w in mail.body.split() if "/tax-deduction?t=" in w)
    assert email_of(link.split("t=")[1].split("&")[0]) == "donor@example.org"
    assert "send us your national identity number" not in mail.body


def test_the_same_event_delivered_by_racing_threads_is_credited_once(funds):
    paid = event("evt_race", "checkout.session.completed", session_completed(11, 400))
    results, errors = [], []

    def deliver_once():
        try:
            results.append(handle_event(paid))
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=deliver_once) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results.count("handled") == 1
    assert balance("general") == GENERAL + 400_00


def test_every_credited_event_is_audit_logged_without_donor_data(client, funds):
    from chalicelib.audit.service import recent

    deliver(client, event("evt_audit", "checkout.session.completed",
                          session_completed(7, 500, "general")))
    entries = [e for e in recent() if e.record_id == "evt_audit"]
    assert len(entries) == 1
    assert entries[0].actor == "stripe-webhook"
    assert entries[0].action == "checkout.session.completed"
    assert "@" not in entries[0].record_id and "500" not in entries[0].record_id
