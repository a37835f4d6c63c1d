"""Recurring API events at the webhook, the local Vipps for agreements, the
receipt of a monthly Vipps gift and the donor stopping it."""
from __future__ import annotations

import random
import re
from urllib.parse import urlencode

import pytest

from chalicelib.donations.models import Campaign, Donation, MonthlyGift
from chalicelib.vipps import testmode
from tests.conftest import json_body
from tests.donations.conftest import balance
from tests.vipps.conftest import MSN, deliver
from tests.vipps.recurring_server import LocalRecurring
from tests.vipps.test_monthly_start import AMOUNT, start_monthly, the_gift


@pytest.fixture
def recurring(vipps_api):
    return LocalRecurring(vipps_api)


def agreement_event(gift, kind):
    payload = testmode.agreement_payload(str(gift.agreement_id),
                                         str(gift.subscription_id), kind)
    return {**payload, "msn": MSN}


def charge_event(gift, kind, charge=None, amount=AMOUNT, charge_type="INITIAL"):
    payload = testmode.charge_payload(str(gift.agreement_id),
                                      charge or str(gift.first_charge), amount, kind,
                                      charge_type)
    return {**payload, "msn": MSN}


def form_post(client, path, fields):
    """GET a page, then send its form as a browser would (cookie, CSRF)."""
    page = client.get(path)
    assert page.status_code == 200, page.body[:300]
    cookies = page.headers.get("Set-Cookie") or []
    cookies = cookies if isinstance(cookies, list) else [cookies]
    anon = next((c.split(";")[0] for c in cookies if c.startswith("anon=")), "")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.body.decode()).group(1)
    target = path.split("?")[0] + "?lang=en"
    return client.post(target, body=urlencode({"csrf_token": token, **fields}),
                       headers={"Content-Type": "application/x-www-form-urlencoded",
                                "Cookie": anon})


def test_events_in_any_order_and_repeated_credit_the_first_month_once(
        client, funds, recurring):
    start_monthly(client)
    gift = the_gift()
    before = balance("general")
    events = [agreement_event(gift, "recurring.agreement-activated.v1"),
              charge_event(gift, "recurring.charge-reserved.v1"),
              charge_event(gift, "recurring.charge-captured.v1")]
    deliveries = events * 3
    random.Random(15).shuffle(deliveries)
    results = [json_body(deliver(client, payload))["result"] for payload in deliveries]
    assert results.count("handled") == 3 and results.count("duplicate") == 6
    assert balance("general") == before + AMOUNT
    gift = the_gift()
    assert gift.status == "active" and gift.next_due
    assert Donation.get(gift.first_charge).credited


def test_a_stopped_agreement_ends_the_gift_whatever_arrives_after(
        client, funds, recurring):
    start_monthly(client)
    gift = the_gift()
    for kind in ("recurring.agreement-activated.v1", "recurring.agreement-stopped.v1",
                 "recurring.agreement-activated.v1"):
        deliver(client, agreement_event(gift, kind))
    gift = the_gift()
    assert gift.status == "stopped" and gift.ended and gift.vipps_active is None


def test_a_charge_we_never_made_or_of_another_amount_moves_nothing(
        client, funds, recurring):
    start_monthly(client)
    gift = the_gift()
    before = balance("general")
    unknown = charge_event(gift, "recurring.charge-captured.v1", charge="chr-stranger")
    wrong = charge_event(gift, "recurring.charge-captured.v1", amount=AMOUNT + 100)
    assert json_body(deliver(client, unknown))["result"] == "needs_attention"
    assert json_body(deliver(client, wrong))["result"] == "needs_attention"
    assert balance("general") == before
    assert not Donation.get(gift.first_charge).credited


def test_the_local_vipps_approves_an_agreement_and_the_first_month_is_credited(
        client, funds):
    from chalicelib.core.mail import outbox

    before = balance("general")
    response = start_monthly(client)
    assert response.status_code == 303
    landing = response.headers["Location"]
    assert landing.startswith("/vipps/test-agreement?token=")
    assert "TEST MODE" in client.get(landing).body.decode()
    token = re.search(r"token=([^&]+)", landing).group(1)
    done = form_post(client, landing, {"token": token, "action": "approve"})
    assert done.status_code == 303
    html = client.get(done.headers["Location"]).body.decode()
    assert 'data-status="active"' in html
    assert balance("general") == before + AMOUNT
    [mail] = outbox("donor@example.org")
    assert "Vipps" in mail.body and "/vipps/monthly?t=" in mail.body


def test_the_receipt_link_lets_the_donor_stop_the_gift_at_vipps(
        client, funds, recurring):
    start_monthly(client)
    gift = the_gift()
    recurring.approve(str(gift.agreement_id))
    deliver(client, agreement_event(gift, "recurring.agreement-activated.v1"))
    deliver(client, charge_event(gift, "recurring.charge-captured.v1"))
    from chalicelib.core.mail import outbox

    [mail] = outbox("donor@example.org")
    link = re.search(r"(/vipps/monthly\?t=\S+)", mail.body).group(1)
    page = client.get(link)
    assert "Stop my monthly gift" in page.body.decode()
    token = re.search(r"t=([^&\s]+)", link).group(1)
    done = form_post(client, link, {"t": token, "action": "stop"})
    assert done.status_code == 200
    assert 'data-status="stopped"' in done.body.decode()
    [patch] = recurring.requests("PATCH", r"/recurring/v3/agreements/[^/]+")
    assert patch.json == {"status": "STOPPED"}
    assert 1 <= len(patch.headers["Idempotency-Key"]) <= 40
    assert recurring.agreements[gift.agreement_id]["status"] == "STOPPED"
    assert the_gift().status == "stopped"


def test_a_link_not_signed_by_us_shows_no_gift(client, funds, recurring):
    start_monthly(client)
    gift = the_gift()
    response = client.get(f"/vipps/monthly?t={gift.subscription_id}.{'0' * 32}")
    assert response.status_code == 404


def test_a_campaign_counts_a_monthly_donor_once_for_the_first_month(
        client, funds, recurring):
    Campaign("winter", names={"en": "Winter"}, fund_id="general", goal=100_000_00,
             starts="2000-01-01", ends="2999-12-31").save()
    start_monthly(client, campaign="winter")
    gift = the_gift()
    deliver(client, charge_event(gift, "recurring.charge-captured.v1"))
    campaign = Campaign.get("winter")
    assert (int(campaign.raised), int(campaign.donors)) == (AMOUNT, 1)
    assert MonthlyGift.get(str(gift.subscription_id)).campaign_id == "winter"
