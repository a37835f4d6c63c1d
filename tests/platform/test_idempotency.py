"""Idempotency keys on the JSON API and one-time nonces on page forms: one
mechanism (chalicelib.idempotency) for money, stock and the shelter registry.
A key is scoped to its user, used whole, refused when malformed; a retry
answers the committed result, the same key for another body is a 409."""

from __future__ import annotations

import json
import re

import pytest

from chalicelib.funds.models import Movement
from chalicelib.inkind import stock
from chalicelib.inkind.models import StockMovement
from chalicelib.shelters.models import Shelter, ShelterSecret
from tests.conftest import bearer, json_body
from tests.inkind.helpers import add_items, receive
from tests.money_helpers import balance, make_fund


def transfer(client, key, amount=100_00, role="finance", user_id=None, **extra):
    headers = bearer(role, user_id)
    if key is not None:
        headers["Idempotency-Key"] = key
    body = {"from_fund": "general", "to_fund": "other", "amount": amount,
            "reason": "rebalance", **extra}
    return client.post("/api/funds/transfers", headers=headers, body=json.dumps(body))


@pytest.fixture
def funds():
    make_fund("general", nok=1000)
    make_fund("other")


def transfers() -> list[Movement]:
    return [m for m in Movement.scan() if m.kind == "transfer"]


def test_a_retried_transfer_with_the_same_key_and_body_is_answered_not_repeated(
    client, funds
):
    first = transfer(client, "retry-me")
    again = transfer(client, "retry-me")
    assert (first.status_code, again.status_code) == (201, 200)
    assert json_body(first)["movement_id"] == json_body(again)["movement_id"]
    assert balance("general") == 900_00 and balance("other") == 100_00
    assert len(transfers()) == 1


def test_the_same_key_with_another_body_is_refused_and_moves_nothing(client, funds):
    transfer(client, "one-key")
    other = transfer(client, "one-key", amount=200_00)
    assert other.status_code == 409
    assert json_body(other)["error"]["code"] == "idempotency_key_reused"
    assert balance("general") == 900_00 and len(transfers()) == 1


def test_two_users_with_the_same_key_each_get_their_own_transfer(client, funds):
    transfer(client, "shared-key", user_id="u-finance-1")
    second = transfer(client, "shared-key", user_id="u-finance-2")
    assert second.status_code == 201
    assert balance("other") == 200_00 and len(transfers()) == 2


def test_long_keys_are_used_whole_never_cut(client, funds):
    prefix = "k" * 80
    transfer(client, prefix + "-a")
    second = transfer(client, prefix + "-b")
    assert second.status_code == 201
    assert len(transfers()) == 2


@pytest.mark.parametrize("key", ["has space", "x" * 256, "nøkkel", "tab\tkey"])
def test_a_malformed_key_is_refused_with_a_stable_code_and_writes_nothing(
    client, funds, key
):
    response = transfer(client, key)
    assert response.status_code == 400
    assert json_body(response)["error"]["code"] == "invalid_idempotency_key"
    assert transfers() == [] and balance("general") == 1000_00


def test_a_255_character_key_is_accepted(client, funds):
    assert transfer(client, "k" * 255).status_code == 201


def test_a_disbursement_key_longer_than_100_characters_is_not_cut(client):
    make_fund("emergency", nok=5000)
    headers = {**bearer("staff")}
    bodies = []
    for suffix in ("a", "b"):
        headers["Idempotency-Key"] = "d" * 120 + suffix
        bodies.append(client.post("/api/disbursements", headers=headers, body=json.dumps({
            "client_code": "K-2025-031", "amount": 100_00, "purpose": "food",
            "method": "cash", "fund_id": "emergency"})))
    assert [r.status_code for r in bodies] == [201, 201]
    assert balance("emergency") == 4800_00


def test_a_retried_cash_box_top_up_moves_the_money_once(client):
    make_fund("emergency", nok=5000)
    client.post("/api/cash-boxes", headers=bearer("admin"), body=json.dumps(
        {"office": "oslo", "source_fund": "emergency"}))
    headers = {**bearer("finance"), "Idempotency-Key": "top-up-1"}
    answers = [client.post("/api/cash-boxes/cashbox-oslo/top-ups", headers=headers,
                           body=json.dumps({"amount": 500_00})) for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 200]
    assert balance("cashbox-oslo") == 500_00
    changed = client.post("/api/cash-boxes/cashbox-oslo/top-ups", headers=headers,
                          body=json.dumps({"amount": 700_00}))
    assert json_body(changed)["error"]["code"] == "idempotency_key_reused"
    assert balance("cashbox-oslo") == 500_00


