"""Staff take in gifts, give them out and follow pledges; the API does the same."""
from __future__ import annotations

import json

import pytest

from chalicelib.audit.service import recent
from chalicelib.inkind import demo, needs, stock
from tests.conftest import bearer, json_body
from tests.form_helpers import read_page


@pytest.fixture
def demo_data():
    demo.load()


def test_demo_data_loads_twice_without_changing_anything(demo_data):
    before = {(r.item_id, r.location): r.quantity for r in stock.Stock.scan()}
    demo.load()
    after = {(r.item_id, r.location): r.quantity for r in stock.Stock.scan()}
    assert before == after
    assert after[("hygiene-pack", "office")] == 30
    assert after[("welcome-bag", "storage")] == 5


def test_staff_see_stock_per_location_with_low_stock_flags(client, session_as,
                                                           demo_data):
    page = client.get("/staff/inkind?lang=en", headers=session_as("staff").headers())
    html = page.body.decode()
    assert page.status_code == 200
    assert "Hygiene pack" in html and "Office store room" in html
    row = html.split('id="stock-welcome-bag"')[1].split("</tr>")[0]
    assert "Low stock" in row and '<td class="num total">17</td>' in row
    packs = html.split('id="stock-hygiene-pack"')[1].split("</tr>")[0]
    assert "Low stock" not in packs and '<td class="num total">30</td>' in packs


def test_the_stock_api_answers_staff_and_refuses_the_public(client, demo_data):
    assert client.get("/api/stock").status_code == 401
    assert client.get("/api/stock", headers=bearer("volunteer")).status_code == 403
    body = json_body(client.get("/api/stock", headers=bearer("staff")))
    packs = next(s for s in body["stock"] if s["item_id"] == "hygiene-pack")
    assert packs["by_location"] == {"office": 30} and packs["total"] == 30


def test_a_distribution_through_the_api_is_audited_and_refused_beyond_stock(
        client, demo_data):
    headers = {**bearer("coordinator"), "Idempotency-Key": "dist-0001-abcd"}
    body = json.dumps({"item_id": "hygiene-pack", "quantity": 4, "location": "office",
                       "client_code": "K-2026-031"})
    ok = client.post("/api/inkind/distributions", headers=headers, body=body)
    assert ok.status_code == 201
    again = client.post("/api/inkind/distributions", headers=headers, body=body)
    assert again.status_code == 200 and json_body(again)["created"] is False
    assert stock.quantity("hygiene-pack", "office") == 26
    audited = {(e.action, e.record_type, e.record_id) for e in recent()}
    assert ("update", "client", "K-2026-031") in audited
    too_many = client.post("/api/inkind/distributions", headers=bearer("staff"),
                           body=json.dumps({"item_id": "hygiene-pack", "quantity": 27,
                                            "location": "office",
                                            "shelter_id": "crisis-centre-bergen"}))
    assert too_many.status_code == 409
    assert json_body(too_many)["error"]["code"] == "insufficient_stock"
    assert stock.quantity("hygiene-pack", "office") == 26


def test_expired_tickets_are_refused_through_the_api(client, demo_data):
    from chalicelib.inkind.models import Item

    Item("fjord-cruise-ticket").update(actions=[Item.expires_on.set("2020-05-30")])
    response = client.post("/api/inkind/distributions", headers=bearer("staff"),
                           body=json.dumps({"item_id": "fjord-cruise-ticket",
                                            "quantity": 1, "location": "office",
                                            "client_code": "K-2026-012"}))
    assert response.status_code == 409
    assert json_body(response)["error"]["code"] == "item_expired"


