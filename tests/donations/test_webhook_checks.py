"""A signed event is not trusted for its content: an event that would move
money wrongly is acknowledged (so Stripe stops retrying), kept for finance
with its reason, audit-logged, and moves no money."""
from __future__ import annotations

import pytest

from chalicelib.db import put_if_absent
from chalicelib.donations.models import Donation
from chalicelib.donations.settings import donation_settings
from chalicelib.funds.models import Fund
from tests.conftest import json_body
from tests.donations.conftest import (
    balance,
    charge_refunded,
    deliver,
    event,
    invoice_paid,
    refund,
    session_completed,
)

GENERAL = 250_000_00


def needs_attention(client, paid: dict) -> None:
    response = deliver(client, paid)
    assert response.status_code == 200
    assert json_body(response)["result"] == "needs_attention"
    again = deliver(client, paid)  # Stripe's retry is a duplicate, not a 409
    assert again.status_code == 200 and json_body(again)["result"] == "duplicate"


def test_a_negative_amount_moves_no_money_and_finance_sees_why(client, funds,
                                                               session_as):
    from chalicelib.audit.service import recent

    needs_attention(client, event("evt_neg", "checkout.session.completed",
                                  session_completed(1, -1000)))
    assert balance("general") == GENERAL
    assert Donation.count() == 0
    page = client.get("/staff/donations?lang=en", headers=session_as("finance").headers())
    html = page.body.decode()
    assert "evt_neg" in html and "The amount is zero or negative." in html
    actions = [e.action for e in recent() if e.record_id == "evt_neg"]
    assert "needs attention: amount_not_positive" in actions


def test_a_gift_in_another_currency_is_acknowledged_not_refused_forever(client, funds):
    paid = session_completed(2, 500)
    needs_attention(client, event("evt_usd", "checkout.session.completed",
                                  {**paid, "currency": "usd"}))
    assert balance("general") == GENERAL


def test_finance_reads_the_amounts_needing_attention_in_kroner_or_their_currency(
        client, funds, session_as):
    paid = session_completed(3, 12345)
    deliver(client, event("evt_usd2", "checkout.session.completed",
                          {**paid, "currency": "usd"}))
    deliver(client, event("evt_neg2", "checkout.session.completed",
                          session_completed(4, -25000)))
    page = client.get("/staff/donations?lang=nb", headers=session_as("finance").headers())
    html = page.body.decode()
    # session_completed takes kroner: Stripe sends 1 234 500 cents and -2 500 000 øre
    assert "12\u00a0345,00\u00a0USD" in html and "-25\u00a0000,00\u00a0kr" in html
    assert "1234500" not in html and "-2500000" not in html


@pytest.mark.parametrize("fund", ["no-such-fund", "emergency-cash", "box-oslo"])
def test_a_gift_to_an_unknown_internal_or_cash_box_fund_moves_no_money(
        client, funds, fund):
    put_if_absent(Fund("box-oslo", kind="cash_box", public=True, balance=0,
                       source_fund="general"))
    needs_attention(client, event(f"evt_{fund}", "checkout.session.completed",
                                  session_completed(3, 500, fund)))
    assert balance("box-oslo") == 0 and balance("emergency-cash") > 0
    assert balance("general") == GENERAL


def test_a_gift_to_a_campaign_that_does_not_exist_moves_no_money(client, funds):
    needs_attention(client, event("evt_camp", "checkout.session.completed",
                                  session_completed(4, 500, campaign="gone")))
    assert balance("general") == GENERAL


def test_a_live_mode_event_in_the_test_stage_moves_no_money(client, funds):
    needs_attention(client, event("evt_live", "checkout.session.completed",
                                  session_completed(5, 500), livemode=True))
    assert balance("general") == GENERAL


def test_an_event_of_another_connect_account_moves_no_money(client, funds,
                                                            monkeypatch):
    monkeypatch.setenv("STRIPE_ACCOUNT_ID", "acct_ours")
    donation_settings.cache_clear()
    other = {**event("evt_acct", "checkout.session.completed",
                     session_completed(6, 500)), "account": "acct_someone"}
    needs_attention(client, other)
    ours = {**event("evt_ours", "checkout.session.completed",
                    session_completed(7, 500)), "account": "acct_ours"}
    assert json_body(deliver(client, ours))["result"] == "handled"
    assert balance("general") == GENERAL + 500_00


def test_a_refund_in_another_currency_leaves_the_fund_alone(client, funds):
    deliver(client, event("evt_p", "checkout.session.completed",
                          session_completed(8, 1000)))
    needs_attention(client, event("evt_r", "charge.refunded",
                                  {**charge_refunded(8, 400, 1000), "currency": "eur"}))
    needs_attention(client, event("evt_rn", "refund.created",
                                  refund("re_neg", -400, "pi_8")))
    assert balance("general") == GENERAL + 1000_00


def test_a_monthly_invoice_with_a_negative_amount_moves_no_money(client, funds):
    needs_attention(client, event("evt_inv", "invoice.paid",
                                  invoice_paid(9, -200, "general", True)))
    assert balance("general") == GENERAL


def test_a_free_monthly_invoice_is_acknowledged_as_nothing_to_credit(client, funds):
    response = deliver(client, event("evt_free", "invoice.paid",
                                     invoice_paid(10, 0, "general", True)))
    assert json_body(response)["result"] == "handled"
    assert balance("general") == GENERAL
