"""One page per client code: each role sees the parts of the record it may
see, with names and Oslo times, and every viewing is in the audit log."""

from __future__ import annotations

import pytest

from chalicelib.audit.service import Actor, recent
from chalicelib.disbursements import bridging
from chalicelib.disbursements import service as cash
from chalicelib.inkind import service as inkind
from chalicelib.shelters import service as beds
from tests.form_helpers import read_page
from tests.inkind.helpers import add_items, receive
from tests.money_helpers import make_fund
from tests.shelters.helpers import COORDINATOR, make_shelter

STAFF = Actor("u-staff", ("staff",))
CODE = "K-2025-031"


@pytest.fixture
def record():
    """K-2025-031 was paid, bridged, held a bed, stayed and got a pack;
    K-2025-032 got things too (never shown on 031's page)."""
    make_fund("general", nok=10_000)
    for code, amount in ((CODE, 45050), ("K-2025-032", 30000)):
        cash.create(cash.validate({
            "client_code": code, "amount": amount, "purpose": "clothes",
            "method": "payment_card", "fund_id": "general"}), STAFF, None)
    bridging.set_payout_date(CODE, "2026-12-20", STAFF)
    make_shelter("sh-laura", name="Lauras Hus", total=3)
    stay_hold = beds.place_hold("sh-laura", CODE, 4, COORDINATOR)
    beds.check_in(stay_hold.hold_id, COORDINATOR)
    beds.place_hold("sh-laura", CODE, 2, COORDINATOR)
    beds.place_hold("sh-laura", "K-2025-032", 2, COORDINATOR)
    add_items()
    receive("hygiene-pack", 10)
    inkind.distribute("d-1", "hygiene-pack", 2, "office", STAFF, client_code=CODE)
    inkind.distribute("d-2", "hygiene-pack", 1, "office", STAFF,
                      client_code="K-2025-032")


def overview(client, session_as, role, code=CODE, lang="nb"):
    response = client.get(f"/staff/clients/{code}?lang={lang}",
                          headers=session_as(role).headers())
    return response, response.body.decode()


def test_staff_see_cash_bridging_and_items_but_no_beds(client, session_as, record):
    response, html = overview(client, session_as, "staff")
    assert response.status_code == 200
    assert "Klient K-2025-031" in html
    assert "450,50" in html and "300,00" not in html
    assert 'value="2026-12-20"' in html
    assert "Hygienepakke" in html and "Lagerrommet på kontoret" in html
    assert "Lauras Hus" not in html and "Botilbud" not in html


def test_finance_see_the_cash_but_neither_beds_nor_items(client, session_as, record):
    _response, html = overview(client, session_as, "finance")
    assert "450,50" in html and "Tilbakefør" in html
    assert "Hygienepakke" not in html and "Lauras Hus" not in html


def test_a_coordinator_sees_stays_and_holds_by_shelter_name_in_oslo_time(
        client, session_as, record):
    _response, html = overview(client, session_as, "coordinator")
    assert html.count("Lauras Hus") == 3  # one stay, two holds (the 032 hold not)
    assert "sjekket inn" in html and "reservert" in html
    assert "CET" in html or "CEST" in html
    assert "UTC" not in html and "sh-laura</a>" not in html
    assert "450,50" not in html and "Hygienepakke" not in html


def test_an_admin_sees_every_part(client, session_as, record):
    _response, html = overview(client, session_as, "admin")
    assert all(text in html for text in ("450,50", "Lauras Hus", "Hygienepakke"))


def test_each_viewing_writes_one_read_entry_for_the_client(client, session_as, record):
    overview(client, session_as, "admin")
    reads = [e for e in recent() if e.action == "read" and e.record_id == CODE
             and e.actor == "u-admin"]
    assert len(reads) == 1 and reads[0].record_type == "client"


def test_a_code_typed_in_full_width_digits_opens_the_same_client(
        client, session_as, record):
    _response, html = overview(client, session_as, "staff", code="k-２０２５-０３１")
    assert "Klient K-2025-031" in html and "450,50" in html


def test_volunteers_cannot_open_a_client(client, session_as, record):
    response, html = overview(client, session_as, "volunteer")
    assert response.status_code == 403 and "450,50" not in html


def test_a_name_for_a_code_shows_the_search_form_again_with_the_error(
        client, session_as):
    response, html = overview(client, session_as, "coordinator", code="Maria Olsen")
    page = read_page(html)
    assert response.status_code == 422
    assert page.by_id["lookup-code"].invalid
    assert page.by_id["lookup-code"].attrs["value"] == "Maria Olsen"
    assert page.texts["lookup-code-error"] == "Bruk en klientkode som K-2025-031."


def test_the_search_form_leads_every_staff_role_to_the_overview(client, session_as):
    for role in ("staff", "finance", "coordinator"):
        form = client.get("/staff/clients", headers=session_as(role).headers())
        assert form.status_code == 200 and 'id="lookup-code"' in form.body.decode()
        found = client.get("/staff/clients?_form=lookup&code=k-2025-031",
                           headers=session_as(role).headers())
        assert found.headers["Location"].endswith("/staff/clients/K-2025-031")


def test_only_those_who_pay_may_set_the_bridging_date(client, session_as):
    headers, body = session_as("coordinator").form({"expected_payout": "2026-12-24"})
    response = client.post(f"/staff/clients/{CODE}", headers=headers, body=body)
    assert response.status_code == 403
    assert bridging.payout_date(CODE) is None
    staff = session_as("staff")
    headers, body = staff.form({"expected_payout": "2026-12-24"})
    response = client.post(f"/staff/clients/{CODE}", headers=headers, body=body)
    assert bridging.payout_date(CODE) == "2026-12-24"
    assert "The expected payout date was saved." in staff.follow(
        client, response).body.decode()


def test_the_shelter_page_links_each_held_or_staying_code_to_its_overview(
        client, session_as, record):
    html = client.get("/staff/shelters/sh-laura",
                      headers=session_as("coordinator").headers()).body.decode()
    assert f'href="/staff/clients/{CODE}"' in html
    assert 'href="/staff/clients/K-2025-032"' in html


def test_the_audit_log_links_a_client_read_to_that_clients_overview(
        client, session_as, record):
    overview(client, session_as, "staff")
    html = client.get("/staff/audit",
                      headers=session_as("admin").headers()).body.decode()
    assert f'<a href="/staff/clients/{CODE}">{CODE}</a>' in html