def test_a_walk_in_receipt_through_the_api_adds_stock_and_value(client, demo_data):
    body = json.dumps({"giver": "Fjellby Lions", "location": "storage",
                       "lines": [{"item_id": "wool-socks", "quantity": 10},
                                 {"item_id": "towel", "quantity": 4, "value": 50_000}]})
    response = client.post("/api/inkind/receipts", headers=bearer("staff"), body=body)
    assert response.status_code == 201
    assert stock.quantity("wool-socks", "storage") == 20 - 10 + 10
    bad = client.post("/api/inkind/receipts", headers=bearer("staff"), body=json.dumps(
        {"giver": "X", "location": "storage",
         "lines": [{"item_id": "towel", "quantity": 0}]}))
    assert bad.status_code == 400
    unknown = client.post("/api/inkind/receipts", headers=bearer("staff"), body=json.dumps(
        {"giver": "X", "location": "storage",
         "lines": [{"item_id": "gold", "quantity": 1}]}))
    assert json_body(unknown)["error"]["code"] == "unknown_item"


def test_staff_receive_a_pledge_partly_then_fully(client, session_as, demo_data):
    staff = session_as("staff")
    pledge_page = client.get("/staff/inkind/pledges?lang=en", headers=staff.headers())
    assert "Fjellby menighet" in pledge_page.body.decode()
    headers, body = staff.form({"action": "receive", "quantity": "8",
                                "location": "storage", "request_id": "recv-0001-aaaa"})
    client.post("/staff/inkind/pledges/demo-p-church", headers=headers, body=body)
    pledge = needs.get_pledge("demo-p-church")
    assert (pledge.status, pledge.received) == ("partly", 8)
    headers, body = staff.form({"action": "receive", "quantity": "12",
                                "location": "storage", "request_id": "recv-0002-aaaa"})
    client.post("/staff/inkind/pledges/demo-p-church", headers=headers, body=body)
    assert needs.get_pledge("demo-p-church").status == "received"
    assert needs.get_need("demo-need-christmas").received == 20
    assert stock.quantity("christmas-package", "storage") == 25 + 20
    headers, body = staff.form({"action": "receive", "quantity": "1",
                                "location": "storage", "request_id": "recv-0003-aaaa"})
    closed = client.post("/staff/inkind/pledges/demo-p-church", headers=headers,
                         body=body)
    assert closed.status_code == 409


def test_a_cancelled_pledge_no_longer_counts_towards_its_need(client, session_as,
                                                              demo_data):
    staff = session_as("staff")
    headers, body = staff.form({"action": "cancel"})
    asked = client.post("/staff/inkind/pledges/demo-p-church?lang=en",
                        headers=headers, body=body)
    text = asked.body.decode()
    assert "Cancel the pledge from" in text and "are no longer expected" in text
    assert 'href="/staff/inkind/pledges">Cancel, go back</a>' in text
    assert needs.get_pledge("demo-p-church").status == "open"
    headers, body = staff.form({"action": "cancel", "_confirmed": "yes"})
    client.post("/staff/inkind/pledges/demo-p-church", headers=headers, body=body)
    assert needs.get_pledge("demo-p-church").status == "cancelled"
    assert needs.get_need("demo-need-christmas").pledged == 0


def test_staff_publish_and_close_needs_from_the_page(client, session_as, demo_data):
    staff = session_as("staff")
    headers, body = staff.form({"item_id": "festival-ticket", "wanted": "20",
                                "wanted_by": "2027-06-01", "text_nb": "Til sommeren",
                                "text_en": "For the summer", "text_es": "Para el verano",
                                "request_id": "need-0001-aaaa"})
    client.post("/staff/inkind/needs", headers=headers, body=body)
    assert "For the summer" in client.get("/needs?lang=en").body.decode()
    [need_id] = [need.need_id for need in needs.open_needs()
                 if need.item_id == "festival-ticket" and need.wanted == 20]
    headers, body = staff.form({"action": "close", "need_id": need_id})
    client.post("/staff/inkind/needs", headers=headers, body=body)
    assert "For the summer" not in client.get("/needs?lang=en").body.decode()


def test_staff_add_a_kit_to_the_catalogue_and_assemble_it(client, session_as,
                                                          demo_data):
    staff = session_as("staff")
    headers, body = staff.form({"item_id": "baby-bag", "name_nb": "Babypose",
                                "name_en": "Baby bag", "unit": "bag", "value": "200",
                                "kind": "kit", "components": "soap:1, towel:1",
                                "low_stock": "2"})
    assert client.post("/staff/inkind/catalogue", headers=headers,
                       body=body).status_code == 303
    headers, body = staff.form({"action": "assemble", "item_id": "baby-bag",
                                "quantity": "3", "location": "storage",
                                "request_id": "asm-0001-aaaa"})
    client.post("/staff/inkind/movements", headers=headers, body=body)
    assert stock.quantity("baby-bag", "storage") == 3


