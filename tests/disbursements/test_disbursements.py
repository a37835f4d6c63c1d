"""Emergency cash as staff, finance and API clients notice it."""

from __future__ import annotations

import json

import pytest

from chalicelib.audit.service import recent
from chalicelib.disbursements.models import Disbursement
from chalicelib.funds.models import LedgerEntry
from tests.conftest import bearer, json_body
from tests.money_helpers import balance, make_fund


def pay(client, body=None, role="staff", key=None, user_id=None, **changes):
    data = {"client_code": "K-2025-031", "amount": 50000, "purpose": "food",
            "method": "payment_card", "fund_id": "general", **changes}
    headers = bearer(role, user_id)
    if key:
        headers["Idempotency-Key"] = key
    return client.post("/api/disbursements", body=json.dumps(body or data),
                       headers=headers)


@pytest.fixture
def general():
    return make_fund("general", nok=10_000)


def test_a_small_disbursement_is_paid_at_once_and_leaves_the_fund(client, general):
    response = pay(client)
    assert response.status_code == 201
    assert json_body(response)["status"] == "paid"
    assert balance("general") == 10_000_00 - 500_00
    kinds = [e.kind for e in LedgerEntry.query("general")]
    assert sorted(kinds) == ["disbursement", "opening"]
    assert any(e.record_type == "disbursement" for e in recent())


@pytest.mark.parametrize("changes,field", [
    ({"amount": 0}, "amount"), ({"amount": -100}, "amount"),
    ({"amount": 12.5}, "amount"), ({"amount": "100"}, "amount"),
    ({"amount": True}, "amount"), ({"client_code": "Maria"}, "client_code"),
    ({"client_code": "K-25-1"}, "client_code"), ({"purpose": "rent"}, "purpose"),
    ({"method": "crypto"}, "method"), ({"purpose": "other"}, "note"),
])
def test_bad_input_is_refused_and_writes_nothing(client, general, changes, field):
    response = pay(client, **changes)
    assert response.status_code == 400
    assert field in json_body(response)["error"]["fields"]
    assert balance("general") == 10_000_00
    assert list(Disbursement.scan()) == []


def test_an_unknown_fund_is_a_404(client, general):
    response = pay(client, fund_id="nope")
    assert response.status_code == 404
    assert json_body(response)["error"]["code"] == "unknown_fund"


def test_a_restricted_fund_pays_only_its_own_purposes(client):
    make_fund("christmas", nok=1000, restricted=True, purposes={"food", "clothes"})
    response = pay(client, fund_id="christmas", purpose="transport")
    assert response.status_code == 422
    assert json_body(response)["error"]["code"] == "purpose_not_covered"
    assert pay(client, fund_id="christmas", purpose="clothes").status_code == 201
    assert balance("christmas") == 500_00


def test_an_empty_fund_refuses_with_its_name_and_balance(client):
    make_fund("tiny", nok=100)
    response = pay(client, fund_id="tiny", amount=150_00)
    assert response.status_code == 409
    error = json_body(response)["error"]
    assert error["code"] == "fund_exhausted"
    assert "tiny" in error["message"] and "100,00" in error["message"]
    assert balance("tiny") == 100_00


def test_a_retry_with_the_same_idempotency_key_pays_once(client, general):
    first = pay(client, key="abc-1")
    again = pay(client, key="abc-1")
    assert first.status_code == 201 and again.status_code == 200
    assert json_body(first)["disbursement_id"] == json_body(again)["disbursement_id"]
    assert balance("general") == 10_000_00 - 500_00
    other = pay(client, key="abc-1", amount=600_00)
    assert other.status_code == 409
    assert json_body(other)["error"]["code"] == "idempotency_key_reused"
    assert len(list(Disbursement.scan())) == 1


def test_above_the_threshold_a_second_finance_person_must_approve(client, general):
    created = json_body(pay(client, amount=2500_00, role="finance", user_id="u-f1"))
    assert created["status"] == "pending"
    assert balance("general") == 10_000_00
    url = f"/api/disbursements/{created['disbursement_id']}/approve"
    own = client.post(url, body="{}", headers=bearer("finance", "u-f1"))
    assert json_body(own)["error"]["code"] == "own_approval"
    staff = client.post(url, body="{}", headers=bearer("staff"))
    assert staff.status_code == 403
    ok = client.post(url, body="{}", headers=bearer("finance", "u-f2"))
    assert json_body(ok)["status"] == "paid"
    assert balance("general") == 10_000_00 - 2500_00
    twice = client.post(url, body="{}", headers=bearer("admin"))
    assert json_body(twice)["error"]["code"] == "wrong_status"
    assert balance("general") == 10_000_00 - 2500_00


def test_a_rejected_disbursement_never_pays(client, general):
    created = json_body(pay(client, amount=3000_00))
    url = f"/api/disbursements/{created['disbursement_id']}/reject"
    response = client.post(url, body=json.dumps({"reason": "duplicate"}),
                           headers=bearer("finance"))
    assert json_body(response)["status"] == "rejected"
    assert balance("general") == 10_000_00


