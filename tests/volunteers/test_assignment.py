"""Assigning tasks: clearance for client-facing work, races, the open count."""

from __future__ import annotations

import json
import threading

import pytest

from chalicelib.audit.service import SYSTEM
from chalicelib.volunteers import service, tasks
from chalicelib.volunteers.tasks import NotCleared, TaskTaken, VolunteerUnavailable
from tests.conftest import bearer, json_body
from tests.volunteers.helpers import make_task, make_volunteer, next_weekday


def assign(client, task_id, volunteer_id):
    return client.post(
        f"/api/tasks/{task_id}/assign",
        headers=bearer("staff"),
        body=json.dumps({"volunteer_id": volunteer_id}),
    )


def test_a_volunteer_without_clearance_cannot_take_a_client_facing_task(client):
    volunteer = make_volunteer(status="applicant", expires_in=None)
    task = make_task()
    response = assign(client, task.task_id, volunteer)
    assert response.status_code == 409
    assert json_body(response)["error"]["code"] == "not_cleared"
    assert tasks.get_task(task.task_id).status == "open"


def test_an_expired_police_certificate_blocks_a_client_facing_task(client):
    volunteer = make_volunteer()
    service.record_clearance(
        volunteer,
        {
            "declaration_signed_on": "2024-01-10",
            "police_seen_on": "2024-01-10",
            "police_expires_on": "2025-01-10",
        },
        SYSTEM,
    )
    response = assign(client, make_task().task_id, volunteer)
    assert json_body(response)["error"]["code"] == "not_cleared"


def test_a_certificate_expiring_before_the_task_day_blocks_it():
    volunteer = make_volunteer(expires_in=2)
    with pytest.raises(NotCleared):
        tasks.assign(
            make_task(starts_at=next_weekday(weeks=3)).task_id, volunteer, SYSTEM
        )


def test_a_cleared_volunteer_is_assigned_and_the_open_count_drops(client):
    volunteer = make_volunteer()
    task = make_task()
    make_task(what="Another open task")
    assert tasks.open_tasks_without_volunteer() == 2
    response = assign(client, task.task_id, volunteer)
    assert response.status_code == 200
    assert json_body(response)["status"] == "assigned"
    assert tasks.open_tasks_without_volunteer() == 1


def test_anyone_not_paused_can_take_a_task_without_clients():
    applicant = make_volunteer(status="applicant", expires_in=None)
    task = make_task(client_facing=False, skill="office", language="")
    assert tasks.assign(task.task_id, applicant, SYSTEM).status == "assigned"
    paused = make_volunteer("Bea Paused", status="paused")
    with pytest.raises(VolunteerUnavailable):
        tasks.assign(make_task(client_facing=False).task_id, paused, SYSTEM)


def test_a_taken_task_cannot_be_assigned_again():
    first, second = make_volunteer("Ana One"), make_volunteer("Bea Two")
    task = make_task()
    tasks.assign(task.task_id, first, SYSTEM)
    with pytest.raises(TaskTaken):
        tasks.assign(task.task_id, second, SYSTEM)
    assert tasks.get_task(task.task_id).volunteer_id == first


def test_two_staff_assigning_at_once_give_the_task_to_one_volunteer_only():
    volunteers = [
        make_volunteer(f"Vol {n}", email=f"v{n}@example.org") for n in range(4)
    ]
    task = make_task()
    barrier, won, lost = threading.Barrier(4), [], []

    def try_assign(volunteer_id):
        barrier.wait()
        try:
            tasks.assign(task.task_id, volunteer_id, SYSTEM)
            won.append(volunteer_id)
        except TaskTaken:
            lost.append(volunteer_id)

    threads = [threading.Thread(target=try_assign, args=(v,)) for v in volunteers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1 and len(lost) == 3
    assert tasks.get_task(task.task_id).volunteer_id == won[0]
    assert tasks.open_tasks_without_volunteer() == 0


def test_a_declined_task_is_open_again_and_counted():
    volunteer = make_volunteer()
    task = make_task()
    tasks.assign(task.task_id, volunteer, SYSTEM)
    assert tasks.open_tasks_without_volunteer() == 0
    tasks.decline(task.task_id, volunteer, SYSTEM)
    assert tasks.get_task(task.task_id).status == "open"
    assert tasks.open_tasks_without_volunteer() == 1


def test_a_task_text_with_a_client_code_is_refused(client):
    body = {
        "what": "Interpret for K-2025-031",
        "starts_at": next_weekday(),
        "place": "A clinic in Oslo",
        "language": "es",
        "skill": "interpreting",
    }
    response = client.post("/api/tasks", headers=bearer("staff"), body=json.dumps(body))
    assert response.status_code == 422
    assert json_body(response)["error"]["code"] == "identity_in_text"
    assert "what" in json_body(response)["error"]["fields"]
    assert tasks.open_tasks_without_volunteer() == 0