def test_volunteers_and_the_public_cannot_move_stock(client, session_as, demo_data):
    headers, body = session_as("volunteer").form(
        {"action": "distribute", "item_id": "hygiene-pack", "quantity": "1",
         "location": "office", "client_code": "K-2026-031"})
    assert client.post("/staff/inkind/movements", headers=headers,
                       body=body).status_code == 403
    assert client.post("/api/inkind/distributions", body="{}", headers={
        "Content-Type": "application/json"}).status_code == 401
    assert stock.quantity("hygiene-pack", "office") == 30


def test_a_bad_quantity_shows_the_give_out_form_again_with_what_was_typed(
        client, session_as, demo_data):
    headers, body = session_as("staff").form(
        {"_form": "d", "action": "distribute", "item_id": "hygiene-pack",
         "quantity": "0", "location": "office", "client_code": "K-2026-031",
         "request_id": "bad-qty-1"})
    response = client.post("/staff/inkind/movements", headers=headers, body=body)
    assert response.status_code == 422
    page = read_page(response.body.decode())
    assert page.by_id["d-quantity"].invalid
    assert page.texts["d-quantity-error"] == "Skriv et helt tall større enn null."
    assert page.by_id["d-client_code"].attrs["value"] == "K-2026-031"
    assert page.by_id["d-item_id"].selected == ["hygiene-pack"]
    assert ("#d-quantity", "Skriv et helt tall større enn null.") in page.summary_links
    assert not page.by_id["t-quantity"].invalid  # the other forms stay as they were
    assert stock.quantity("hygiene-pack", "office") == 30


def test_over_distribution_keeps_the_form_and_says_what_is_left_beside_quantity(
        client, session_as, demo_data):
    headers, body = session_as("staff").form(
        {"_form": "d", "action": "distribute", "item_id": "hygiene-pack",
         "quantity": "31", "location": "office", "shelter_id": "crisis-centre-oslo",
         "request_id": "too-many-1"})
    response = client.post("/staff/inkind/movements?lang=en", headers=headers, body=body)
    assert response.status_code == 409
    page = read_page(response.body.decode())
    assert page.by_id["d-quantity"].invalid
    assert page.by_id["d-quantity"].attrs["value"] == "31"
    assert page.by_id["d-shelter_id"].attrs["value"] == "crisis-centre-oslo"
    assert "There are only 30 of Hygiene pack at Office store room." in page.texts[
        "d-quantity-error"]


def test_a_name_instead_of_a_client_code_marks_the_client_code_field(
        client, session_as, demo_data):
    headers, body = session_as("staff").form(
        {"_form": "d", "action": "distribute", "item_id": "hygiene-pack",
         "quantity": "2", "location": "office", "client_code": "Maria Olsen",
         "children": "1", "request_id": "name-1"})
    response = client.post("/staff/inkind/movements", headers=headers, body=body)
    page = read_page(response.body.decode())
    assert response.status_code == 422
    assert page.by_id["d-client_code"].invalid
    assert page.by_id["d-client_code"].attrs["value"] == "Maria Olsen"
    assert page.by_id["d-quantity"].attrs["value"] == "2"
    assert page.by_id["d-children"].attrs["value"] == "1"
    assert page.texts["d-client_code-error"] == "En klientkode ser slik ut: K-2025-031."
    assert stock.quantity("hygiene-pack", "office") == 30


def test_a_failed_write_off_keeps_its_reason_and_marks_nothing_in_other_forms(
        client, session_as, demo_data):
    headers, body = session_as("staff").form(
        {"_form": "w", "action": "write_off", "item_id": "soap", "quantity": "9999",
         "location": "office", "reason": "Våt etter lekkasje", "request_id": "w-1"})
    response = client.post("/staff/inkind/movements", headers=headers, body=body)
    page = read_page(response.body.decode())
    assert response.status_code == 409
    assert page.by_id["w-reason"].attrs["value"] == "Våt etter lekkasje"
    assert page.by_id["w-quantity"].invalid
    assert page.by_id["d-quantity"].attrs["value"] == ""
    assert not page.by_id["d-quantity"].invalid