def test_a_retried_cash_count_is_recorded_once_with_its_difference_booked_once(client):
    from chalicelib.disbursements.cashbox import counts

    make_fund("emergency", nok=5000)
    client.post("/api/cash-boxes", headers=bearer("admin"), body=json.dumps(
        {"office": "oslo", "source_fund": "emergency"}))
    headers = {**bearer("finance"), "Idempotency-Key": "count-1"}
    client.post("/api/cash-boxes/cashbox-oslo/top-ups", headers=bearer("finance"),
                body=json.dumps({"amount": 500_00}))
    answers = [client.post("/api/cash-boxes/cashbox-oslo/counts", headers=headers,
                           body=json.dumps({"amount": 480_00})) for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 200]
    assert [(int(c.counted), int(c.difference)) for c in counts("cashbox-oslo")] == [
        (480_00, -20_00)]
    assert balance("cashbox-oslo") == 480_00
    changed = client.post("/api/cash-boxes/cashbox-oslo/counts", headers=headers,
                          body=json.dumps({"amount": 470_00}))
    assert json_body(changed)["error"]["code"] == "idempotency_key_reused"
    assert len(counts("cashbox-oslo")) == 1


def test_a_double_submitted_count_form_records_one_count(client, session_as):
    from chalicelib.disbursements.cashbox import counts

    make_fund("emergency", nok=5000)
    client.post("/api/cash-boxes", headers=bearer("admin"), body=json.dumps(
        {"office": "oslo", "source_fund": "emergency"}))
    finance = session_as("finance")
    page = client.get("/staff/cash-boxes", headers=finance.headers()).body.decode()
    key = page.split('name="idempotency_key" value="')[1].split('"')[0]
    assert "-count-" in key
    headers, body = finance.form({"action": "count", "box_id": "cashbox-oslo",
                                  "counted": "0", "idempotency_key": key})
    texts = [finance.follow(client, client.post("/staff/cash-boxes", headers=headers,
                                                body=body)).body.decode()
             for _ in range(2)]
    assert "The count was recorded." in texts[0]
    assert "This count was already recorded" in texts[1]
    assert len(counts("cashbox-oslo")) == 1


def distribute(client, key, quantity=2, user_id=None):
    headers = {**bearer("staff", user_id), "Idempotency-Key": key}
    return client.post("/api/inkind/distributions", headers=headers, body=json.dumps(
        {"item_id": "hygiene-pack", "quantity": quantity, "location": "office",
         "client_code": "K-2025-031"}))


def test_short_in_kind_keys_are_kept_so_a_retry_gives_out_the_items_once(client):
    add_items()
    receive("hygiene-pack", 10)
    first, again = distribute(client, "x"), distribute(client, "x")
    assert (first.status_code, again.status_code) == (201, 200)
    assert stock.quantity("hygiene-pack", "office") == 8
    other = distribute(client, "x", quantity=3)
    assert json_body(other)["error"]["code"] == "idempotency_key_reused"
    assert distribute(client, "x", user_id="u-staff-2").status_code == 201
    assert stock.quantity("hygiene-pack", "office") == 6


def test_a_malformed_in_kind_key_is_refused_not_replaced(client):
    add_items()
    receive("hygiene-pack", 10)
    response = distribute(client, "not ok")
    assert json_body(response)["error"]["code"] == "invalid_idempotency_key"
    assert stock.quantity("hygiene-pack", "office") == 10


def register(client, key, name="Krisesenter Bodø"):
    headers = {**bearer("coordinator"), "Idempotency-Key": key}
    return client.post("/api/shelters", headers=headers, body=json.dumps({
        "name": name, "kind": "crisis_centre", "region": "Nordland",
        "address": "Havnegata 1", "total": 4}))


def test_a_retried_shelter_registration_makes_one_shelter_with_its_address(client):
    first, again = register(client, "reg-1"), register(client, "reg-1")
    assert json_body(first)["shelter_id"] == json_body(again)["shelter_id"]
    [shelter] = list(Shelter.scan())
    assert ShelterSecret.get(shelter.shelter_id).address == "Havnegata 1"
    other = register(client, "reg-1", name="Another")
    assert json_body(other)["error"]["code"] == "idempotency_key_reused"
    assert len(list(Shelter.scan())) == 1


def test_the_same_hold_key_for_another_client_is_refused(client):
    from tests.shelters.helpers import make_shelter

    make_shelter("sh-test", total=3)
    headers = {**bearer("coordinator"), "Idempotency-Key": "hold-1"}
    url = "/api/shelters/sh-test/holds"
    first = client.post(url, headers=headers, body=json.dumps({"client_code": "K-2025-031"}))
    again = client.post(url, headers=headers, body=json.dumps({"client_code": "K-2025-031"}))
    assert json_body(first)["hold_id"] == json_body(again)["hold_id"]
    other = client.post(url, headers=headers, body=json.dumps({"client_code": "K-2025-032"}))
    assert json_body(other)["error"]["code"] == "idempotency_key_reused"
    assert len(Shelter.get("sh-test").holds.as_dict()) == 1


