"""Tasks: create, list eligible volunteers, assign, accept or decline.

The count of open tasks without a volunteer changes in the same transaction
as the task, so `open_tasks_without_volunteer()` is one read."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from chalicelib import privacy
from chalicelib.audit.service import Actor
from chalicelib.core.vocabulary import county_of
from chalicelib.errors import N_, Conflict, Forbidden, NotFound
from chalicelib.uow import REPLAY, UnitOfWork
from chalicelib.volunteers import rules
from chalicelib.volunteers.models import Task, Volunteer, VolunteerTotal
from chalicelib.volunteers.service import (
    candidates,
    get_volunteer,
    today,
)

OPEN_SCOPE, OPEN_PERIOD = "tasks", "open-unassigned"


class UnknownTask(NotFound):
    code = "unknown_task"
    message = N_("There is no such task.")


class NotCleared(Conflict):
    code = "not_cleared"
    message = N_(
        "This task is client-facing: the volunteer needs a valid confidentiality "
        "declaration and police certificate on the day of the task."
    )


class VolunteerUnavailable(Conflict):
    code = "volunteer_unavailable"
    message = N_("This volunteer is paused or has ended and cannot be assigned.")


class TaskTaken(Conflict):
    code = "task_taken"
    message = N_("This task is no longer open. Reload the page.")


class NotYourTask(Forbidden):
    code = "not_your_task"
    message = N_("This task is not assigned to you.")


def _text(data: dict[str, Any], key: str, limit: int) -> str:
    value = data.get(key)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _check_texts(data: dict[str, Any], fields: dict[str, str]) -> dict[str, Any]:
    what, place = _text(data, "what", 200), _text(data, "place", 120)
    if len(what) < 3:
        fields["what"] = N_("Describe the task.")
    if len(place) < 2:
        fields["place"] = N_("Say where, in general terms (e.g. a clinic in Oslo).")
    starts_at = _text(data, "starts_at", 16)
    try:
        starts_at = datetime.fromisoformat(starts_at).strftime("%Y-%m-%dT%H:%M")
    except ValueError:
        fields["starts_at"] = N_("Enter the start as YYYY-MM-DDTHH:MM.")
    minutes = data.get("minutes", 120)
    if isinstance(minutes, str) and minutes.isdigit():
        minutes = int(minutes)
    if not isinstance(minutes, int) or not 15 <= minutes <= 24 * 60:
        fields["minutes"] = N_("Enter a duration between 15 and 1440 minutes.")
    return dict(what=what, place=place, starts_at=starts_at, minutes=minutes)


def _check_choices(data: dict[str, Any], fields: dict[str, str]) -> dict[str, Any]:
    choices = {
        "language": (rules.LANGUAGES, N_("Choose a language from the list.")),
        "skill": (rules.SKILLS, N_("Choose a skill from the list.")),
        "region": (rules.REGIONS, N_("Choose a region.")),
    }
    found: dict[str, Any] = {}
    for key, (allowed, message) in choices.items():
        found[key] = _text(data, key, 20) or None
        if found[key] and found[key] not in allowed:
            fields[key] = message
    found["client_facing"] = data.get("client_facing") in (True, "yes", "on")
    return found


def _check_task(data: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, str] = {}
    checked = {**_check_texts(data, fields), **_check_choices(data, fields)}
    texts = {"what": checked["what"], "place": checked["place"]}
    privacy.refuse(fields, privacy.refusals(texts, privacy.VOLUNTEER))
    return checked


def create_task(data: dict[str, Any], actor: Actor, task_id: str | None = None) -> Task:
    """A new open task; the open-task count rises with it. With a `task_id`
    that exists already, nothing changes and that task is returned."""
    task = Task(
        task_id or f"t-{secrets.token_hex(6)}",
        created_at=datetime.now(UTC),
        created_by=actor.user_id,
        status="open",
        **_check_task(data),
    )
    uow = UnitOfWork(actor, ("create", "volunteer-task", task.task_id))
    uow.save(task, condition=Task.task_id.does_not_exist(), on_fail=REPLAY)
    uow.update(_open_counter(), actions=[VolunteerTotal.value.add(1)])
    if not uow.commit():
        return get_task(task.task_id)
    return task


def _open_counter() -> VolunteerTotal:
    return VolunteerTotal(OPEN_SCOPE, OPEN_PERIOD)


def get_task(task_id: str) -> Task:
    try:
        return Task.get(task_id, consistent_read=True)
    except Task.DoesNotExist:
        raise UnknownTask() from None


def list_tasks(limit: int = 200) -> list[Task]:
    """Tasks for the staff list, soonest first (a small table)."""
    tasks = list(Task.scan(limit=limit))
    return sorted(tasks, key=lambda t: (t.starts_at, t.task_id))


def needs_of(task: Task) -> rules.TaskNeeds:
    return rules.TaskNeeds(
        task.language,
        task.skill,
        bool(task.client_facing),
        task.starts_at,
        frozenset(task.declined_by or ()),
    )


def eligible_volunteers(task: Task) -> list[rules.Candidate]:
    """Who can take this task: one Query on the task's (language, skill)
    key, then the rules; volunteers in the task's region first."""
    needs = needs_of(task)
    found = [
        c for c in candidates(task.language, task.skill) if rules.is_eligible(c, needs)
    ]
    def elsewhere(candidate: rules.Candidate) -> bool:
        return str(task.region) not in county_of(candidate.region).candidates

    return sorted(found, key=lambda c: (elsewhere(c), c.name.lower(), c.volunteer_id))


