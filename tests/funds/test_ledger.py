"""The ledger, transfers, fund administration and reconciliation."""

from __future__ import annotations

import json

from chalicelib.audit.service import SYSTEM
from chalicelib.funds.models import Fund
from chalicelib.funds.service import Posting, post_movement, reconcile
from devtools import reconcile as reconcile_command
from tests.conftest import bearer, json_body
from tests.form_helpers import read_page
from tests.money_helpers import balance, make_fund


def test_the_ledger_api_pages_through_entries_newest_first(client):
    make_fund("general")
    for number in range(5):
        post_movement(f"m{number}", "gift", [Posting("general", 100 + number)],
                      SYSTEM)
    first = json_body(client.get("/api/funds/general/ledger?limit=3",
                                 headers=bearer("finance")))
    assert [e["amount"] for e in first["entries"]] == [104, 103, 102]
    second = json_body(client.get(
        f"/api/funds/general/ledger?limit=3&after={first['next']}",
        headers=bearer("finance")))
    assert [e["amount"] for e in second["entries"]] == [101, 100]
    assert client.get("/api/funds/general/ledger",
                      headers=bearer("staff")).status_code == 403
    assert client.get("/api/funds/nope/ledger",
                      headers=bearer("finance")).status_code == 404


def test_a_transfer_moves_money_but_never_more_than_there_is(client):
    make_fund("general", nok=1000)
    make_fund("christmas")
    body = {"from_fund": "general", "to_fund": "christmas", "amount": 400_00,
            "reason": "Christmas campaign"}
    response = client.post("/api/funds/transfers", body=json.dumps(body),
                           headers=bearer("finance"))
    assert response.status_code == 201
    assert (balance("general"), balance("christmas")) == (600_00, 400_00)
    too_much = client.post("/api/funds/transfers",
                           body=json.dumps({**body, "amount": 700_00}),
                           headers=bearer("finance"))
    assert json_body(too_much)["error"]["code"] == "fund_exhausted"
    assert (balance("general"), balance("christmas")) == (600_00, 400_00)


def test_reconciliation_is_zero_after_normal_work_and_finds_drift(client):
    make_fund("general", nok=1000)
    post_movement("d1", "disbursement", [Posting("general", -300_00)], SYSTEM)
    assert all(d.ok for d in reconcile())
    Fund("general").update(actions=[Fund.balance.add(1)])  # someone edited it
    (drift,) = reconcile()
    assert drift.drift == 1 and not drift.ok
    assert reconcile_command.main() == 1


def test_make_reconcile_exits_zero_when_the_books_agree(capsys):
    make_fund("general", nok=1000)
    assert reconcile_command.main() == 0
    assert "1 funds checked, 0 with drift" in capsys.readouterr().out


def test_an_admin_creates_and_edits_a_fund_on_the_funds_page(client, session_as):
    admin = session_as("admin")
    headers, body = admin.form({
        "action": "create", "fund_id": "vocational", "name_nb": "Yrkesopplæring",
        "name_en": "Vocational training", "name_es": "Formación profesional",
        "restricted": "on", "purposes": ["transport", "other"]})
    page = admin.follow(client, client.post("/staff/funds", body=body, headers=headers),
                        lang="nb")
    assert page.status_code == 200 and "Yrkesopplæring" in page.body.decode()
    assert "Fondet er lagret." in page.body.decode()
    fund = Fund.get("vocational")
    assert fund.restricted and fund.purposes == {"transport", "other"}
    headers, body = admin.form({
        "action": "update", "fund_id": "vocational", "name_nb": "Yrkesskole",
        "name_en": "Vocational", "name_es": "Formación", "public": "on",
        "active": "on"})
    client.post("/staff/funds", body=body, headers=headers)
    fund = Fund.get("vocational")
    assert fund.name("nb") == "Yrkesskole" and fund.public and not fund.restricted


def test_finance_cannot_create_funds_and_a_fund_needs_three_names(client,
                                                                  session_as):
    headers, body = session_as("finance").form({
        "action": "create", "fund_id": "x1", "name_nb": "a", "name_en": "b",
        "name_es": "c"})
    client.post("/staff/funds", body=body, headers=headers)
    assert list(Fund.scan()) == []
    headers, body = session_as("admin").form({
        "_form": "fund-new", "action": "create", "fund_id": "x1", "name_nb": "a",
        "restricted": "on", "purposes": ["transport"]})
    page = client.post("/staff/funds", body=body, headers=headers)
    assert page.status_code == 422 and list(Fund.scan()) == []
    form = read_page(page.body.decode())
    assert form.by_id["fund-new-name_en"].invalid
    assert form.by_id["fund-new-fund_id"].attrs["value"] == "x1"
    assert form.by_id["fund-new-name_nb"].attrs["value"] == "a"
    assert "checked" in form.by_id["fund-new-restricted"].attrs
    assert "checked" in form.by_id["fund-new-purposes-transport"].attrs
    assert "checked" not in form.by_id["fund-new-purposes-food"].attrs


def test_the_admin_reconcile_button_reports_each_fund(client, session_as):
    make_fund("general", nok=10)
    admin = session_as("admin")
    headers, body = admin.form({"action": "reconcile"})
    page = admin.follow(client, client.post("/staff/funds", body=body, headers=headers),
                        lang="nb").body.decode()
    assert "general" in page and "10,00" in page


def test_finance_lists_funds_with_balances_and_names(client):
    make_fund("general", nok=12)
    body = json_body(client.get("/api/funds", headers=bearer("finance")))
    assert body["funds"] == [{
        "fund_id": "general", "names": {"nb": "general", "en": "general",
                                        "es": "general"},
        "restricted": False, "public": False, "purposes": [], "balance": 12_00}]


def test_earmarked_money_cannot_be_transferred_to_an_unrestricted_fund(client):
    make_fund("general", nok=0)
    make_fund("christmas", nok=500, restricted=True, purposes={"food"})
    body = {"from_fund": "christmas", "to_fund": "general", "amount": 100_00,
            "reason": "needed elsewhere"}
    response = client.post("/api/funds/transfers", body=json.dumps(body),
                           headers=bearer("finance"))
    assert response.status_code == 409
    assert json_body(response)["error"]["code"] == "restricted_money"
    assert (balance("christmas"), balance("general")) == (500_00, 0)


def test_a_transfer_of_more_than_the_fund_holds_keeps_the_form_filled_in(
        client, session_as):
    make_fund("general", nok=100)
    make_fund("winter", nok=0)
    headers, body = session_as("finance").form({
        "_form": "transfer", "action": "transfer", "from_fund": "general",
        "to_fund": "winter", "amount": "hundre", "reason": "Vinterjakker",
        "idempotency_key": "t-form-1"})
    page = client.post("/staff/funds", body=body, headers=headers)
    form = read_page(page.body.decode())
    assert page.status_code == 422
    assert form.by_id["transfer-amount"].invalid
    assert form.by_id["transfer-amount"].attrs["value"] == "hundre"
    assert form.by_id["transfer-reason"].attrs["value"] == "Vinterjakker"
    assert form.by_id["transfer-to_fund"].selected == ["winter"]
    assert balance("winter") == 0