# --- one-time nonces on page forms ---------------------------------------------
def nonce(html: str, name: str = "idempotency_key") -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


def test_a_double_submitted_funds_transfer_form_moves_the_money_once(
    client, funds, session_as
):
    finance = session_as("finance")
    page = client.get("/staff/funds?lang=en", headers=finance.headers()).body.decode()
    form = {"action": "transfer", "from_fund": "general", "to_fund": "other",
            "amount": "100", "reason": "rebalance", "idempotency_key": nonce(page)}
    answers = [finance.follow(client, client.post(
        "/staff/funds?lang=en", headers=finance.form(form)[0],
        body=finance.form(form)[1])) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert "already posted" in answers[1].body.decode()
    assert balance("general") == 900_00 and len(transfers()) == 1


def test_a_transfer_form_without_its_nonce_moves_nothing(client, funds, session_as):
    finance = session_as("finance")
    headers, body = finance.form({"_form": "transfer", "action": "transfer",
                                  "from_fund": "general", "to_fund": "other",
                                  "amount": "100", "reason": "rebalance"})
    response = client.post("/staff/funds", headers=headers, body=body)
    assert response.status_code == 422  # the form again, with a fresh nonce
    assert 'value="rebalance"' in response.body.decode()
    assert balance("general") == 1000_00


def test_a_double_submitted_cash_box_top_up_form_moves_the_money_once(
    client, session_as
):
    make_fund("emergency", nok=5000)
    client.post("/api/cash-boxes", headers=bearer("admin"), body=json.dumps(
        {"office": "oslo", "source_fund": "emergency"}))
    finance = session_as("finance")
    page = client.get("/staff/cash-boxes", headers=finance.headers()).body.decode()
    headers, body = finance.form({"action": "top_up", "box_id": "cashbox-oslo",
                                  "amount": "300", "idempotency_key": nonce(page)})
    answers = [finance.follow(client, client.post("/staff/cash-boxes", headers=headers,
                                                  body=body)) for _ in range(2)]
    assert "The cash box was topped up." in answers[0].body.decode()
    assert "already made" in answers[1].body.decode()
    assert balance("cashbox-oslo") == 300_00 and balance("emergency") == 4700_00


def test_a_double_submitted_distribution_form_gives_out_the_items_once(
    client, session_as
):
    add_items()
    receive("hygiene-pack", 10)
    staff = session_as("staff")
    page = client.get("/staff/inkind", headers=staff.headers()).body.decode()
    headers, body = staff.form({
        "action": "distribute", "item_id": "hygiene-pack", "quantity": "4",
        "location": "office", "client_code": "K-2025-031",
        "request_id": nonce(page, "request_id")})
    for _ in range(2):
        assert client.post("/staff/inkind/movements", headers=headers,
                           body=body).status_code == 303
    assert stock.quantity("hygiene-pack", "office") == 6
    assert sum(1 for m in StockMovement.scan() if m.kind == "distribution") == 1


def test_a_double_submitted_shelter_registration_form_registers_one_shelter(
    client, session_as
):
    coordinator = session_as("coordinator")
    page = client.get("/staff/shelters/new", headers=coordinator.headers())
    headers, body = coordinator.form({
        "name": "Krisesenter Bodø", "kind": "crisis_centre", "region": "Nordland",
        "address": "Havnegata 1", "total": "4", "accepts_women": "1",
        "request_key": nonce(page.body.decode(), "request_key")})
    answers = [client.post("/staff/shelters/new", headers=headers, body=body)
               for _ in range(2)]
    assert [a.status_code for a in answers] == [303, 303]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    assert len(list(Shelter.scan())) == 1


def test_a_give_out_form_sent_again_from_another_page_is_answered_not_refused(
    client, session_as
):
    add_items()
    receive("hygiene-pack", 10)
    staff = session_as("staff")
    form = {"action": "distribute", "item_id": "hygiene-pack", "quantity": "2",
            "location": "office", "client_code": "K-2025-031",
            "request_id": "give-nonce-1"}
    sent = [client.post(url, headers=staff.form(fields)[0], body=staff.form(fields)[1])
            for url, fields in [
                ("/staff/inkind/movements", {**form, "_form": "d"}),
                ("/staff/inkind/movements?lang=en", {**form, "shelter_id": ""}),
                ("/staff/inkind/movements?lang=es", {**form, "_form": "give"})]]
    assert [r.status_code for r in sent] == [303, 303, 303]
    assert stock.quantity("hygiene-pack", "office") == 8
    other = client.post("/staff/inkind/movements", headers=staff.form(form)[0],
                        body=staff.form({**form, "quantity": "3"})[1])
    assert other.status_code == 409
    assert stock.quantity("hygiene-pack", "office") == 8