def test_approval_is_refused_when_the_fund_has_run_dry_meanwhile(client):
    make_fund("small", nok=3000)
    pending = json_body(pay(client, fund_id="small", amount=2500_00))
    pay(client, fund_id="small", amount=1000_00, client_code="K-2025-032")
    url = f"/api/disbursements/{pending['disbursement_id']}/approve"
    response = client.post(url, body="{}", headers=bearer("finance"))
    assert json_body(response)["error"]["code"] == "fund_exhausted"
    assert balance("small") == 2000_00
    assert Disbursement.get(pending["disbursement_id"]).status == "pending"


def test_the_30_day_limit_warns_and_only_finance_can_override(client, general):
    assert pay(client, amount=2000_00).status_code == 201
    assert pay(client, amount=2000_00).status_code == 201
    warned = pay(client, amount=2000_01)
    assert warned.status_code == 409
    assert json_body(warned)["error"]["code"] == "client_limit_exceeded"
    assert "K-2025-031" in json_body(warned)["error"]["message"]
    staff = pay(client, amount=2000_01, override_limit=True)
    assert json_body(staff)["error"]["code"] == "override_not_allowed"
    finance = pay(client, amount=2000_01, override_limit=True, role="finance")
    assert finance.status_code == 201 and json_body(finance)["over_limit"] is True
    other_client = pay(client, amount=2000_00, client_code="K-2025-032")
    assert other_client.status_code == 201


def test_a_reversal_restores_the_money_and_keeps_the_original(client, general):
    paid = json_body(pay(client))
    url = f"/api/disbursements/{paid['disbursement_id']}/reverse"
    refused = client.post(url, body="{}", headers=bearer("finance"))
    assert refused.status_code == 400
    response = client.post(url, body=json.dumps({"reason": "wrong client code"}),
                           headers=bearer("finance"))
    assert json_body(response)["status"] == "reversed"
    assert balance("general") == 10_000_00
    kinds = sorted(e.kind for e in LedgerEntry.query("general"))
    assert kinds == ["disbursement", "opening", "reversal"]
    again = client.post(url, body=json.dumps({"reason": "x"}),
                        headers=bearer("finance"))
    assert json_body(again)["error"]["code"] == "wrong_status"
    assert balance("general") == 10_000_00


def test_the_client_view_lists_payments_and_is_audit_logged(client, general):
    pay(client)
    response = client.get("/api/clients/K-2025-031/disbursements",
                          headers=bearer("staff"))
    assert [d["amount"] for d in json_body(response)["disbursements"]] == [50000]
    reads = [e for e in recent() if e.action == "read" and e.record_type == "client"]
    assert [e.record_id for e in reads] == ["K-2025-031"]
    bad = client.get("/api/clients/Maria/disbursements", headers=bearer("staff"))
    assert bad.status_code == 400


def test_volunteers_cannot_pay(client, general):
    assert pay(client, role="volunteer").status_code == 403


def test_the_case_worker_downloads_a_clients_payments_as_csv(
    client, general, session_as
):
    pay(client)
    response = client.get("/staff/clients/K-2025-031/disbursements.csv",
                          headers=session_as("staff").headers())
    lines = response.body.decode().splitlines()
    assert lines[0].startswith("\ufeffDato;Formål") and ";Mat;" in lines[1]
    assert lines[1].endswith(";500,00")
    assert any(e.record_id == "K-2025-031" and e.action == "read" for e in recent())


@pytest.mark.parametrize("spelling", ["K-２０２５-０３１", "k－2025－031", " K\u20122025-031 "])
def test_a_client_code_typed_with_other_digits_or_dashes_is_the_same_client(
        client, general, spelling):
    assert pay(client, amount=4000_00).status_code == 201
    again = pay(client, amount=2000_01, client_code=spelling)
    assert again.status_code == 409
    assert json_body(again)["error"]["code"] == "client_limit_exceeded"
    assert {d.client_code for d in Disbursement.scan()} == {"K-2025-031"}


def test_the_count_of_payments_waiting_for_approval_follows_each_decision(
        client, general):
    from chalicelib.disbursements.totals import waiting

    first = json_body(pay(client, amount=3000_00, key="w-1"))
    second = json_body(pay(client, amount=2500_00, key="w-2", client_code="K-2025-032"))
    pay(client, amount=3000_00, key="w-1")  # the same request again
    assert waiting() == (2, 5500_00)
    client.post(f"/api/disbursements/{first['disbursement_id']}/approve", body="{}",
                headers=bearer("finance"))
    assert waiting() == (1, 2500_00)
    client.post(f"/api/disbursements/{second['disbursement_id']}/reject",
                body=json.dumps({"reason": "Dobbelt"}), headers=bearer("finance"))
    client.post(f"/api/disbursements/{second['disbursement_id']}/reject",
                body=json.dumps({"reason": "Dobbelt"}), headers=bearer("finance"))
    assert waiting() == (0, 0)