def _check_assignable(task: Task, volunteer: Volunteer) -> None:
    if volunteer.anonymised or volunteer.status not in rules.ASSIGNABLE:
        raise VolunteerUnavailable()
    until = rules.cleared_until(
        volunteer.declaration_signed_on,
        volunteer.police_seen_on,
        volunteer.police_expires_on,
    )
    day = max(today(), datetime.fromisoformat(task.starts_at).date())
    if task.client_facing and not rules.clearance_valid(volunteer.status, until, day):
        raise NotCleared()


def assign(task_id: str, volunteer_id: str, actor: Actor) -> Task:
    """Give an open task to a volunteer. Client-facing tasks need a valid
    clearance (409 `not_cleared`); the volunteer's record must not change
    between the check and the write, nor may the task be taken meanwhile."""
    task, volunteer = get_task(task_id), get_volunteer(volunteer_id)
    if task.status != "open":
        raise TaskTaken()
    _check_assignable(task, volunteer)
    uow = UnitOfWork(actor, ("update", "volunteer-task", task_id))
    uow.update(
        task,
        actions=[Task.status.set("assigned"), Task.volunteer_id.set(volunteer_id)],
        condition=Task.status == "open",
        on_fail=TaskTaken,
    )
    uow.condition_check(Volunteer, volunteer_id,
                        condition=Volunteer.version == volunteer.version,
                        on_fail=TaskTaken)
    uow.update(_open_counter(), actions=[VolunteerTotal.value.add(-1)])
    uow.commit()
    return get_task(task_id)


def own_task(task_id: str, volunteer_id: str) -> Task:
    """A task of this volunteer; NotYourTask (403) for anyone else's."""
    task = get_task(task_id)
    if task.volunteer_id != volunteer_id:
        raise NotYourTask()
    return task


def accept(task_id: str, volunteer_id: str, actor: Actor) -> Task:
    task = own_task(task_id, volunteer_id)
    if task.status == "accepted":
        return task  # a repeated click changes nothing
    _answer(task, volunteer_id, [Task.status.set("accepted")], 0, actor)
    return get_task(task_id)


def decline(task_id: str, volunteer_id: str, actor: Actor) -> Task:
    """The task goes back to open and this volunteer is not offered it again."""
    task = own_task(task_id, volunteer_id)
    actions = [
        Task.status.set("open"),
        Task.volunteer_id.remove(),
        Task.declined_by.add({volunteer_id}),
    ]
    _answer(task, volunteer_id, actions, 1, actor)
    return get_task(task_id)


def _answer(task: Task, volunteer_id: str, actions: list, counter: int,
            actor: Actor) -> None:
    condition = (Task.status == "assigned") & (Task.volunteer_id == volunteer_id)
    uow = UnitOfWork(actor, ("update", "volunteer-task", task.task_id))
    uow.update(task, actions=actions, condition=condition, on_fail=TaskTaken)
    if counter:
        uow.update(_open_counter(), actions=[VolunteerTotal.value.add(counter)])
    uow.commit()


def tasks_of(volunteer_id: str) -> list[Task]:
    """A volunteer's tasks, soonest first (one Query on the index)."""
    return list(Task.by_volunteer.query(volunteer_id))


def open_tasks_without_volunteer() -> int:
    """How many tasks are open and nobody is assigned (a maintained count)."""
    try:
        return int(VolunteerTotal.get(OPEN_SCOPE, OPEN_PERIOD).value)
    except VolunteerTotal.DoesNotExist:
        return 0
