"""Every free-text field goes through the guard for its audience: a refusal
is a JSON error with a stable code or the same form again, and nothing is
written."""
from __future__ import annotations

import json

from chalicelib.disbursements.models import Disbursement
from chalicelib.funds.models import LedgerEntry
from chalicelib.inkind.models import Need
from chalicelib.volunteers.models import Task
from tests.conftest import bearer
from tests.inkind.helpers import add_items
from tests.money_helpers import make_fund
from tests.shelters.helpers import make_shelter
from tests.volunteers.helpers import next_weekday

FNR = "12039045697"


def _refused(response, field: str) -> dict:
    body = json.loads(response.body)["error"]
    assert response.status_code == 422 and body["code"] == "identity_in_text"
    assert field in body["fields"]
    return body


def test_a_payment_note_with_a_name_and_phone_is_refused_and_the_form_kept(
    client, session_as
):
    make_fund("general", nok=1000)
    note = "Til Maria Hansen, tlf 912 34 567"
    headers, body = session_as("staff").form({
        "client_code": "K-2025-031", "amount": "450", "purpose": "food",
        "method": "payment_card", "fund_id": "general", "note": note,
        "idempotency_key": "form-1"}, )
    page = client.post("/staff/disbursements?lang=nb", body=body, headers=headers)
    text = page.body.decode()
    assert page.status_code == 422 and "Fjern telefonnummeret." in text
    assert "Maria Hansen" in text  # what was typed, to correct
    assert list(Disbursement.scan()) == []


def test_the_payment_api_refuses_a_national_id_in_the_note_with_a_stable_code(client):
    make_fund("general", nok=1000)
    response = client.post("/api/disbursements", headers=bearer("staff"), body=json.dumps({
        "client_code": "K-2025-031", "amount": 100_00, "purpose": "food",
        "method": "payment_card", "fund_id": "general",
        "note": f"fnr {FNR[:6]} {FNR[6:]}"}))
    _refused(response, "note")
    assert list(Disbursement.scan()) == []


def test_a_transfer_memo_with_an_email_is_refused_and_no_money_moves(client):
    make_fund("general", nok=1000)
    make_fund("food", nok=0)
    response = client.post("/api/funds/transfers", headers=bearer("finance"),
                           body=json.dumps({"from_fund": "general", "to_fund": "food",
                                            "amount": 100_00,
                                            "reason": "ref maria@example.no"}))
    _refused(response, "reason")
    assert [e.kind for e in LedgerEntry.query("food")] == []


def test_a_volunteer_task_naming_a_registered_shelter_and_its_address_is_refused(
    client,
):
    make_shelter("sh-laura", name="Lauras hus")
    from chalicelib.shelters.models import ShelterSecret

    ShelterSecret("sh-laura", address="Demoveien 12, 0123 Oslo", contact="x").save()
    for place in ("Kjøre til Lauras Hus", "Demoveien 12"):
        response = client.post("/api/tasks", headers=bearer("staff"), body=json.dumps({
            "what": "Kjøre en pakke", "place": place, "starts_at": next_weekday(),
            "region": "oslo"}))
        _refused(response, "place")
    assert list(Task.scan()) == []


def test_a_public_need_text_with_a_client_code_is_refused(client, session_as):
    add_items()
    headers, body = session_as("staff").form({
        "item_id": "soap", "wanted": "10", "request_id": "r1",
        "text_nb": "Såpe til K-2025-031", "text_en": "", "text_es": ""})
    page = client.post("/staff/inkind/needs", body=body, headers=headers)
    assert page.status_code == 422
    assert list(Need.scan()) == []
