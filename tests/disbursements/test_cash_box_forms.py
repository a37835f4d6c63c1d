"""A failed cash-box count or top-up shows the box's form again, filled in."""
from __future__ import annotations

import json

import pytest

from chalicelib.disbursements.models import CashCount
from tests.conftest import bearer
from tests.form_helpers import read_page
from tests.money_helpers import balance, make_fund


@pytest.fixture
def oslo_box(client):
    make_fund("emergency", nok=5000)
    client.post("/api/cash-boxes", headers=bearer("admin"), body=json.dumps(
        {"office": "oslo", "source_fund": "emergency"}))


def send(client, session, fields):
    headers, body = session.form({"idempotency_key": "form-nonce-1", **fields})
    return client.post("/staff/cash-boxes", headers=headers, body=body)


def test_a_count_in_words_keeps_the_note_and_marks_the_amount_in_norwegian(
        client, session_as, oslo_box):
    response = send(client, session_as("finance"), {
        "_form": "count-cashbox-oslo", "action": "count", "box_id": "cashbox-oslo",
        "counted": "tolv hundre", "note": "Telt etter kveldsvakt"})
    page = read_page(response.body.decode())
    assert response.status_code == 422
    counted = page.by_id["count-cashbox-oslo-counted"]
    assert counted.invalid and counted.attrs["value"] == "tolv hundre"
    assert page.by_id["count-cashbox-oslo-note"].attrs["value"] == "Telt etter kveldsvakt"
    assert page.texts["count-cashbox-oslo-counted-error"] == "Oppgi det opptalte beløpet."
    assert ("#count-cashbox-oslo-counted", "Oppgi det opptalte beløpet.") in \
        page.summary_links
    assert list(CashCount.scan()) == []


def test_a_phone_number_in_the_count_note_marks_the_note_and_keeps_the_amount(
        client, session_as, oslo_box):
    response = send(client, session_as("finance"), {
        "_form": "count-cashbox-oslo", "action": "count", "box_id": "cashbox-oslo",
        "counted": "0", "note": "ring 912 34 567"})
    page = read_page(response.body.decode())
    assert response.status_code == 422
    assert page.by_id["count-cashbox-oslo-note"].invalid
    assert page.by_id["count-cashbox-oslo-counted"].attrs["value"] == "0"
    assert not page.by_id["count-cashbox-oslo-counted"].invalid
    assert list(CashCount.scan()) == []


def test_a_top_up_without_an_amount_marks_the_amount_of_that_box_only(
        client, session_as, oslo_box):
    response = send(client, session_as("finance"), {
        "_form": "topup-cashbox-oslo", "action": "top_up", "box_id": "cashbox-oslo",
        "amount": "-5", "idempotency_key": "t-1"})
    page = read_page(response.body.decode())
    assert response.status_code == 422
    assert page.by_id["topup-cashbox-oslo-amount"].invalid
    assert page.by_id["topup-cashbox-oslo-amount"].attrs["value"] == "-5"
    assert not page.by_id["count-cashbox-oslo-counted"].invalid
    assert balance("cashbox-oslo") == 0
