"""Identities typed where they do not belong are refused, and nothing that
must stay hidden reaches anyone who must not see it: with the demo data, and
after staff tried to store a name, a national ID number, a phone number, an
email and a shelter's address in free text, every role follows every link and
form it reaches and no response shows any of them; shelter addresses reach
coordinators and admins only; client codes never reach volunteers, partner
shelters or the public."""

from __future__ import annotations

import json
import re

import pytest

from app import app
from chalicelib.auth.roles import ADMIN, ALL_ROLES, COORDINATOR, SHELTER, VOLUNTEER
from chalicelib.demo import load_demo_data
from tests.conftest import DEMO_PASSWORD, bearer, reset_tables
from tests.gateway import Gateway, GatewayResponse
from tests.platform.test_crawl_deployed import Crawl, log_in

NAME, FNR, PHONE, EMAIL = "Maria Hansen", "12039045697", "912 34 567", "maria@example.no"
FORBIDDEN = [NAME, FNR, "120390 45697", PHONE, "91234567", EMAIL]
CLIENT_CODE = re.compile(r"\bK-\d{4}-\d{3,4}\b")


class Scan(Crawl):
    """The crawl, keeping what each response showed."""

    def __init__(self, browser: Gateway) -> None:
        super().__init__(browser)
        self.shown: list[tuple[str, str]] = []

    def page(self, response: GatewayResponse, where: str) -> None:
        self.shown.append((where, response.text))
        super().page(response, where)


def _addresses() -> list[str]:
    from chalicelib.shelters.models import ShelterSecret

    found = [str(s.address).split(",")[0] for s in ShelterSecret.scan() if s.address]
    assert found, "the demo has shelter addresses to look for"
    return found


def _seed_forbidden_text() -> None:
    """Staff try to store identities through the API's free-text fields."""
    from chalicelib.funds.models import Fund
    from chalicelib.shelters.models import Shelter
    from tests.volunteers.helpers import next_weekday

    browser = Gateway(app)
    funds = [f for f in Fund.scan() if f.kind == "fund"]
    fund = next(f.fund_id for f in funds if not f.restricted)
    other = next(f.fund_id for f in funds if f.fund_id != fund)
    shelter = next(iter(Shelter.scan()))
    tries = [
        ("staff", "/api/disbursements", "note", {
            "client_code": "K-2025-031", "amount": 100_00, "purpose": "food",
            "method": "payment_card", "fund_id": fund,
            "note": f"Til {NAME}, tlf {PHONE}"}),
        ("staff", "/api/disbursements", "note", {
            "client_code": "K-2025-031", "amount": 100_00, "purpose": "food",
            "method": "payment_card", "fund_id": fund, "note": f"fnr {FNR}"}),
        ("finance", "/api/funds/transfers", "reason", {
            "from_fund": fund, "to_fund": other, "amount": 100_00,
            "reason": f"ref {EMAIL}"}),
        ("staff", "/api/tasks", "place", {
            "what": "Kjøre en pakke", "place": f"Kjøre til {shelter.name}",
            "starts_at": next_weekday(), "region": "oslo"}),
        ("staff", "/api/tasks", "what", {
            "what": f"Hente {NAME}", "place": "Kontoret",
            "starts_at": next_weekday(), "region": "oslo"}),
    ]
    for role, path, field, body in tries:
        response = browser.post(f"/api{path}", headers=bearer(role), body=json.dumps(body))
        error = json.loads(response.text).get("error", {})
        assert response.status_code == 422, (path, field, response.text)
        assert error.get("code") == "identity_in_text" and field in error["fields"], (
            path, field, response.text)


@pytest.fixture(scope="module")
def scans():
    """One crawl per role and one without logging in, after the seeding."""
    reset_tables()  # the per-test reset runs only after this module fixture
    load_demo_data(DEMO_PASSWORD)
    _seed_forbidden_text()
    addresses = _addresses()
    result: dict[str, list[tuple[str, str]]] = {}
    for role in [*sorted(ALL_ROLES), "public"]:
        browser = Gateway(app)
        if role != "public":
            log_in(browser, role)
        scan = Scan(browser)
        scan.run("/api/me" if role != "public" else "/api/")
        assert len(scan.shown) > 5, role
        result[role] = scan.shown
    return result, addresses


@pytest.mark.parametrize("role", [*sorted(ALL_ROLES), "public"])
def test_no_response_shows_a_name_id_number_phone_or_email_staff_tried_to_store(
        scans, role):
    shown, _ = scans
    leaks = [(where, text) for where, body in shown[role] for text in FORBIDDEN
             if text in body]
    assert leaks == []


@pytest.mark.parametrize("role", sorted(set(ALL_ROLES) - {COORDINATOR, ADMIN}) + ["public"])
def test_no_shelter_address_reaches_anyone_but_coordinators_and_admins(scans, role):
    shown, addresses = scans
    leaks = [(where, a) for where, body in shown[role] for a in addresses if a in body]
    assert leaks == []


def test_coordinators_do_see_the_addresses_so_the_scan_can_find_them(scans):
    shown, addresses = scans
    assert any(a in body for _, body in shown[COORDINATOR] for a in addresses)


@pytest.mark.parametrize("role", [VOLUNTEER, SHELTER, "public"])
def test_no_client_code_reaches_volunteers_partner_shelters_or_the_public(scans, role):
    shown, _ = scans
    leaks = [(where, m.group()) for where, body in shown[role]
             for m in CLIENT_CODE.finditer(body)]
    assert leaks == []


def test_staff_do_see_client_codes_so_the_scan_can_find_them(scans):
    shown, _ = scans
    assert any(CLIENT_CODE.search(body) for _, body in shown["staff"])
