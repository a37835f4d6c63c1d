"""A failed offline gift keeps what finance typed."""
from __future__ import annotations

import pytest

from tests.form_helpers import read_page
from tests.money_helpers import balance, make_fund


@pytest.fixture
def victims():
    return make_fund("victims")


def send(client, session, **changes):
    fields = {"channel": "bank", "fund_id": "victims", "amount": "250",
              "reference": "B-77", "date": "2025-11-30", "donor_name": "",
              "donor_email": "", "thank_by_name": "on", **changes}
    headers, body = session.form(fields)
    return client.post("/staff/gifts", headers=headers, body=body)


def test_an_amount_in_words_keeps_the_reference_and_marks_the_amount(
        client, session_as, victims):
    response = send(client, session_as("finance"), amount="to hundre")
    page = read_page(response.body.decode())
    assert response.status_code == 422
    assert page.by_id["amount"].invalid
    assert page.by_id["amount"].attrs["value"] == "to hundre"
    assert page.by_id["reference"].attrs["value"] == "B-77"
    assert page.by_id["date"].attrs["value"] == "2025-11-30"
    assert "checked" in page.by_id["thank_by_name"].attrs
    assert balance("victims") == 0


def test_a_reference_recorded_before_is_marked_on_the_reference_field(
        client, session_as, victims):
    finance = session_as("finance")
    recorded = send(client, finance)
    assert "The gift was recorded." in finance.follow(client, recorded).body.decode()
    response = send(client, finance, amount="300")
    page = read_page(response.body.decode())
    assert response.status_code == 409
    assert page.by_id["reference"].invalid
    assert page.by_id["amount"].attrs["value"] == "300"
    assert "B-77" in page.texts["reference-error"]
    assert balance("victims") == 250_00
