"""No address or contact ever reaches a public page, a low role, an error
message or a log line; coordinators and admins see them on a shelter's page."""

import json
import logging

import pytest

from chalicelib.shelters import service
from tests.conftest import bearer
from tests.shelters.helpers import (
    COORDINATOR,
    SECRET_ADDRESS,
    SECRET_CONTACT,
    make_shelter,
)

# "0450 Oslo", not "0450": a bare 4-digit code also turns up in memory addresses.
SECRETS = ("Hemmeligveien", "0450 Oslo", "400 00 017")
LOW_ROLES = ("staff", "finance", "volunteer")


@pytest.fixture
def shelter_with_activity():
    make_shelter(total=2)
    hold = service.place_hold("sh-test", "K-2025-031", 4, COORDINATOR)
    stay = service.check_in(hold.hold_id, COORDINATOR)
    other = service.place_hold("sh-test", "K-2025-032", 4, COORDINATOR)
    return {"hold": other.hold_id, "stay": stay.stay_id}


def reachable(ids):
    """Every GET of the area, and the writes a low role might try."""
    gets = [
        "/staff/shelters",
        "/staff/shelters/sh-test",
        "/staff/shelters/sh-test/edit",
        "/staff/shelters/new",
        "/staff/shelters/stats",
        "/staff/shelters/clients?code=K-2025-031",
        "/api/shelters/availability",
        "/api/shelters/summary",
        "/api/shelters/stats",
        "/api/shelters/sh-test",
        "/api/clients/K-2025-031/stays",
        "/",
    ]
    posts = [
        "/api/shelters/sh-test/holds",
        f"/api/holds/{ids['hold']}/checkin",
        f"/api/stays/{ids['stay']}/checkout",
        "/api/shelters/sh-test/counts",
    ]
    return gets, posts


def assert_no_secret(text):
    for secret in SECRETS:
        assert secret not in text


@pytest.mark.parametrize("role", [*LOW_ROLES, None])
def test_low_roles_and_visitors_never_see_an_address(
    client, session_as, role, shelter_with_activity
):
    gets, posts = reachable(shelter_with_activity)
    for path in gets:
        headers = session_as(role).headers() if role else {}
        assert_no_secret(client.get(path, headers=headers).body.decode())
        api_headers = bearer(role) if role else {}
        assert_no_secret(client.get(path, headers=api_headers).body.decode())
    for path in posts:
        response = client.post(
            path,
            headers=bearer(role) if role else {},
            body=json.dumps({"client_code": "K-2025-040"}),
        )
        assert response.status_code in (401, 403)
        assert_no_secret(response.body.decode())


def test_staff_see_counts_but_finance_and_volunteers_see_no_board(
    client, session_as, shelter_with_activity
):
    board = client.get("/staff/shelters", headers=session_as("staff").headers())
    assert board.status_code == 200
    assert "Shelter sh-test" in board.body.decode()
    assert (
        client.get(
            "/staff/shelters/sh-test", headers=session_as("staff").headers()
        ).status_code
        == 403
    )
    for role in ("finance", "volunteer"):
        response = client.get("/api/shelters/availability", headers=bearer(role))
        assert response.status_code == 403


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_coordinators_and_admins_see_the_address_on_the_shelter_page(
    client, session_as, role, shelter_with_activity
):
    page = client.get("/staff/shelters/sh-test", headers=session_as(role).headers())
    assert page.status_code == 200
    text = page.body.decode()
    assert SECRET_ADDRESS in text and SECRET_CONTACT in text
    board = client.get("/staff/shelters", headers=session_as(role).headers())
    assert_no_secret(board.body.decode())


def test_errors_and_logs_never_carry_an_address(client, caplog, shelter_with_activity):
    caplog.set_level(logging.DEBUG)
    full = client.post(
        "/api/shelters/sh-test/holds",
        headers=bearer("coordinator"),
        body=json.dumps({"client_code": "K-2025-050"}),
    )
    assert full.status_code == 409
    bad = client.post(
        "/api/shelters/sh-test/counts",
        headers=bearer("coordinator"),
        body=json.dumps({"total": 0, "occupied": 0}),
    )
    assert bad.status_code == 409
    for text in (full.body.decode(), bad.body.decode(), caplog.text):
        assert_no_secret(text)
