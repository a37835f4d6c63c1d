"""Hours and their totals; a volunteer's data download; anonymisation."""

from __future__ import annotations

import json
from datetime import date

import pytest

from chalicelib.audit.service import SYSTEM
from chalicelib.volunteers import hours, service, tasks
from chalicelib.volunteers.hours import TaskNotStarted
from chalicelib.volunteers.models import Volunteer
from chalicelib.volunteers.signup import parse_signup
from tests.conftest import bearer, json_body
from tests.volunteers.helpers import make_task, make_volunteer, signup_data


def accepted_task(volunteer_id, starts_at="2026-03-10T10:00"):
    task = make_task(starts_at=starts_at, client_facing=False)
    tasks.assign(task.task_id, volunteer_id, SYSTEM)
    return tasks.accept(task.task_id, volunteer_id, SYSTEM)


def test_hours_add_up_per_month_and_year_for_everyone_and_each_volunteer():
    ana, bea = make_volunteer("Ana Hours"), make_volunteer("Bea Hours")
    march, april = accepted_task(ana), accepted_task(bea, "2026-04-02T10:00")
    hours.log_hours(march, {"minutes": 90, "entry_key": "entry-001"}, SYSTEM)
    hours.log_hours(
        march,
        {"minutes": 30, "entry_key": "entry-002", "worked_on": "2026-03-11"},
        SYSTEM,
    )
    hours.log_hours(april, {"minutes": 60, "entry_key": "entry-003"}, SYSTEM)
    assert hours.hours_total(2026) == 180
    assert hours.hours_total(2026, 3) == 120
    assert hours.hours_total(2026, 4, volunteer_id=bea) == 60
    assert hours.hours_total(2026, volunteer_id=ana) == 120
    assert hours.monthly_totals(2026) == {"2026-03": 120, "2026-04": 60}


def test_logging_the_same_entry_twice_counts_once():
    task = accepted_task(make_volunteer())
    assert hours.log_hours(task, {"minutes": 45, "entry_key": "same-key"}, SYSTEM)
    assert not hours.log_hours(task, {"minutes": 45, "entry_key": "same-key"}, SYSTEM)
    assert hours.hours_total(2026) == 45


def test_hours_need_a_task_with_a_volunteer():
    with pytest.raises(TaskNotStarted):
        hours.log_hours(make_task(), {"minutes": 45, "entry_key": "entry-1"}, SYSTEM)


def test_a_volunteer_logs_hours_on_their_task_through_the_api(client):
    volunteer = make_volunteer()
    service.link_user(volunteer, "u-volunteer", SYSTEM)
    task = accepted_task(volunteer)
    response = client.post(
        f"/api/tasks/{task.task_id}/hours",
        headers=bearer("volunteer"),
        body=json.dumps({"minutes": 120, "entry_key": "api-entry-1"}),
    )
    assert response.status_code == 201
    totals = json_body(
        client.get("/api/volunteer-hours?year=2026", headers=bearer("staff"))
    )
    assert totals == {"year": 2026, "minutes": 120, "months": {"2026-03": 120}}
    other = accepted_task(make_volunteer("Bea Other"))
    refused = client.post(
        f"/api/tasks/{other.task_id}/hours",
        headers=bearer("volunteer"),
        body=json.dumps({"minutes": 60, "entry_key": "api-entry-2"}),
    )
    assert refused.status_code == 403


def test_a_volunteer_downloads_their_own_data(client):
    volunteer = make_volunteer()
    service.link_user(volunteer, "u-volunteer", SYSTEM)
    task = accepted_task(volunteer)
    hours.log_hours(task, {"minutes": 60, "entry_key": "entry-001"}, SYSTEM)
    response = client.get("/api/volunteer/me/data", headers=bearer("volunteer"))
    assert "attachment" in response.headers["Content-Disposition"]
    data = json_body(response)
    assert data["volunteer"]["email"] == "lucía@example.org"
    assert data["volunteer"]["police_certificate_expires_on"]
    assert [t["task_id"] for t in data["tasks"]] == [task.task_id]
    assert data["hours"] == [
        {"task_id": task.task_id, "worked_on": "2026-03-10", "minutes": 60}
    ]


def test_anonymising_removes_the_identity_but_keeps_the_totals(client):
    volunteer = make_volunteer()
    task = accepted_task(volunteer)
    hours.log_hours(task, {"minutes": 150, "entry_key": "entry-001"}, SYSTEM)
    response = client.post(
        f"/api/volunteers/{volunteer}/anonymise", headers=bearer("admin")
    )
    assert response.status_code == 200
    record = Volunteer.get(volunteer)
    assert record.anonymised and record.email is None and "Lucía" not in record.name
    assert record.police_expires_on is None and record.status == "ended"
    assert hours.hours_total(2026) == 150
    assert hours.hours_total(2026, 3, volunteer_id=volunteer) == 150
    assert service.list_volunteers() == []
    # the email is free again: the same person may sign up anew later
    assert service.sign_up(
        parse_signup(signup_data(email="lucía@example.org")), "nb", "192.0.2.1"
    )


def test_only_an_admin_may_anonymise(client):
    volunteer = make_volunteer()
    response = client.post(
        f"/api/volunteers/{volunteer}/anonymise", headers=bearer("staff")
    )
    assert response.status_code == 403
    assert Volunteer.get(volunteer).name == "Lucía Fernández"


def test_this_years_totals_default_to_the_current_year(client):
    body = json_body(client.get("/api/volunteer-hours", headers=bearer("staff")))
    assert body["year"] == date.today().year and body["minutes"] == 0
