"""Which volunteers a task page offers: language, skill, clearance, availability."""

from __future__ import annotations

from chalicelib.audit.service import SYSTEM
from chalicelib.volunteers import service, tasks
from tests.conftest import bearer, json_body
from tests.volunteers.helpers import make_task, make_volunteer, next_weekday


def names(task) -> list[str]:
    return [c.name for c in tasks.eligible_volunteers(tasks.get_task(task.task_id))]


def test_only_volunteers_with_the_language_and_skill_are_offered():
    make_volunteer("Lucía Spanish")
    make_volunteer("João Portuguese", languages={"pt": "native"})
    make_volunteer("Eva Driver", skills=["driving"])
    assert names(make_task()) == ["Lucía Spanish"]


def test_interpreters_must_be_fluent_or_native():
    make_volunteer("Ana Basic", languages={"es": "basic"})
    make_volunteer("Bea Fluent", languages={"es": "fluent"})
    assert names(make_task()) == ["Bea Fluent"]
    assert names(make_task(skill="accompanying")) == []
    make_volunteer("Cris Companion", languages={"es": "basic"}, skills=["accompanying"])
    assert names(make_task(skill="accompanying")) == ["Cris Companion"]


def test_client_facing_tasks_offer_only_volunteers_cleared_on_the_day():
    make_volunteer("Ana Cleared", expires_in=300)
    make_volunteer("Bea Expired", expires_in=-1, status="applicant")
    make_volunteer("Cris Expires Before", expires_in=3)
    make_volunteer("Dora Applicant", status="applicant", expires_in=None)
    task = make_task(starts_at=next_weekday(weeks=2))
    assert names(task) == ["Ana Cleared"]
    office = make_task(client_facing=False, starts_at=next_weekday(weeks=2))
    assert names(office) == [
        "Ana Cleared",
        "Bea Expired",
        "Cris Expires Before",
        "Dora Applicant",
    ]


def test_availability_must_cover_the_tasks_slot():
    make_volunteer("Ana Days", availability=["weekdays"])
    make_volunteer("Bea Evenings", availability=["evenings"])
    make_volunteer("Cris Weekends", availability=["weekends"])
    assert names(make_task(starts_at=next_weekday(hour=10))) == ["Ana Days"]
    assert names(make_task(starts_at=next_weekday(hour=18))) == ["Bea Evenings"]
    assert names(make_task(starts_at=next_weekday(hour=11, weekday=5))) == [
        "Cris Weekends"
    ]


def test_paused_and_ended_volunteers_and_those_who_declined_are_not_offered():
    make_volunteer("Ana Paused", status="paused")
    make_volunteer("Bea Active")
    declining = make_volunteer("Cris Declined")
    task = make_task()
    tasks.assign(task.task_id, declining, SYSTEM)
    tasks.decline(task.task_id, declining, SYSTEM)
    assert names(task) == ["Bea Active"]


def test_a_task_without_language_offers_everyone_with_the_skill():
    make_volunteer("Ana Driver", skills=["driving"], languages={"ro": "good"})
    make_volunteer(
        "Bea Driver", skills=["driving", "events"], languages={"vi": "native"}
    )
    make_volunteer("Cris Interpreter")
    task = make_task(language="", skill="driving", client_facing=False)
    assert names(task) == ["Ana Driver", "Bea Driver"]


def test_a_change_of_clearance_shows_in_the_list_at_once():
    volunteer = make_volunteer("Ana Cleared")
    task = make_task()
    assert names(task) == ["Ana Cleared"]
    service.record_clearance(volunteer, {"declaration_signed_on": "2025-01-01"}, SYSTEM)
    assert names(task) == []


def test_the_task_api_lists_eligible_volunteers_and_flags_clearances_expiring_soon(
    client,
):
    make_volunteer("Ana Soon", expires_in=20)
    make_volunteer("Bea Later", expires_in=200)
    task = make_task()
    body = json_body(client.get(f"/api/tasks/{task.task_id}", headers=bearer("staff")))
    assert [(v["name"], v["expiring_soon"]) for v in body["eligible"]] == [
        ("Ana Soon", True),
        ("Bea Later", False),
    ]


def test_the_volunteer_list_filters_by_language_skill_and_clearance(client):
    make_volunteer("Ana Cleared")
    make_volunteer("Bea Applicant", status="applicant", expires_in=None)
    make_volunteer("Cris Driver", skills=["driving"], languages={"pt": "native"})
    headers = bearer("coordinator")

    def listed(query):
        response = client.get(f"/api/volunteers?{query}", headers=headers)
        assert response.status_code == 200
        return [v["name"] for v in json_body(response)["volunteers"]]

    assert listed("") == ["Ana Cleared", "Bea Applicant", "Cris Driver"]
    assert listed("language=es") == ["Ana Cleared", "Bea Applicant"]
    assert listed("language=es&cleared=true") == ["Ana Cleared"]
    assert listed("cleared=false") == ["Bea Applicant"]
    assert listed("skill=driving") == ["Cris Driver"]
    assert (
        client.get("/api/volunteers?cleared=maybe", headers=headers).status_code == 400
    )


def test_volunteers_and_tasks_share_todays_counties_and_an_old_region_still_ranks_near(
        client, session_as):
    from chalicelib.volunteers.models import Volunteer

    make_volunteer("Ada Vestland", region="vestland")
    old = make_volunteer("Bo Østlandet")
    service.update_volunteer(service.get_volunteer(old),
                             lambda v: setattr(v, "region", "ostlandet"))
    make_volunteer("Cai Akershus", region="akershus")  # a county of today
    assert Volunteer.get(old).region == "ostlandet"
    assert names(make_task(region="akershus")) == [
        "Bo Østlandet", "Cai Akershus", "Ada Vestland"]
    page = client.get(f"/staff/volunteers/{old}?lang=nb",
                      headers=session_as("coordinator").headers()).body.decode()
    assert "Østlandet" in page
