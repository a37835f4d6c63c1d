"""Payments that end unpaid (aborted by the donor, expired, cancelled or
terminated by us): from Vipps's events or from its GET answer, the pending
donation is closed with that state and nothing is credited."""
from __future__ import annotations

import pytest

from chalicelib.donations.models import Donation
from tests.donations.conftest import balance
from tests.vipps.conftest import deliver, webhook_event
from tests.vipps.test_return_page import AMOUNT, back_from_vipps, start_gift


@pytest.mark.parametrize("name, closed", [
    ("ABORTED", "aborted"), ("EXPIRED", "expired"), ("CANCELLED", "cancelled"),
    ("TERMINATED", "terminated")])
def test_an_ended_payments_event_closes_the_gift_with_that_state_and_credits_nothing(
        client, funds, local_vipps, name, closed):
    before = balance("general")
    reference = start_gift(client)
    for _delivery in range(2):  # Vipps delivers at least once
        response = deliver(client, webhook_event(reference, name, AMOUNT if name ==
                                                 "CANCELLED" else 0))
        assert response.status_code == 200, response.body
    donation = Donation.get(reference)
    assert (donation.status, donation.credited) == (closed, False)
    assert balance("general") == before
    assert "Nothing has been charged." in back_from_vipps(client, reference)
    assert local_vipps.gets == []  # closed: the page no longer asks Vipps


@pytest.mark.parametrize("state, closed", [
    ("ABORTED", "aborted"), ("EXPIRED", "expired"), ("TERMINATED", "terminated")])
def test_an_ended_state_from_vipps_closes_the_gift_with_that_state(
        client, funds, local_vipps, state, closed):
    before = balance("general")
    reference = start_gift(client)
    local_vipps.end(reference, state)
    back_from_vipps(client, reference)
    donation = Donation.get(reference)
    assert (donation.status, donation.credited) == (closed, False)
    assert balance("general") == before
    assert local_vipps.capture_keys == []


def test_an_authorisation_let_go_before_capture_closes_the_gift_as_cancelled(
        client, funds, local_vipps):
    reference = start_gift(client)
    local_vipps.approve(reference)
    local_vipps.payments[reference]["cancelled"] = AMOUNT
    html = back_from_vipps(client, reference)
    assert "The payment was cancelled." in html
    assert Donation.get(reference).status == "cancelled"
    assert local_vipps.capture_keys == []


def test_a_gift_closed_once_keeps_its_first_state(client, funds, local_vipps):
    reference = start_gift(client)
    deliver(client, webhook_event(reference, "ABORTED", 0))
    deliver(client, webhook_event(reference, "EXPIRED", 0))
    assert Donation.get(reference).status == "aborted"


def test_a_capture_event_vipps_reports_as_failed_credits_nothing(
        client, funds, local_vipps):
    before = balance("general")
    reference = start_gift(client)
    failed = {**webhook_event(reference, "CAPTURED", AMOUNT), "success": False}
    assert deliver(client, failed).status_code == 200
    donation = Donation.get(reference)
    assert (donation.status, donation.credited) == ("pending", False)
    assert balance("general") == before
