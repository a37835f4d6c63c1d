"""Volunteers' JSON API; the HTML pages are in `pages.py` (same Blueprint)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.auth.roles import ADMIN, COORDINATOR, STAFF, VOLUNTEER
from chalicelib.core.clock import oslo_date
from chalicelib.errors import N_, ValidationFailed
from chalicelib.volunteers import hours, rules, service, tasks
from chalicelib.volunteers.signup import is_spam, parse_signup
from chalicelib.web.routing import api
from chalicelib.web.schema import (
    BOOL,
    DATE,
    ID,
    array,
    either,
    integer,
    nullable,
    obj,
    one_of,
    text,
)

bp = Blueprint(__name__)
MANAGERS = (STAFF, COORDINATOR)
TASK = obj({"task_id": ID, "what": text(), "starts_at": text(), "minutes": integer(),
            "place": text(), "region": nullable(text()), "language": nullable(text()),
            "skill": nullable(text()), "client_facing": BOOL, "status": text(),
            "volunteer_id": nullable(text())})
CANDIDATE = obj({"volunteer_id": ID, "name": text(), "status": text(),
                 "region": nullable(text()), "availability": array(text()),
                 "cleared": BOOL, "clearance_expires": nullable(text()),
                 "expiring_soon": BOOL})


def _choices(allowed: dict) -> dict:
    return either("array", "string", items=one_of(*allowed), maxLength=64)


SIGNUP_BODY = obj({"name": text(100), "email": text(200), "phone": text(40),
                   "languages": {"type": "object", "maxProperties": 20,
                                 "propertyNames": one_of(*rules.LANGUAGES),
                                 "additionalProperties": one_of(*rules.LEVELS)},
                   "skills": _choices(rules.SKILLS),
                   "availability": _choices(rules.AVAILABILITY),
                   "region": one_of(*rules.REGIONS),
                   "consent": either("boolean", "string", maxLength=5),
                   "website": text(200)},
                  required=("name", "email", "languages", "skills", "availability",
                            "region", "consent"))
TASK_BODY = obj({"what": text(200), "place": text(120),
                 "starts_at": text(16, examples=["2026-12-24T10:00"]),
                 "minutes": either("integer", "string", maxLength=5),
                 "language": one_of(*rules.LANGUAGES), "skill": one_of(*rules.SKILLS),
                 "region": one_of(*rules.REGIONS),
                 "client_facing": either("boolean", "string", maxLength=5)},
                required=("what", "place", "starts_at"))
HOURS_BODY = obj({"minutes": either("integer", "string", maxLength=5),
                  "worked_on": DATE, "entry_key": text(64)},
                 required=("minutes", "entry_key"))
CLEARANCE_BODY = obj({"declaration_signed_on": DATE, "police_seen_on": DATE,
                      "police_expires_on": DATE})
STATUS = obj({"volunteer_id": ID, "status": text()})
DATA = obj({"volunteer": {"type": "object"}, "tasks": array({"type": "object"}, 100000),
            "hours": array({"type": "object"}, 100000)})


def task_json(task, staff: bool = False) -> dict:
    body = {
        "task_id": task.task_id,
        "what": task.what,
        "starts_at": task.starts_at,
        "minutes": int(task.minutes),
        "place": task.place,
        "region": task.region,
        "language": task.language,
        "skill": task.skill,
        "client_facing": bool(task.client_facing),
        "status": task.status,
    }
    if staff:
        body["volunteer_id"] = task.volunteer_id
    return body


def candidate_json(candidate: rules.Candidate, expiring: set[str]) -> dict:
    return {
        "volunteer_id": candidate.volunteer_id,
        "name": candidate.name,
        "status": candidate.status,
        "region": candidate.region,
        "availability": sorted(candidate.availability),
        "cleared": rules.clearance_valid(
            candidate.status, candidate.cleared_until, service.today()
        ),
        "clearance_expires": candidate.cleared_until,
        "expiring_soon": candidate.volunteer_id in expiring,
    }


def _flag(value: str | None) -> bool | None:
    if value in (None, ""):
        return None
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no"):
        return False
    raise ValidationFailed({"cleared": N_("Use true or false.")})


@api(bp, "/api/volunteers", methods=["POST"], body=SIGNUP_BODY, status=202,
     answer=obj({"status": one_of("received")}))
def sign_up(ctx):
    data = ctx.json()
    if not is_spam(data):
        service.sign_up(parse_signup(data), ctx.lang, ctx.client_ip)
    # The same answer for a new, a repeated and a spam sign-up.
    return ctx.json_response({"status": "received"}, status=202)


@api(bp, "/api/volunteers", roles=MANAGERS,
     query={"language": text(16), "skill": text(64),
            "cleared": one_of("true", "false", "1", "0", "yes", "no")},
     answer=obj({"volunteers": array(CANDIDATE, 100000)}))
def list_volunteers(ctx):
    query = ctx.query
    found = service.list_volunteers(
        query.get("language") or None,
        query.get("skill") or None,
        _flag(query.get("cleared")),
    )
    soon = service.expiring(found)
    return ctx.json_response({"volunteers": [candidate_json(c, soon) for c in found]})


@api(bp, "/api/volunteers/{volunteer_id}", roles=MANAGERS, answer=DATA)
def get_volunteer(ctx, volunteer_id):
    volunteer = service.get_volunteer(volunteer_id)
    data = hours.export_data(volunteer, tasks.tasks_of(volunteer_id), ctx.user.actor)
    data["volunteer"]["version"] = int(volunteer.version)
    data["volunteer"]["user_id"] = volunteer.user_id
    return ctx.json_response(data)


@api(bp, "/api/volunteers/{volunteer_id}/clearance", methods=["POST"], roles=MANAGERS,
     body=CLEARANCE_BODY, answer=STATUS)
def record_clearance(ctx, volunteer_id):
    volunteer = service.record_clearance(volunteer_id, ctx.json(), ctx.user.actor)
    return ctx.json_response({"volunteer_id": volunteer_id, "status": volunteer.status})


@api(bp, "/api/volunteers/{volunteer_id}/status", methods=["POST"], roles=MANAGERS,
     body=obj({"status": text(32)}, required=("status",)), answer=STATUS)
def change_status(ctx, volunteer_id):
    target = str(ctx.json().get("status", ""))
    volunteer = service.change_status(volunteer_id, target, ctx.user.actor)
    return ctx.json_response({"volunteer_id": volunteer_id, "status": volunteer.status})


@api(bp, "/api/volunteers/{volunteer_id}/link", methods=["POST"], roles=(ADMIN,),
     body=obj({"user_id": ID}, required=("user_id",)),
     answer=obj({"volunteer_id": ID, "linked": BOOL}))
def link_user(ctx, volunteer_id):
    service.link_user(volunteer_id, str(ctx.json().get("user_id", "")), ctx.user.actor)
    return ctx.json_response({"volunteer_id": volunteer_id, "linked": True})


@api(bp, "/api/volunteers/{volunteer_id}/anonymise", methods=["POST"],
     roles=(ADMIN,), answer=obj({"volunteer_id": ID, "anonymised": BOOL}))
def anonymise(ctx, volunteer_id):
    hours.anonymise(volunteer_id, ctx.user.actor)
    return ctx.json_response({"volunteer_id": volunteer_id, "anonymised": True})


@api(bp, "/api/tasks", methods=["POST"], roles=MANAGERS, body=TASK_BODY, answer=TASK,
     status=201)
def create_task(ctx):
    task = tasks.create_task(ctx.json(), ctx.user.actor)
    return ctx.json_response(task_json(task, staff=True), status=201)


@api(bp, "/api/tasks", roles=MANAGERS,
     answer=obj({"tasks": array(TASK, 100000), "open_without_volunteer": integer()}))
def list_tasks(ctx):
    return ctx.json_response(
        {
            "tasks": [task_json(t, staff=True) for t in tasks.list_tasks()],
            "open_without_volunteer": tasks.open_tasks_without_volunteer(),
        }
    )


@api(bp, "/api/tasks/{task_id}", roles=MANAGERS,
     answer={**TASK, "properties": {**TASK["properties"],
                                    "eligible": array(CANDIDATE, 100000)}})
def get_task(ctx, task_id):
    task = tasks.get_task(task_id)
    eligible = tasks.eligible_volunteers(task)
    soon = service.expiring(eligible)
    body = task_json(task, staff=True)
    body["eligible"] = [candidate_json(c, soon) for c in eligible]
    return ctx.json_response(body)


@api(bp, "/api/tasks/{task_id}/assign", methods=["POST"], roles=MANAGERS,
     body=obj({"volunteer_id": ID}, required=("volunteer_id",)), answer=TASK)
def assign(ctx, task_id):
    volunteer_id = str(ctx.json().get("volunteer_id", ""))
    task = tasks.assign(task_id, volunteer_id, ctx.user.actor)
    return ctx.json_response(task_json(task, staff=True))


@api(bp, "/api/tasks/{task_id}/hours", methods=["POST"], roles=(*MANAGERS, VOLUNTEER),
     body=HOURS_BODY, answer=obj({"logged": BOOL}), status=(201, 200))
def log_hours(ctx, task_id):
    if ctx.user.is_staff:
        task = tasks.get_task(task_id)
    else:
        me = service.volunteer_for_user(ctx.user.user_id)
        task = tasks.own_task(task_id, me.volunteer_id)
    created = hours.log_hours(task, ctx.json(), ctx.user.actor)
    return ctx.json_response({"logged": created}, status=201 if created else 200)


@api(bp, "/api/volunteer-hours", roles=MANAGERS,
     query={"year": text(4, pattern="^[0-9]{4}$")},
     answer=obj({"year": integer(), "minutes": integer(), "months": {}}))
def hour_totals(ctx):
    year = ctx.query.get("year") or str(oslo_date().year)
    if not year.isdigit() or len(year) != 4:
        raise ValidationFailed({"year": N_("Enter a year like 2026.")})
    return ctx.json_response(
        {
            "year": int(year),
            "minutes": hours.hours_total(int(year)),
            "months": hours.monthly_totals(int(year)),
        }
    )


@api(bp, "/api/volunteer/me", roles=(VOLUNTEER,),
     answer=obj({"name": text(), "status": text(), "tasks": array(TASK, 100000),
                 "minutes_this_year": integer()}))
def my_tasks(ctx):
    me = service.volunteer_for_user(ctx.user.user_id)
    year = service.today().year
    return ctx.json_response(
        {
            "name": me.name,
            "status": me.status,
            "tasks": [task_json(t) for t in tasks.tasks_of(me.volunteer_id)],
            "minutes_this_year": hours.hours_total(year, volunteer_id=me.volunteer_id),
        }
    )


@api(
    bp,
    "/api/volunteer/me/tasks/{task_id}/{answer}",
    methods=["POST"],
    roles=(VOLUNTEER,),
    path_params={"answer": one_of("accept", "decline")},
    answer=TASK,
)
def answer_task(ctx, task_id, answer):
    me = service.volunteer_for_user(ctx.user.user_id)
    if answer not in ("accept", "decline"):
        raise ValidationFailed({"answer": N_("Answer accept or decline.")})
    act = tasks.accept if answer == "accept" else tasks.decline
    task = act(task_id, me.volunteer_id, ctx.user.actor)
    return ctx.json_response(task_json(task))


@api(bp, "/api/volunteer/me/data", roles=(VOLUNTEER,), answer=DATA)
def my_data(ctx):
    me = service.volunteer_for_user(ctx.user.user_id)
    data = hours.export_data(me, tasks.tasks_of(me.volunteer_id), ctx.user.actor)
    response = ctx.json_response(data)
    response.headers["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


from chalicelib.volunteers import pages  # noqa: E402,F401 - registers the pages
