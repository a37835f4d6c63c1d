"""The donor back from Vipps before Vipps's webhook: the return page asks
Vipps (`GET /epayment/v1/payments/{reference}`), waits by reloading itself
(no JavaScript) while the payment is open, and says clearly how it ended."""
from __future__ import annotations

import re

import pytest

from chalicelib.donations.models import Donation
from chalicelib.vipps.routes import MAX_REFRESHES
from tests.donations.conftest import balance
from tests.donations.test_donate_page import post_donation
from tests.vipps.conftest import deliver, webhook_event

AMOUNT = 150_00
REFRESH = re.compile(r'<meta http-equiv="refresh" content="(\d+); url=([^"]+)">')


def start_gift(client, lang="en"):
    response = post_donation(client, {"amount": str(AMOUNT // 100), "method": "vipps",
                                      "email": "donor@example.org"}, lang=lang)
    assert response.status_code in (302, 303), response.body[:300]
    [donation] = list(Donation.scan())
    return str(donation.donation_id)


def back_from_vipps(client, reference, lang="en", n=None):
    query = f"reference={reference}&lang={lang}" + (f"&n={n}" if n is not None else "")
    response = client.get(f"/vipps/return?{query}")
    assert response.status_code == 200, response.body[:300]
    return response.body.decode()


@pytest.mark.parametrize("lang, waiting", [
    ("nb", "Venter på Vipps"), ("en", "Waiting for Vipps"), ("es", "Esperando a Vipps")])
def test_a_donor_back_before_vipps_has_an_answer_sees_a_page_that_reloads_itself(
        client, funds, local_vipps, lang, waiting):
    reference = start_gift(client, lang)
    html = back_from_vipps(client, reference, lang)
    assert f"<h1>{waiting}</h1>" in html
    [(seconds, url)] = REFRESH.findall(html)
    assert 1 <= int(seconds) <= 5
    assert f"reference={reference}" in url and f"lang={lang}" in url and "n=1" in url
    assert "<script" not in html
    assert local_vipps.gets == [reference]
    assert not Donation.get(reference).credited


def test_the_page_stops_reloading_after_its_last_try_and_offers_to_check_again(
        client, funds, local_vipps):
    reference = start_gift(client)
    html = back_from_vipps(client, reference, n=MAX_REFRESHES - 1)
    assert f"n={MAX_REFRESHES}" in REFRESH.findall(html)[0][1]
    html = back_from_vipps(client, reference, n=MAX_REFRESHES)
    assert not REFRESH.findall(html)
    assert "Vipps has not confirmed your gift yet" in html
    assert "you do not need to give again" in html
    assert f'href="/vipps/return?reference={reference}&amp;lang=en">Check again' in html


def test_an_approved_payment_is_captured_and_thanked_from_the_return_page_once(
        client, funds, local_vipps):
    before = balance("general")
    reference = start_gift(client)
    local_vipps.approve(reference)
    html = back_from_vipps(client, reference)
    assert "Thank you for your gift" in html and not REFRESH.findall(html)
    assert local_vipps.capture_keys == ["capture-" + reference.removeprefix("gave-")]
    assert balance("general") == before + AMOUNT
    # The webhook's own events arrive late; so does a second look at the page.
    for name in ("AUTHORIZED", "CAPTURED"):
        assert deliver(client, webhook_event(reference, name, AMOUNT)).status_code == 200
    assert "Thank you for your gift" in back_from_vipps(client, reference)
    assert balance("general") == before + AMOUNT
    assert len(local_vipps.capture_keys) == 1


@pytest.mark.parametrize("state, says", [
    ("ABORTED", "You cancelled the payment in Vipps."),
    ("EXPIRED", "The payment expired before it was approved in Vipps."),
    ("TERMINATED", "The payment was cancelled."),
])
def test_a_payment_that_ended_in_vipps_says_so_and_credits_nothing(
        client, funds, local_vipps, state, says):
    before = balance("general")
    reference = start_gift(client)
    local_vipps.end(reference, state)
    html = back_from_vipps(client, reference)
    assert "The Vipps payment was not completed" in html
    assert says in html and "Nothing has been charged." in html
    assert not REFRESH.findall(html)
    assert balance("general") == before
    assert not Donation.get(reference).credited


def test_the_local_vipps_returns_a_cancelled_donor_to_a_clear_page(client, funds):
    reference = start_gift(client)
    from chalicelib.vipps import testmode

    testmode.complete(reference, approve=False)
    html = back_from_vipps(client, reference)
    assert "You cancelled the payment in Vipps." in html
