"""A monthly Vipps gift begins: /donate creates a Recurring agreement (our
real HTTP client against a local server answering like the Recurring API)
and sends the donor to Vipps; the return page shows what Vipps says."""
from __future__ import annotations

import json

import pytest

from chalicelib.donations.models import Donation, MonthlyGift
from tests.donations.conftest import balance
from tests.donations.test_donate_page import post_donation
from tests.vipps.recurring_server import CONFIRMATION, LocalRecurring, recurring_problem

AMOUNT = 250_00


@pytest.fixture
def recurring(vipps_api):
    return LocalRecurring(vipps_api)


def start_monthly(client, lang="en", **extra):
    fields = {"amount": str(AMOUNT // 100), "frequency": "monthly", "method": "vipps",
              "email": "donor@example.org", **extra}
    return post_donation(client, fields, lang=lang)


def the_gift():
    [gift] = [g for g in MonthlyGift.scan() if not g.alias_of]
    return gift


def back_from_vipps(client, reference, lang="en"):
    response = client.get(f"/vipps/monthly/return?reference={reference}&lang={lang}")
    assert response.status_code == 200, response.body[:300]
    return response.body.decode()


def test_a_monthly_vipps_gift_sends_the_donor_to_approve_an_agreement(
        client, funds, recurring):
    response = start_monthly(client)
    assert response.status_code == 303
    assert response.headers["Location"] == CONFIRMATION
    [request] = recurring.requests("POST", "/recurring/v3/agreements")
    body = json.loads(request.get_data())
    gift = the_gift()
    assert body["pricing"] == {"type": "LEGACY", "currency": "NOK", "amount": AMOUNT}
    assert body["interval"] == {"unit": "MONTH", "count": 1}
    assert body["merchantRedirectUrl"].endswith(
        f"/vipps/monthly/return?reference={gift.subscription_id}&lang=en")
    assert "/vipps/monthly?t=" in body["merchantAgreementUrl"]
    assert body["initialCharge"] == {
        "amount": AMOUNT, "description": body["productName"],
        "transactionType": "DIRECT_CAPTURE", "orderId": gift.first_charge}
    assert len(body["productName"]) <= 45 and body["externalId"] == gift.subscription_id
    key = request.headers["Idempotency-Key"]
    assert 1 <= len(key) <= 40
    assert gift.status == "pending" and gift.agreement_id == "agr_Test0001"
    assert MonthlyGift.get("agr_Test0001").alias_of == gift.subscription_id
    assert not Donation.get(gift.first_charge).credited


def test_the_same_form_sent_twice_makes_one_agreement(client, funds, recurring):
    from tests.donations.test_donate_page import anon_form

    anon, token, nonce = anon_form(client)
    from urllib.parse import urlencode

    body = urlencode({"csrf_token": token, "nonce": nonce, "amount": "250",
                      "frequency": "monthly", "method": "vipps"})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": anon}
    first = client.post("/donate?lang=en", body=body, headers=headers)
    second = client.post("/donate?lang=en", body=body, headers=headers)
    assert first.headers["Location"] == second.headers["Location"] == CONFIRMATION
    assert len(recurring.agreements) == 1
    assert len([g for g in MonthlyGift.scan() if not g.alias_of]) == 1


@pytest.mark.parametrize("lang, words", [
    ("nb", "Gi den samme gaven med kort"), ("en", "Give the same gift by card"),
    ("es", "mismo donativo con tarjeta")])
def test_vipps_refusing_the_agreement_offers_card_in_the_donors_language(
        client, funds, recurring, lang, words):
    recurring.refuse_create = recurring_problem(
        400, "Bad Request", "Input validation failed", field="productName")
    before = balance("general")
    response = start_monthly(client, lang=lang)
    assert response.status_code == 503
    html = response.body.decode()
    assert words in html
    assert 'name="frequency" value="monthly"' in html
    assert 'name="method" value="card"' in html
    assert balance("general") == before
    assert the_gift().agreement_id is None


def test_the_return_page_shows_an_approved_agreement_and_credits_the_first_month_once(
        client, funds, recurring):
    before = balance("general")
    start_monthly(client)
    gift = the_gift()
    assert "Waiting for Vipps" in back_from_vipps(client, gift.subscription_id)
    recurring.approve(gift.agreement_id)
    html = back_from_vipps(client, gift.subscription_id)
    assert 'data-status="active"' in html
    back_from_vipps(client, gift.subscription_id)
    assert balance("general") == before + AMOUNT
    gift = the_gift()
    assert gift.status == "active" and gift.vipps_active == "active"
    first = Donation.get(gift.first_charge)
    assert first.credited and first.frequency == "monthly" and first.channel == "vipps"


@pytest.mark.parametrize("status, outcome, words", [
    ("STOPPED", "rejected", "You did not approve the agreement in Vipps."),
    ("EXPIRED", "expired", "The agreement expired before it was approved")])
def test_an_agreement_never_approved_says_so_and_charges_nothing(
        client, funds, recurring, status, outcome, words):
    before = balance("general")
    start_monthly(client)
    gift = the_gift()
    recurring.set_status(gift.agreement_id, status)
    html = back_from_vipps(client, gift.subscription_id)
    assert f'data-status="{outcome}"' in html and words in html
    gift = the_gift()
    assert gift.ended and gift.vipps_active is None
    assert Donation.get(gift.first_charge).status in ("aborted", "expired")
    assert balance("general") == before


def test_a_return_page_for_a_reference_never_made_is_not_found(client, recurring):
    response = client.get("/vipps/monthly/return?reference=mnd-" + "0" * 32)
    assert response.status_code == 404


def test_the_recurring_client_raises_vipps_problem_details(recurring):
    from chalicelib.vipps import client, recurring_api

    with pytest.raises(client.VippsError) as raised:
        recurring_api.get_agreement("agr_Nobody")
    assert raised.value.status == 404
    assert raised.value.problem["detail"] == "Agreement not found"
    assert raised.value.problem["contextId"]
