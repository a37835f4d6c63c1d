"""Acting from the allocation view: moving money between funds, giving stock
to a shelter and holding a bed, each a POST form that comes back with a notice."""

from __future__ import annotations

from tests.form_helpers import read_page


def post(client, session, path: str, fields: dict, lang: str = "en"):
    headers, body = session.form(fields)
    return client.post(f"{path}?lang={lang}", headers=headers, body=body)


def balance(fund_id: str) -> int:
    from chalicelib.funds.models import Fund

    return int(Fund.get(fund_id).balance)


def test_finance_moves_unrestricted_money_into_an_earmarked_fund_once(
        client, session_as, demo):
    from chalicelib.funds.models import LedgerEntry

    before = balance("general"), balance("christmas")
    finance = session_as("finance")
    fields = {"from_fund": "general", "to_fund": "christmas", "amount": "1 500",
              "request_key": "form-key-0001"}
    first = post(client, finance, "/staff/allocation/transfer", fields)
    again = post(client, finance, "/staff/allocation/transfer", fields)
    assert first.status_code == again.status_code == 303
    assert "The money was moved." in finance.follow(client, first).body.decode()
    assert "This was done already; nothing changed." in finance.follow(
        client, again).body.decode()
    assert balance("general") == before[0] - 1500_00
    assert balance("christmas") == before[1] + 1500_00
    moved = [e for e in LedgerEntry.query("christmas") if e.kind == "transfer"]
    assert [int(e.amount) for e in moved] == [1500_00]


def test_earmarked_money_cannot_leave_for_a_fund_with_other_purposes(
        client, session_as, demo):
    before = balance("christmas"), balance("general"), balance("vocational")
    finance = session_as("finance")
    to_general = post(client, finance, "/staff/allocation/transfer", {
        "from_fund": "christmas", "to_fund": "general", "amount": "100",
        "request_key": "form-key-0002"}, lang="nb")
    assert to_general.status_code == 409
    assert "øremerket" in to_general.body.decode()
    to_vocational = post(client, finance, "/staff/allocation/transfer", {
        "from_fund": "christmas", "to_fund": "vocational", "amount": "100",
        "request_key": "form-key-0003"})
    assert to_vocational.status_code == 409
    assert (balance("christmas"), balance("general"), balance("vocational")) == before


def test_a_transfer_larger_than_the_balance_is_refused(client, session_as, demo):
    response = post(client, session_as("admin"), "/staff/allocation/transfer", {
        "from_fund": "christmas", "to_fund": "general", "amount": "100",
        "request_key": "form-key-0004"})
    assert response.status_code == 409  # restricted first
    response = post(client, session_as("admin"), "/staff/allocation/transfer", {
        "from_fund": "general", "to_fund": "christmas", "amount": "99999999",
        "request_key": "form-key-0005"})
    assert response.status_code == 409
    assert "has only" in response.body.decode()


def test_staff_may_not_move_money_nor_hold_beds(client, session_as, demo):
    staff = session_as("staff")
    before = balance("general")
    refused = post(client, staff, "/staff/allocation/transfer", {
        "from_fund": "general", "to_fund": "christmas", "amount": "10",
        "request_key": "form-key-0006"})
    assert refused.status_code == 403 and balance("general") == before
    hold = post(client, staff, "/staff/allocation/hold", {
        "shelter_id": "lauras-hus", "client_code": "K-2025-090", "hours": "4",
        "request_key": "form-key-0007"})
    assert hold.status_code == 403


def test_a_form_without_its_csrf_token_changes_nothing(client, session_as, demo):
    finance = session_as("finance")
    before = balance("general")
    headers, body = finance.form({"from_fund": "general", "to_fund": "christmas",
                                  "amount": "10", "request_key": "form-key-0008"},
                                 with_csrf=False)
    response = client.post("/staff/allocation/transfer", headers=headers, body=body)
    assert response.status_code == 403 and balance("general") == before


def test_staff_give_stock_to_a_shelter_through_the_inkind_service(
        client, session_as, demo):
    from chalicelib.inkind.models import StockMovement
    from chalicelib.inkind.stock import quantity

    before = quantity("hygiene-pack", "office")
    response = post(client, session_as("staff"), "/staff/allocation/stock", {
        "item_id": "hygiene-pack", "quantity": "3", "location": "office",
        "shelter_id": "lauras-hus", "request_key": "form-key-0009"})
    assert response.status_code == 303
    assert quantity("hygiene-pack", "office") == before - 3
    given = [m for m in StockMovement.by_kind_year.query(
        f"distribution#{m_year()}") if m.recipient_id == "lauras-hus"
        and m.movement_id.startswith("d-alloc-")]
    assert len(given) == 1


def m_year() -> int:
    from datetime import UTC, datetime

    return datetime.now(UTC).year


def test_too_many_units_are_refused_in_the_users_language(client, session_as, demo):
    response = post(client, session_as("coordinator"), "/staff/allocation/stock", {
        "item_id": "hygiene-pack", "quantity": "100000", "location": "office",
        "shelter_id": "lauras-hus", "request_key": "form-key-0010"}, lang="nb")
    assert response.status_code == 409
    assert 'role="alert"' in response.body.decode()


def test_a_coordinator_holds_a_bed_from_the_view(client, session_as, demo):
    from chalicelib.shelters.models import Hold

    response = post(client, session_as("coordinator"), "/staff/allocation/hold", {
        "shelter_id": "krisesenter-salten", "client_code": "k-2025-090",
        "hours": "4", "request_key": "form-key-0011"})
    assert response.status_code == 303
    holds = [h for h in Hold.scan() if h.client_code == "K-2025-090"]
    assert [h.shelter_id for h in holds] == ["krisesenter-salten"]


def test_a_bad_client_code_is_named_on_the_view(client, session_as, demo):
    response = post(client, session_as("coordinator"), "/staff/allocation/hold", {
        "_form": "hold", "shelter_id": "krisesenter-salten",
        "client_code": "Ola Nordmann", "hours": "4", "request_key": "form-key-0012"})
    page = read_page(response.body.decode())
    assert response.status_code == 422
    assert page.by_id["hold-client_code"].invalid
    assert page.by_id["hold-client_code"].attrs["value"] == "Ola Nordmann"
    assert page.by_id["hold-hours"].attrs["value"] == "4"
    assert page.by_id["hold-shelter_id"].selected == ["krisesenter-salten"]
    assert "K-2025-031" in page.texts["hold-client_code-error"]
