"""A partner shelter's login: its own shelter's counts and nothing else."""
from __future__ import annotations

import json
import string

import pytest

from chalicelib.audit.models import AuditEntry
from chalicelib.auth.roles import SHELTER
from chalicelib.shelters import service
from tests.conftest import bearer, json_body
from tests.shelters.helpers import SECRET_ADDRESS, make_shelter

OWN, OTHER = "sh-own", "sh-other"
# The routes a partner may use besides the public ones.
PARTNER_ROUTES = {
    ("/me", "GET"), ("/api/me", "GET"), ("/partner", "GET"),
    ("/partner/shelters/{shelter_id}", "GET"), ("/partner/shelters/{shelter_id}", "POST"),
    ("/api/partner/shelters", "GET"), ("/api/partner/shelters/{shelter_id}/counts", "POST"),
    # Referrals sent to their own shelter (chalicelib/referrals).
    ("/api/partner/shelters/{shelter_id}/referrals", "GET"),
    ("/api/partner/shelters/{shelter_id}/referrals/{referral_id}/accept", "POST"),
    ("/api/partner/shelters/{shelter_id}/referrals/{referral_id}/decline", "POST"),
    ("/partner/shelters/{shelter_id}/referrals/{referral_id}/accept", "POST"),
    ("/partner/shelters/{shelter_id}/referrals/{referral_id}/decline", "POST"),
}


@pytest.fixture
def shelters():
    make_shelter(OWN, total=6, occupied=2, name="Own House")
    make_shelter(OTHER, total=4, occupied=1, name="Other House")


@pytest.fixture
def partner(session_as):
    return session_as(SHELTER, "u-partner", [OWN])


def partner_api():
    return bearer(SHELTER, "u-partner", [OWN])


def denials():
    return [(e.actor, e.record_type, e.record_id) for e in AuditEntry.scan()
            if e.action == "denied"]


def test_a_partner_confirms_the_counts_of_their_own_shelter(client, partner, shelters):
    headers, body = partner.form({"_form": "counts", "total": 7, "occupied": 3})
    response = client.post(f"/partner/shelters/{OWN}", headers=headers, body=body)
    assert response.status_code == 303
    shelter = service.get_shelter(OWN)
    assert (shelter.total, shelter.occupied, shelter.confirmed_by) == (7, 3, "u-partner")
    page = partner.follow(client, response).body.decode()
    assert "Counts confirmed. Thank you." in page and "4 free" in page
    assert SECRET_ADDRESS not in page and "Other House" not in page


def test_a_partner_with_one_shelter_lands_on_its_page_after_login(client, partner,
                                                                  shelters):
    me = client.get("/me", headers=partner.headers())
    assert me.headers["Location"].endswith("/partner")
    home = client.get("/partner", headers=partner.headers())
    assert home.headers["Location"].endswith(f"/partner/shelters/{OWN}")


def test_another_shelters_id_is_refused_with_403_and_an_audit_entry(
        client, partner, shelters):
    headers, body = partner.form({"_form": "counts", "total": 1, "occupied": 0})
    page = client.post(f"/partner/shelters/{OTHER}", headers=headers, body=body)
    view = client.get(f"/partner/shelters/{OTHER}", headers=partner.headers())
    api = client.post(f"/api/partner/shelters/{OTHER}/counts", headers=partner_api(),
                      body=json.dumps({"total": 1, "occupied": 0}))
    assert (page.status_code, view.status_code, api.status_code) == (403, 403, 403)
    assert "Other House" not in page.body.decode() + view.body.decode()
    other = service.get_shelter(OTHER)
    assert (other.total, other.occupied) == (4, 1)
    assert denials() == [("u-partner", "shelter", OTHER)] * 3


def test_a_partners_count_below_their_occupied_stays_is_refused_with_the_reason(
        client, shelters):
    hold = service.place_hold(OWN, "K-2025-031", 4, service_actor())
    service.check_in(hold.hold_id, service_actor())
    answer = client.post(f"/api/partner/shelters/{OWN}/counts",
                         headers={**partner_api(), "Accept-Language": "en"},
                         body=json.dumps({"total": 6, "occupied": 0}))
    assert answer.status_code == 409
    assert "1 occupied through stays" in json_body(answer)["error"]["message"]


def test_the_partner_api_lists_only_their_own_shelters_counts(client, shelters):
    rows = json_body(client.get("/api/partner/shelters", headers=partner_api()))
    assert [(r["shelter_id"], r["free"]) for r in rows["shelters"]] == [(OWN, 4)]
    assert "address" not in json.dumps(rows)


def service_actor():
    from tests.shelters.helpers import COORDINATOR

    return COORDINATOR


def _all_routes():
    from chalicelib.web.routing import ROUTE_TABLE
    from devtools.routes import _import_routes

    _import_routes(eager=True)
    return sorted(ROUTE_TABLE.items())


def _filled(path: str) -> str:
    names = [name for _, name, _, _ in string.Formatter().parse(path) if name]
    return path.format(**{name: OTHER if name == "shelter_id" else "x1"
                          for name in names})


def test_a_partner_is_refused_every_route_but_their_own_shelters_pages(
        client, partner, shelters):
    reached = set()
    for (path, method), route in _all_routes():
        if route.roles is None:
            continue  # public
        if (path, method) in PARTNER_ROUTES:
            reached.add((path, method))
            assert SHELTER in route.roles
            continue
        assert SHELTER not in route.roles, path
        if route.kind == "api":
            response = client.request(method, _filled(path), headers=partner_api(),
                                      body=b"{}" if method != "GET" else b"")
        else:
            headers, body = partner.form({})
            response = client.request(method, _filled(path), headers=headers,
                                      body=body.encode() if method != "GET" else b"")
        assert response.status_code == 403, (method, path, response.status_code)
    assert reached == PARTNER_ROUTES
