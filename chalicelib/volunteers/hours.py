"""Hours per task, with totals per month and year kept up to date by each
entry (in the same transaction), and the privacy functions: a volunteer's
data download and anonymisation (the totals stay, the identity goes)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from chalicelib.audit.service import Actor, record
from chalicelib.errors import N_, Conflict, ValidationFailed
from chalicelib.uow import REPLAY, UnitOfWork
from chalicelib.volunteers.models import (
    HoursEntry,
    Task,
    Volunteer,
    VolunteerEmail,
    VolunteerTotal,
)
from chalicelib.volunteers.service import (
    email_hash,
    get_volunteer,
    update_volunteer,
)

ENTRY_KEY = re.compile(r"^[A-Za-z0-9_-]{6,64}$")
LOGGABLE = {"assigned", "accepted"}


class TaskNotStarted(Conflict):
    code = "task_not_loggable"
    message = N_("Hours can only be logged on a task that has a volunteer.")


def _minutes(value: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 1440:
        raise ValidationFailed({"minutes": N_("Enter between 1 and 1440 minutes.")})
    return value


def _worked_on(value: Any, task: Task) -> str:
    if not value:
        return task.starts_at[:10]
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ValidationFailed(
            {"worked_on": N_("Enter a date as YYYY-MM-DD.")}
        ) from None


def log_hours(task: Task, data: dict[str, Any], actor: Actor) -> bool:
    """Log minutes on a task for its volunteer; False when this entry key was
    logged before (a resubmitted form or a retried request changes nothing)."""
    if task.status not in LOGGABLE or not task.volunteer_id:
        raise TaskNotStarted()
    minutes, worked_on = (
        _minutes(data.get("minutes")),
        _worked_on(data.get("worked_on"), task),
    )
    key = str(data.get("entry_key") or "")
    if not ENTRY_KEY.match(key):
        raise ValidationFailed({"entry_key": N_("A unique entry key is required.")})
    volunteer_id = str(task.volunteer_id)
    entry = HoursEntry(
        volunteer_id,
        f"{task.task_id}#{key}",
        task_id=task.task_id,
        minutes=minutes,
        worked_on=worked_on,
        logged_by=actor.user_id,
        created_at=datetime.now(UTC),
    )
    uow = UnitOfWork(actor, ("create", "volunteer-hours", task.task_id))
    uow.save(entry, condition=HoursEntry.entry_id.does_not_exist(), on_fail=REPLAY)
    for scope in ("all", f"volunteer#{volunteer_id}"):
        for period in (worked_on[:4], worked_on[:7]):
            uow.update(VolunteerTotal(scope, period),
                       actions=[VolunteerTotal.value.add(minutes)])
    return uow.commit()


def hours_total(
    year: int, month: int | None = None, volunteer_id: str | None = None
) -> int:
    """Minutes logged in a year (or one month of it), by everyone or by one
    volunteer. One read of a maintained total, never the history."""
    scope = f"volunteer#{volunteer_id}" if volunteer_id else "all"
    period = f"{year:04d}-{month:02d}" if month else f"{year:04d}"
    try:
        return int(VolunteerTotal.get(scope, period).value)
    except VolunteerTotal.DoesNotExist:
        return 0


def monthly_totals(year: int, volunteer_id: str | None = None) -> dict[str, int]:
    """Minutes per month of a year ({"2026-11": 240, ...}): one Query."""
    scope = f"volunteer#{volunteer_id}" if volunteer_id else "all"
    rows = VolunteerTotal.query(scope, VolunteerTotal.period.startswith(f"{year:04d}-"))
    return {row.period: int(row.value) for row in rows}


def entries_of(volunteer_id: str) -> list[HoursEntry]:
    return list(HoursEntry.query(volunteer_id))


def export_data(
    volunteer: Volunteer, tasks: list[Task], actor: Actor
) -> dict[str, Any]:
    """Everything stored about one volunteer, as they may download it."""
    record(actor, "export", "volunteer", volunteer.volunteer_id)
    languages = volunteer.languages
    return {
        "volunteer": {
            "volunteer_id": volunteer.volunteer_id,
            "name": volunteer.name,
            "email": volunteer.email,
            "phone": volunteer.phone,
            "languages": dict(
                languages.as_dict() if hasattr(languages, "as_dict") else languages
            ),
            "skills": sorted(volunteer.skills or ()),
            "availability": sorted(volunteer.availability or ()),
            "region": volunteer.region,
            "status": volunteer.status,
            "consent_at": volunteer.consent_at,
            "signed_up_at": volunteer.created_at,
            "declaration_signed_on": volunteer.declaration_signed_on,
            "police_certificate_seen_on": volunteer.police_seen_on,
            "police_certificate_expires_on": volunteer.police_expires_on,
        },
        "tasks": [
            {
                "task_id": t.task_id,
                "what": t.what,
                "starts_at": t.starts_at,
                "place": t.place,
                "status": t.status,
            }
            for t in tasks
        ],
        "hours": [
            {"task_id": e.task_id, "worked_on": e.worked_on, "minutes": int(e.minutes)}
            for e in entries_of(volunteer.volunteer_id)
        ],
    }


def anonymise(volunteer_id: str, actor: Actor) -> Volunteer:
    """Remove a volunteer's identity on request. Hours entries and totals
    stay under the (meaningless) volunteer id; the email claim and the
    matching rows go, and the login is unlinked."""
    volunteer = get_volunteer(volunteer_id)
    if volunteer.anonymised:
        return volunteer
    email = volunteer.email

    def change(v: Volunteer) -> None:
        v.name, v.email, v.phone, v.region, v.user_id = "—", None, None, None, None
        v.languages, v.skills, v.availability = {}, None, None
        v.declaration_signed_on = v.police_seen_on = v.police_expires_on = None
        v.consent_at, v.status, v.anonymised = None, "ended", True

    claim = [VolunteerEmail(email_hash(email))] if email else []
    update_volunteer(volunteer, change, actor, ("anonymise", "volunteer", volunteer_id),
                     deletes=claim)
    return volunteer
