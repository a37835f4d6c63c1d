"""A volunteer logged in with role `volunteer` sees and answers only their own
tasks, and nothing of other volunteers, clients or shelters."""

from __future__ import annotations

import json
import re

from app import app
from chalicelib.audit.service import SYSTEM
from chalicelib.demo import load_demo_data
from chalicelib.volunteers import service, tasks
from tests.conftest import DEMO_PASSWORD, bearer, json_body
from tests.volunteers.helpers import make_task, make_volunteer

ME = "u-volunteer"
OWN_PATHS = ("/api/me", "/api/volunteer/me")


def linked_volunteer(name="Lucía Linked"):
    volunteer = make_volunteer(name)
    service.link_user(volunteer, ME, SYSTEM)
    return volunteer


def test_a_volunteer_sees_only_their_own_tasks_without_internal_fields(client):
    mine, other = linked_volunteer(), make_volunteer("Bea Other")
    own, foreign = make_task(what="My task"), make_task(what="Not mine")
    tasks.assign(own.task_id, mine, SYSTEM)
    tasks.assign(foreign.task_id, other, SYSTEM)
    body = json_body(client.get("/api/volunteer/me", headers=bearer("volunteer")))
    assert [t["what"] for t in body["tasks"]] == ["My task"]
    assert "volunteer_id" not in body["tasks"][0]


def test_a_volunteer_accepts_their_task_but_gets_403_on_someone_elses(client):
    mine, other = linked_volunteer(), make_volunteer("Bea Other")
    own, foreign = make_task(), make_task()
    tasks.assign(own.task_id, mine, SYSTEM)
    tasks.assign(foreign.task_id, other, SYSTEM)
    headers = bearer("volunteer")
    accepted = client.post(
        f"/api/volunteer/me/tasks/{own.task_id}/accept", headers=headers
    )
    assert json_body(accepted)["status"] == "accepted"
    refused = client.post(
        f"/api/volunteer/me/tasks/{foreign.task_id}/decline", headers=headers
    )
    assert refused.status_code == 403
    assert json_body(refused)["error"]["code"] == "not_your_task"
    assert tasks.get_task(foreign.task_id).status == "assigned"


def test_a_login_not_linked_to_a_volunteer_gets_403(client):
    make_volunteer()
    response = client.get("/api/volunteer/me", headers=bearer("volunteer"))
    assert response.status_code == 403
    assert json_body(response)["error"]["code"] == "not_linked"


def test_a_volunteer_token_gets_403_on_every_staff_api_other_volunteers_clients_and_shelters(
    client,
):
    """Every GET API that needs a login, except the volunteer's own, answers
    403 to a volunteer token: whatever area added it (clients, shelters ...)."""
    volunteer = linked_volunteer()
    task = make_task()
    checked = []
    for path, entry in app.routes.items():
        if "GET" not in entry or not path.startswith("/api/") or path in OWN_PATHS:
            continue
        if path.startswith("/api/volunteer/me"):
            continue
        url = re.sub(
            r"\{[^}]+\}",
            lambda m: {"{volunteer_id}": volunteer, "{task_id}": task.task_id}.get(
                m[0], "x"
            ),
            path,
        )
        if client.get(url).status_code != 401:
            continue  # a public route
        response = client.get(url, headers=bearer("volunteer"))
        assert response.status_code == 403, url
        checked.append(path)
    assert {
        "/api/volunteers",
        "/api/volunteers/{volunteer_id}",
        "/api/tasks/{task_id}",
        "/api/volunteer-hours",
    } <= set(checked)


def test_a_volunteer_cannot_assign_create_or_change_clearance(client):
    volunteer = linked_volunteer()
    task = make_task()
    headers = bearer("volunteer")
    assert (
        client.post(
            f"/api/tasks/{task.task_id}/assign",
            headers=headers,
            body=json.dumps({"volunteer_id": volunteer}),
        ).status_code
        == 403
    )
    assert client.post("/api/tasks", headers=headers, body="{}").status_code == 403
    assert (
        client.post(
            f"/api/volunteers/{volunteer}/clearance", headers=headers, body="{}"
        ).status_code
        == 403
    )


def test_the_demo_volunteer_sees_their_tasks_on_their_page_and_declines_one(
    client, session_as
):
    load_demo_data(DEMO_PASSWORD)
    session = session_as("volunteer")
    page = client.get("/volunteer/me?lang=es", headers=session.headers())
    text = page.body.decode()
    assert page.status_code == 200
    assert "Mis tareas y horas" in text
    assert "Følge til et møte på NAV-kontoret" in text
    assert "Tolke ved en legetime" not in text  # open, not hers
    headers, body = session.form({})
    response = client.post(
        "/volunteer/me/tasks/t-demo-nav/decline", headers=headers, body=body
    )
    assert response.status_code == 303
    assert tasks.get_task("t-demo-nav").status == "open"
    assert (
        "NAV-kontoret"
        not in client.get("/volunteer/me", headers=session.headers()).body.decode()
    )


def test_a_staff_page_is_not_for_volunteers(client, session_as):
    response = client.get(
        "/staff/volunteers", headers=session_as("volunteer").headers()
    )
    assert response.status_code == 403



def cookies_of(response) -> list[str]:
    found = response.headers.get("Set-Cookie") or []
    return [c.split(";")[0] for c in ([found] if isinstance(found, str) else found)]


def test_a_volunteer_who_chose_spanish_lands_on_a_spanish_home_after_logging_in(
        client):
    load_demo_data(DEMO_PASSWORD)
    login = client.get("/auth/login?lang=es")
    assert '<html lang="es">' in login.body.decode()
    jar = "; ".join(cookies_of(login))
    assert "lang=es" in jar
    token = login.body.decode().split('name="csrf_token" value="')[1].split('"')[0]
    sent = client.post("/auth/login", headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": jar},
        body=f"email=volunteer%40demo.local&password={DEMO_PASSWORD}"
             f"&csrf_token={token}")
    session = [c for c in cookies_of(sent) if c.startswith("session=")]
    home = client.get(sent.headers["Location"], headers={
        "Cookie": f"lang=es; {session[0]}", "Accept-Language": "en-GB"})
    html = home.body.decode()
    assert '<html lang="es">' in html and "Mi página" in html
    assert "Mis tareas y horas" in html
