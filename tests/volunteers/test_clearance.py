"""Clearance dates and the status path applicant -> cleared -> active -> paused -> ended."""

from __future__ import annotations

import json

import pytest

from chalicelib.audit.service import SYSTEM
from chalicelib.volunteers import service
from chalicelib.volunteers.service import ClearanceMissing, StatusNotAllowed
from chalicelib.web.i18n import translate
from tests.conftest import bearer, json_body
from tests.volunteers.helpers import days, make_volunteer


def test_staff_record_clearance_dates_and_clear_an_applicant(client):
    volunteer = make_volunteer(status="applicant")
    headers = bearer("staff")
    dates = {
        "declaration_signed_on": days(-1),
        "police_seen_on": days(-1),
        "police_expires_on": days(700),
    }
    assert (
        client.post(
            f"/api/volunteers/{volunteer}/clearance",
            headers=headers,
            body=json.dumps(dates),
        ).status_code
        == 200
    )
    response = client.post(
        f"/api/volunteers/{volunteer}/status",
        headers=headers,
        body=json.dumps({"status": "cleared"}),
    )
    assert json_body(response)["status"] == "cleared"
    listed = json_body(client.get("/api/volunteers?cleared=true", headers=headers))
    assert [v["clearance_expires"] for v in listed["volunteers"]] == [days(700)]


def test_nobody_is_cleared_without_a_declaration_and_a_valid_certificate():
    volunteer = make_volunteer(status="applicant")
    with pytest.raises(ClearanceMissing):
        service.change_status(volunteer, "cleared", SYSTEM)
    service.record_clearance(
        volunteer,
        {
            "declaration_signed_on": days(-5),
            "police_seen_on": days(-400),
            "police_expires_on": days(-30),
        },
        SYSTEM,
    )
    with pytest.raises(ClearanceMissing):
        service.change_status(volunteer, "cleared", SYSTEM)


def test_the_status_follows_its_path_and_ended_is_final():
    volunteer = make_volunteer(status="active")
    with pytest.raises(StatusNotAllowed):
        service.change_status(volunteer, "applicant", SYSTEM)
    assert service.change_status(volunteer, "paused", SYSTEM).status == "paused"
    assert service.change_status(volunteer, "active", SYSTEM).status == "active"
    assert service.change_status(volunteer, "ended", SYSTEM).status == "ended"
    with pytest.raises(StatusNotAllowed) as refused:
        service.change_status(volunteer, "active", SYSTEM)
    assert translate("nb", refused.value.message, **refused.value.params) == (
        translate("nb", "A volunteer cannot go from %(current)s to %(target)s.",
                  current=translate("nb", "ended"), target=translate("nb", "active")))
    assert "ended" not in translate("nb", refused.value.message, **refused.value.params)


def test_bad_clearance_dates_are_named(client):
    volunteer = make_volunteer(status="applicant")
    body = {"declaration_signed_on": "yesterday", "police_seen_on": days(0)}
    response = client.post(
        f"/api/volunteers/{volunteer}/clearance",
        headers=bearer("staff"),
        body=json.dumps(body),
    )
    assert response.status_code == 400
    assert set(json_body(response)["error"]["fields"]) == {
        "declaration_signed_on",
        "police_expires_on",
    }


def test_a_stale_change_is_refused_rather_than_overwriting():
    volunteer_id = make_volunteer()
    first, second = (
        service.get_volunteer(volunteer_id),
        service.get_volunteer(volunteer_id),
    )
    service.update_volunteer(first, lambda v: setattr(v, "region", "vestland"))
    with pytest.raises(service.ChangedMeanwhile):
        service.update_volunteer(second, lambda v: setattr(v, "region", "agder"))
    assert service.get_volunteer(volunteer_id).region == "vestland"


def test_the_staff_list_flags_a_clearance_expiring_within_30_days(client, session_as):
    make_volunteer("Ana Soon", expires_in=12)
    make_volunteer("Bea Fine", expires_in=120)
    page = client.get(
        "/staff/volunteers?lang=en", headers=session_as("staff").headers()
    )
    rows = page.body.decode().split("<tr>")
    assert "Expires soon" in next(r for r in rows if "Ana Soon" in r)
    assert "Expires soon" not in next(r for r in rows if "Bea Fine" in r)
