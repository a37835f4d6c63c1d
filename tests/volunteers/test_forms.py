"""Failed volunteer forms (hours, clearance dates) come back filled in."""
from __future__ import annotations

from chalicelib.audit.service import SYSTEM
from chalicelib.volunteers import hours, service, tasks
from tests.form_helpers import read_page
from tests.volunteers.helpers import make_task, make_volunteer


def accepted_task(volunteer_id):
    task = make_task(starts_at="2026-03-10T10:00", client_facing=False)
    tasks.assign(task.task_id, volunteer_id, SYSTEM)
    return tasks.accept(task.task_id, volunteer_id, SYSTEM)


def post(client, session, path, fields):
    headers, body = session.form(fields)
    return client.post(path, headers=headers, body=body)


def test_staff_logging_too_many_hours_keep_the_hours_and_day_typed(client, session_as):
    task = accepted_task(make_volunteer())
    response = post(client, session_as("coordinator"),
                    f"/staff/volunteer-tasks/{task.task_id}",
                    {"_form": "hours", "action": "hours", "entry_key": "entry-form-1",
                     "hours": "30", "worked_on": "2026-03-11"})
    page = read_page(response.body.decode())
    assert response.status_code == 422
    assert page.by_id["hours-hours"].invalid
    assert page.by_id["hours-hours"].attrs["value"] == "30"
    assert page.by_id["hours-worked_on"].attrs["value"] == "2026-03-11"
    assert page.texts["hours-hours-error"] == "Skriv høyst 24 timer, for eksempel 2 eller 1,5."
    assert hours.hours_total(2026) == 0


def test_a_volunteer_typing_words_for_hours_gets_their_page_back_filled_in(
        client, session_as):
    volunteer = make_volunteer()
    service.link_user(volunteer, "u-volunteer", SYSTEM)
    task = accepted_task(volunteer)
    response = post(client, session_as("volunteer"),
                    f"/volunteer/me/tasks/{task.task_id}/hours",
                    {"_form": f"hours-{task.task_id}", "entry_key": "entry-form-2",
                     "hours": "to timer", "worked_on": "2026-03-10"})
    page = read_page(response.body.decode())
    field = page.by_id[f"hours-{task.task_id}-hours"]
    assert response.status_code == 422
    assert field.invalid and field.attrs["value"] == "to timer"
    assert page.texts[f"hours-{task.task_id}-hours-error"] == \
        "Skriv inn timer som 2 eller 1,5."
    assert hours.hours_total(2026) == 0


def test_a_bad_clearance_date_keeps_every_date_and_marks_the_expiry(client, session_as):
    volunteer = make_volunteer()
    before = service.get_volunteer(volunteer).police_expires_on
    response = post(client, session_as("coordinator"),
                    f"/staff/volunteers/{volunteer}",
                    {"_form": "clearance", "action": "clearance",
                     "declaration_signed_on": "2026-01-05",
                     "police_seen_on": "2026-02-01", "police_expires_on": "2025-02-01"})
    page = read_page(response.body.decode())
    assert response.status_code == 422
    assert page.by_id["clearance-police_expires_on"].invalid
    assert not page.by_id["clearance-police_seen_on"].invalid
    assert page.by_id["clearance-declaration_signed_on"].attrs["value"] == "2026-01-05"
    assert page.by_id["clearance-police_expires_on"].attrs["value"] == "2025-02-01"
    assert ("#clearance-police_expires_on",
            page.texts["clearance-police_expires_on-error"]) in page.summary_links
    assert service.get_volunteer(volunteer).police_expires_on == before


def test_a_task_naming_a_phone_keeps_what_was_typed_and_marks_the_text(
        client, session_as):
    response = post(client, session_as("coordinator"), "/staff/volunteer-tasks",
                    {"what": "Følge til lege, ring 912 34 567", "starts_at":
                     "2026-03-10T10:00", "minutes": "90", "place": "Oslo sentrum",
                     "region": "oslo", "language": "es", "skill": "",
                     "client_facing": "yes"})
    page = read_page(response.body.decode())
    assert response.status_code == 422
    assert page.by_id["what"].invalid
    assert page.by_id["what"].attrs["value"] == "Følge til lege, ring 912 34 567"
    assert page.by_id["minutes"].attrs["value"] == "90"
    assert page.by_id["language"].selected == ["es"]
    assert "checked" in page.by_id["client_facing"].attrs
    assert tasks.list_tasks() == []


def test_a_volunteer_sees_when_the_task_starts_as_written_in_norway_and_is_thanked_once(
        client, session_as):
    volunteer = make_volunteer()
    service.link_user(volunteer, "u-volunteer", SYSTEM)
    task = accepted_task(volunteer)
    me = session_as("volunteer")
    page = client.get("/volunteer/me?lang=es", headers=me.headers()).body.decode()
    assert "10.03.2026 10:00" in page and "2026-03-10 10:00" not in page
    answer = post(client, me, f"/volunteer/me/tasks/{task.task_id}/hours",
                  {"_form": f"hours-{task.task_id}", "entry_key": "entry-form-3",
                   "hours": "1,5", "worked_on": "2026-03-10"})
    assert "Sus horas se guardaron." in me.follow(client, answer, lang="es").body.decode()
    assert hours.hours_total(2026) == 90