def test_reconciliation_finds_nothing_after_demo_and_flags_a_tampered_row(demo_data):
    assert stock.reconcile() == {}
    stock.Stock("soap", "storage").update(actions=[stock.Stock.quantity.add(3)])
    assert stock.reconcile() == {("soap", "storage"): (23, 20)}


def test_a_walk_in_gift_with_a_value_in_words_keeps_the_giver_and_marks_the_value(
        client, session_as, demo_data):
    headers, body = session_as("staff").form(
        {"giver": "Fjellby menighet", "item_id": "soap", "quantity": "4",
         "value": "femti", "location": "storage", "expires_on": "",
         "need_id": "", "request_id": "walk-in-1"})
    response = client.post("/staff/inkind/receipts", headers=headers, body=body)
    page = read_page(response.body.decode())
    assert response.status_code == 422
    assert page.by_id["value"].invalid and page.by_id["value"].attrs["value"] == "femti"
    assert page.by_id["giver"].attrs["value"] == "Fjellby menighet"
    assert page.by_id["quantity"].attrs["value"] == "4"
    assert page.by_id["location"].selected == ["storage"]
    assert "checked" not in page.by_id["thank_by_name"].attrs  # left unticked
    assert stock.quantity("soap", "storage") == 20


def test_receiving_nothing_of_a_pledge_keeps_that_pledges_form_marked(
        client, session_as, demo_data):
    staff = session_as("staff")
    headers, body = staff.form({"_form": "p-demo-p-church", "action": "receive",
                                "quantity": "0", "location": "storage",
                                "request_id": "recv-bad-1"})
    response = client.post("/staff/inkind/pledges/demo-p-church", headers=headers,
                           body=body)
    page = read_page(response.body.decode())
    assert response.status_code == 422
    assert page.by_id["p-demo-p-church-quantity"].invalid
    assert page.by_id["p-demo-p-church-quantity"].attrs["value"] == "0"
    assert needs.get_pledge("demo-p-church").received == 0


def test_a_need_text_naming_a_phone_keeps_every_text_and_marks_that_one(
        client, session_as, demo_data):
    headers, body = session_as("staff").form(
        {"_form": "n", "item_id": "soap", "wanted": "40", "wanted_by": "",
         "text_nb": "Ring 912 34 567 for levering", "text_en": "Soap for winter",
         "text_es": "", "request_id": "need-form-1"})
    response = client.post("/staff/inkind/needs", headers=headers, body=body)
    page = read_page(response.body.decode())
    assert response.status_code == 422
    assert page.by_id["n-text_nb"].invalid
    assert page.by_id["n-text_nb"].value == "Ring 912 34 567 for levering"
    assert page.by_id["n-text_en"].value == "Soap for winter"
    assert page.by_id["n-wanted"].attrs["value"] == "40"
    assert not page.by_id["n-text_en"].invalid


def test_a_catalogue_item_id_with_spaces_keeps_the_names_typed(
        client, session_as, demo_data):
    headers, body = session_as("staff").form(
        {"item_id": "Vinter Sokker", "name_nb": "Vintersokker", "name_en": "Socks",
         "name_es": "", "unit": "pair", "value": "40", "kind": "goods",
         "expires_on": "", "components": "", "low_stock": "3"})
    response = client.post("/staff/inkind/catalogue", headers=headers, body=body)
    page = read_page(response.body.decode())
    assert response.status_code == 422
    assert page.by_id["item_id"].invalid
    assert page.by_id["item_id"].attrs["value"] == "Vinter Sokker"
    assert page.by_id["name_nb"].attrs["value"] == "Vintersokker"
    assert page.by_id["low_stock"].attrs["value"] == "3"
    assert page.by_id["kind"].selected == ["goods"]
