"""Demo volunteers (invented names) and tasks. Clearance dates are relative to
today so one certificate always expires soon. Loading twice changes nothing;
Lucía is linked to the demo login volunteer@demo.local (user id u-volunteer)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from chalicelib.audit.service import SYSTEM
from chalicelib.volunteers import tasks
from chalicelib.volunteers.models import Volunteer
from chalicelib.volunteers.service import ChangedMeanwhile, _write

DEMO_USER_ID = "u-volunteer"
# id, name, languages, skills, availability, region, status, expiry in days
VOLUNTEERS = [
    (
        "v-demo-lucia",
        "Lucía Ramírez Ortega",
        {"es": "native", "en": "fluent"},
        {"interpreting", "accompanying", "events"},
        {"weekdays", "evenings", "weekends"},
        "oslo",
        "active",
        300,
    ),
    (
        "v-demo-joao",
        "João Pereira Lima",
        {"pt": "native", "es": "good", "en": "good"},
        {"interpreting", "driving"},
        {"evenings", "weekends"},
        "oslo",
        "active",
        20,
    ),
    (
        "v-demo-ioana",
        "Ioana Dumitrescu",
        {"ro": "native", "en": "fluent"},
        {"interpreting", "mentoring"},
        {"weekdays"},
        "vestland",
        "cleared",
        500,
    ),
    (
        "v-demo-lan",
        "Trần Thị Lan",
        {"vi": "native", "nb": "fluent", "en": "good"},
        {"interpreting", "events"},
        {"weekends"},
        "oslo",
        "applicant",
        None,
    ),
    (
        "v-demo-ingrid",
        "Ingrid Solberg Haugen",
        {"nb": "native", "en": "fluent"},
        {"driving", "office", "events"},
        {"weekdays", "weekends"},
        "oslo",
        "paused",
        200,
    ),
    (
        "v-demo-sarah",
        "Sarah Whitfield",
        {"en": "native", "nb": "good"},
        {"training", "mentoring"},
        {"evenings"},
        "rogaland",
        "active",
        -10,
    ),
    (
        "v-demo-diego",
        "Diego Castillo Ruiz",
        {"es": "native", "pt": "good"},
        {"accompanying", "driving"},
        {"weekdays"},
        "nordland",
        "applicant",
        None,
    ),
]


def _day(offset: int) -> str:
    return (date.today() + timedelta(days=offset)).isoformat()


def _next(weekday: int, hour: int, weeks: int = 1) -> str:
    ahead = (weekday - date.today().weekday()) % 7 or 7
    day = date.today() + timedelta(days=ahead + 7 * (weeks - 1))
    return f"{day.isoformat()}T{hour:02d}:00"


def _volunteer(row: tuple) -> Volunteer:
    volunteer_id, name, languages, skills, available, region, status, expiry = row
    first = volunteer_id.removeprefix("v-demo-")
    now = datetime.now(UTC)
    cleared = expiry is not None
    return Volunteer(
        volunteer_id,
        name=name,
        email=f"{first}@volunteer.example",
        phone=None,
        languages=languages,
        skills=skills,
        availability=available,
        region=region,
        lang="es" if "es" in languages else "en",
        consent_at=now,
        created_at=now,
        status=status,
        declaration_signed_on=_day(-400) if cleared else None,
        police_seen_on=_day(-400) if cleared else None,
        police_expires_on=_day(expiry) if cleared else None,
        user_id=DEMO_USER_ID if first == "lucia" else None,
    )


TASKS = [
    (
        "t-demo-doctor",
        "Tolke ved en legetime",
        _next(1, 10),
        "Et legesenter i Oslo sentrum",
        "es",
        "interpreting",
        True,
    ),
    (
        "t-demo-storage",
        "Kjøre gaver til lageret",
        _next(5, 11),
        "Fra kontoret i Oslo",
        None,
        "driving",
        False,
    ),
    (
        "t-demo-nav",
        "Følge til et møte på NAV-kontoret",
        _next(2, 13),
        "Et NAV-kontor i Oslo",
        "es",
        "accompanying",
        True,
    ),
    (
        "t-demo-stand",
        "Hjelpe til på julestanden for innsamling",
        _next(5, 12, 2),
        "Et kjøpesenter i Oslo",
        "en",
        "events",
        False,
    ),
    (
        "t-demo-legal",
        "Tolke i et møte med en advokat",
        _next(3, 14),
        "Et advokatkontor i Oslo",
        "vi",
        "interpreting",
        True,
    ),
]


def load() -> None:
    for row in VOLUNTEERS:
        try:
            _write(_volunteer(row), None, set(), actor=SYSTEM)
        except ChangedMeanwhile:
            pass  # loaded before
    for task_id, what, starts_at, place, language, skill, facing in TASKS:
        data = dict(
            what=what,
            starts_at=starts_at,
            place=place,
            language=language,
            skill=skill,
            client_facing=facing,
            region="oslo",
            minutes=120,
        )
        tasks.create_task(data, SYSTEM, task_id=task_id)
    _assign_once("t-demo-nav", "v-demo-lucia", accept=False)
    _assign_once("t-demo-stand", "v-demo-lucia", accept=True)


def _assign_once(task_id: str, volunteer_id: str, accept: bool) -> None:
    if tasks.get_task(task_id).status != "open":
        return
    tasks.assign(task_id, volunteer_id, SYSTEM)
    if accept:
        tasks.accept(task_id, volunteer_id, SYSTEM)
