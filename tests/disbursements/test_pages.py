"""The staff pages, as a case worker and finance use them in the browser."""

from __future__ import annotations

import pytest

from chalicelib.demo import load_demo_data
from chalicelib.disbursements.models import Disbursement
from chalicelib.funds.service import reconcile
from tests.conftest import DEMO_PASSWORD
from tests.form_helpers import read_page
from tests.money_helpers import balance, make_fund


def form_pay(client, session, **fields):
    data = {"client_code": "K-2025-031", "amount": "450,50", "purpose": "food",
            "method": "payment_card", "fund_id": "general", "note": "",
            "idempotency_key": "form-1", **fields}
    headers, body = session.form(data)
    return client.post("/staff/disbursements", body=body, headers=headers)


def test_a_case_worker_logs_a_payment_with_the_form_once(client, session_as):
    make_fund("general", nok=1000)
    staff = session_as("staff")
    page = form_pay(client, staff)
    assert page.status_code == 200 and "K-2025-031" in page.body.decode()
    form_pay(client, staff)  # a double click sends the same form again
    assert balance("general") == 1000_00 - 450_50
    assert len(list(Disbursement.scan())) == 1


def test_the_form_shows_the_limit_warning_and_finance_may_override(
    client, session_as
):
    make_fund("general", nok=10_000)
    staff, finance = session_as("staff"), session_as("finance")
    for number in range(3):
        form_pay(client, staff, amount="1900", idempotency_key=f"k{number}")
    warned = form_pay(client, staff, amount="1000", idempotency_key="k9")
    text = warned.body.decode()
    assert warned.status_code == 409 and "K-2025-031" in text
    assert 'name="override_limit"' not in text
    offered = form_pay(client, finance, amount="1000", idempotency_key="k9")
    assert 'name="override_limit"' in offered.body.decode()
    form_pay(client, finance, amount="1000", idempotency_key="k9",
             override_limit="on")
    assert balance("general") == 10_000_00 - 6700_00


def test_finance_approves_a_large_payment_from_the_pending_list(client, session_as):
    make_fund("general", nok=10_000)
    form_pay(client, session_as("staff"), amount="2500")
    finance = session_as("finance")
    page = client.get("/staff/disbursements", headers=finance.headers())
    (pending,) = Disbursement.scan()
    assert pending.disbursement_id in page.body.decode()
    headers, body = finance.form({"action": "approve"})
    done = client.post(f"/staff/disbursements/{pending.disbursement_id}",
                       body=body, headers=headers)
    assert done.status_code == 303
    assert balance("general") == 10_000_00 - 2500_00


@pytest.mark.parametrize("path,role", [
    ("/staff/disbursements", "staff"), ("/staff/cash-boxes", "finance"),
    ("/staff/reports/disbursements", "finance"), ("/staff/bridging", "staff"),
    ("/staff/clients/K-2025-031", "staff"), ("/staff/funds", "admin"),
    ("/staff/funds/general", "finance"), ("/staff/gifts", "finance"),
    ("/staff/gifts/import", "finance"),
])
def test_every_money_page_renders_with_the_demo_data(client, session_as, path, role):
    load_demo_data(DEMO_PASSWORD)
    for lang in ("nb", "en"):
        page = client.get(f"{path}?lang={lang}", headers=session_as(role).headers())
        assert page.status_code == 200, page.body.decode()[-500:]


def test_the_demo_data_loads_twice_and_the_books_agree():
    load_demo_data(DEMO_PASSWORD)
    load_demo_data(DEMO_PASSWORD)
    assert all(drift.ok for drift in reconcile())
    assert len(list(Disbursement.scan())) == 5


def test_volunteers_never_see_client_pages(client, session_as):
    page = client.get("/staff/clients/K-2025-031",
                      headers=session_as("volunteer").headers())
    assert page.status_code == 403


def test_a_name_for_a_client_code_keeps_the_payment_form_filled_in(client, session_as):
    make_fund("general", nok=1000)
    page = form_pay(client, session_as("staff"), client_code="Maria Olsen",
                    purpose="clothes", note="Vinterstøvler")
    form = read_page(page.body.decode())
    assert page.status_code == 422
    assert form.by_id["client_code"].invalid
    assert form.by_id["client_code"].attrs["value"] == "Maria Olsen"
    assert form.by_id["amount"].attrs["value"] == "450,50"
    assert form.by_id["purpose"].selected == ["clothes"]
    assert form.by_id["fund_id"].selected == ["general"]
    assert form.by_id["note"].attrs["value"] == "Vinterstøvler"
    assert 'name="idempotency_key" value="form-1"' in page.body.decode()
    assert balance("general") == 1000_00


