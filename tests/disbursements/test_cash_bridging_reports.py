"""Cash boxes, bridging dates and reports, as finance and case workers see them."""

from __future__ import annotations

import json

from chalicelib.audit.service import recent
from chalicelib.disbursements.models import CashCount
from tests.conftest import bearer, json_body
from tests.money_helpers import balance, make_fund


def setup_box(client, nok=1000):
    make_fund("emergency", nok=5000, restricted=True, purposes={"food", "clothes"})
    created = client.post("/api/cash-boxes", body=json.dumps(
        {"office": "oslo", "source_fund": "emergency",
         "names": {"nb": "Kasse Oslo", "en": "Oslo box", "es": "Caja Oslo"}}),
        headers=bearer("admin"))
    assert created.status_code == 201
    box = json_body(created)["box_id"]
    topped = client.post(f"/api/cash-boxes/{box}/top-ups",
                         body=json.dumps({"amount": nok * 100}),
                         headers=bearer("finance"))
    assert json_body(topped)["expected"] == nok * 100
    return box


def cash(client, box, amount, purpose="food"):
    return client.post("/api/disbursements", body=json.dumps({
        "client_code": "K-2025-031", "amount": amount, "purpose": purpose,
        "method": "cash", "cash_box_id": box}), headers=bearer("staff"))


def test_a_top_up_moves_money_from_the_fund_into_the_box(client):
    box = setup_box(client, nok=1000)
    assert balance("emergency") == 4000_00
    assert balance(box) == 1000_00


def test_cash_payments_reduce_the_box_and_never_more_than_is_in_it(client):
    box = setup_box(client, nok=1000)
    paid = cash(client, box, 400_00)
    assert json_body(paid)["fund_id"] == "emergency"
    assert balance(box) == 600_00 and balance("emergency") == 4000_00
    short = cash(client, box, 700_00)
    assert json_body(short)["error"]["code"] == "fund_exhausted"
    wrong_purpose = cash(client, box, 100_00, purpose="transport")
    assert json_body(wrong_purpose)["error"]["code"] == "purpose_not_covered"
    assert balance(box) == 600_00


def test_a_count_records_the_difference_and_corrects_the_books(client):
    box = setup_box(client, nok=1000)
    response = client.post(f"/api/cash-boxes/{box}/counts",
                           body=json.dumps({"amount": 950_00}),
                           headers=bearer("finance"))
    assert json_body(response)["expected"] == 950_00
    (count,) = CashCount.query(box)
    assert (count.counted, count.expected, count.difference) == (950_00, 1000_00,
                                                                 -50_00)


def test_bridging_shows_who_waits_for_the_welfare_office(client, session_as):
    make_fund("general", nok=1000)
    response = client.put("/api/clients/K-2025-031/bridging",
                          body=json.dumps({"expected_payout": "2099-01-15"}),
                          headers=bearer("staff"))
    assert response.status_code == 200
    client.put("/api/clients/K-2025-040/bridging",
               body=json.dumps({"expected_payout": "2001-01-15"}),
               headers=bearer("staff"))
    page = client.get("/staff/bridging", headers=session_as("staff").headers())
    text = page.body.decode()
    assert "K-2025-031" in text and "15.01.2099" in text
    assert "K-2025-040" not in text
    assert any(e.record_id == "K-2025-031" and e.action == "read" for e in recent())
    bad = client.put("/api/clients/K-2025-031/bridging",
                     body=json.dumps({"expected_payout": "soon"}),
                     headers=bearer("staff"))
    assert bad.status_code == 400


def test_reports_sum_per_month_purpose_and_fund_and_export_csv(client, session_as):
    make_fund("general", nok=10_000)
    for purpose, amount in [("food", 100_00), ("food", 50_00), ("clothes", 30_00)]:
        client.post("/api/disbursements", body=json.dumps({
            "client_code": "K-2025-031", "amount": amount, "purpose": purpose,
            "method": "payment_card", "fund_id": "general"}), headers=bearer("staff"))
    report = json_body(client.get("/api/reports/disbursements",
                                  headers=bearer("finance")))
    assert report["purposes"] == {"food": 150_00, "clothes": 30_00}
    assert report["funds"] == {"general": 180_00}
    assert list(report["months"].values()) == [180_00]
    csv = client.get("/staff/reports/disbursements.csv",
                     headers=session_as("finance").headers())
    assert csv.headers["Content-Type"].startswith("text/csv")
    assert ";Formål;Mat;150,00;2" in csv.body.decode()
    assert client.get("/api/reports/disbursements",
                      headers=bearer("staff")).status_code == 403


def _count_while_a_payment_lands(client, monkeypatch, box, counted):
    from chalicelib.audit.service import Actor
    from chalicelib.disbursements import cashbox, service

    real_get_box = cashbox.get_box

    def read_then_a_payment_lands(box_id):
        read = real_get_box(box_id)
        service.create(service.validate({
            "client_code": "K-2025-031", "amount": 100_00, "purpose": "food",
            "method": "cash", "cash_box_id": box}), Actor("u-staff", ("staff",)))
        return read

    monkeypatch.setattr(cashbox, "get_box", read_then_a_payment_lands)
    return client.post(f"/api/cash-boxes/{box}/counts",
                       body=json.dumps({"amount": counted}),
                       headers=bearer("finance"))


def test_a_count_racing_a_cash_payment_books_no_difference_and_asks_to_count_again(
        client, monkeypatch):
    box = setup_box(client, nok=1000)
    response = _count_while_a_payment_lands(client, monkeypatch, box, 950_00)
    assert response.status_code == 409
    assert json_body(response)["error"]["code"] == "count_raced"
    assert balance(box) == 900_00  # only the payment: no wrong difference booked
    assert list(CashCount.query(box)) == []


def test_a_count_that_matched_the_books_it_read_is_refused_when_a_payment_raced_it(
        client, monkeypatch):
    box = setup_box(client, nok=1000)
    response = _count_while_a_payment_lands(client, monkeypatch, box, 1000_00)
    assert json_body(response)["error"]["code"] == "count_raced"
    assert list(CashCount.query(box)) == []