def test_an_approver_sees_the_facts_and_the_page_confirms_the_decision(client, session_as):
    make_fund("general", nok=10_000)
    staff = session_as("staff")
    form_pay(client, staff, amount="300", idempotency_key="small")
    form_pay(client, staff, amount="2500", note="Buss til Trondheim",
             method="bank_transfer")
    finance = session_as("finance")
    page = client.get("/staff/disbursements?lang=nb", headers=finance.headers())
    card = page.body.decode().split('class="card approval"')[1].split("</article>")[0]
    assert "Buss til Trondheim" in card and "Bankoverføring" in card
    assert "saldo 9" in card  # the fund's balance after the small payment
    assert "Klientens siste 30 dager" in card and "2\xa0800" in card  # both payments
    assert "u-staff" in card and ("CET" in card or "CEST" in card)
    (pending,) = [d for d in Disbursement.scan() if d.status == "pending"]
    headers, body = finance.form({"action": "approve"})
    done = client.post(f"/staff/disbursements/{pending.disbursement_id}?lang=nb",
                       body=body, headers=headers)
    shown = finance.follow(client, done, lang="nb")
    assert "Godkjent og betalt." in shown.body.decode()
    again = client.get("/staff/disbursements?lang=nb", headers=finance.headers())
    assert "Godkjent og betalt." not in again.body.decode()  # said once


def test_rejecting_without_a_reason_is_refused_and_the_payment_still_waits(
        client, session_as):
    make_fund("general", nok=10_000)
    form_pay(client, session_as("staff"), amount="2500")
    (pending,) = Disbursement.scan()
    finance = session_as("finance")
    headers, body = finance.form({"action": "reject", "reason": "  "})
    refused = client.post(f"/staff/disbursements/{pending.disbursement_id}?lang=nb",
                          body=body, headers=headers)
    assert refused.status_code == 422
    assert "Oppgi en begrunnelse." in refused.body.decode()
    assert Disbursement.get(pending.disbursement_id).status == "pending"
    headers, body = finance.form({"action": "reject", "reason": "Dobbelt registrert"})
    client.post(f"/staff/disbursements/{pending.disbursement_id}", body=body,
                headers=headers)
    assert Disbursement.get(pending.disbursement_id).reason == "Dobbelt registrert"


def test_reversing_a_payment_asks_first_and_needs_a_reason_kept_with_it(
        client, session_as):
    make_fund("general", nok=1000)
    form_pay(client, session_as("staff"), amount="300")
    (paid,) = Disbursement.scan()
    finance = session_as("finance")
    url = f"/staff/disbursements/{paid.disbursement_id}?lang=en"
    headers, body = finance.form({"action": "reverse", "back": "client"})
    asked = client.post(url, headers=headers, body=body)
    text = asked.body.decode()
    assert asked.status_code == 200
    assert "Reverse 300,00\xa0kr paid to K-2025-031?" in text
    assert "goes back to" in text
    assert 'href="/staff/clients/K-2025-031">Cancel, go back</a>' in text
    assert balance("general") == 700_00
    headers, body = finance.form({"action": "reverse", "back": "client",
                                  "_form": "confirm", "_confirmed": "yes",
                                  "reason": " "})
    refused = client.post(url, headers=headers, body=body)
    page = read_page(refused.body.decode())
    assert refused.status_code == 422
    assert page.by_id["confirm-reason"].invalid
    assert page.texts["confirm-reason-error"] == "Give a reason."
    assert Disbursement.get(paid.disbursement_id).status == "paid"
    headers, body = finance.form({"action": "reverse", "back": "client",
                                  "_form": "confirm", "_confirmed": "yes",
                                  "reason": "Feil beløp"})
    done = client.post(url, headers=headers, body=body)
    assert done.status_code == 303
    assert done.headers["Location"].startswith("/staff/clients/K-2025-031")
    reversed_one = Disbursement.get(paid.disbursement_id)
    assert (reversed_one.status, reversed_one.reason) == ("reversed", "Feil beløp")
    assert balance("general") == 1000_00
