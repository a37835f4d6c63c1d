"""How many DynamoDB requests the eligible-volunteer list of a task costs with
50 and with 500 volunteers. The list is one Query on the task's (language,
skill) key of the maintained match rows, so the count should not grow.

Run from the repository root: `.venv/bin/python bench/volunteers.py`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from common import counting_requests, median_seconds, start_stack

LANGS = ["es", "pt", "en", "ro", "vi"]
SKILLS = ["interpreting", "driving", "accompanying", "events", "office"]


def add_volunteers(start: int, stop: int) -> None:
    from chalicelib.volunteers.models import Volunteer
    from chalicelib.volunteers.service import ChangedMeanwhile, _write

    now, expires = datetime.now(UTC), (date.today() + timedelta(days=365)).isoformat()
    for number in range(start, stop):
        languages = {LANGS[number % 5]: "native", LANGS[(number + 2) % 5]: "fluent"}
        skills = {SKILLS[number % 5], SKILLS[(number + 1) % 5]}
        try:
            _write(
                Volunteer(
                    f"v-bench-{number:04d}",
                    name=f"Volunteer {number:04d}",
                    email=f"v{number}@bench.example",
                    languages=languages,
                    skills=skills,
                    availability={"weekdays", "evenings"},
                    region="oslo",
                    created_at=now,
                    status="active",
                    declaration_signed_on="2026-01-01",
                    police_seen_on="2026-01-01",
                    police_expires_on=expires,
                ),
                None,
                set(),
            )
        except ChangedMeanwhile:
            print("conflict at", number, Volunteer.count(), flush=True)
            raise


def measure(task) -> tuple[int, int, float]:
    from chalicelib.volunteers import tasks

    with counting_requests() as counter:
        found = tasks.eligible_volunteers(task)
    seconds = median_seconds(lambda: tasks.eligible_volunteers(task), repeat=5)
    return counter.count, len(found), seconds


def main() -> None:
    start_stack()
    from chalicelib.audit.service import SYSTEM
    from chalicelib.volunteers import tasks

    ahead = (1 - date.today().weekday()) % 7 or 7  # next Tuesday, 10:00
    task = tasks.create_task(
        {
            "what": "Interpret at a doctor's appointment",
            "place": "A clinic in Oslo",
            "starts_at": f"{date.today() + timedelta(days=ahead)}T10:00",
            "language": "es",
            "skill": "interpreting",
            "client_facing": True,
        },
        SYSTEM,
    )
    results = {}
    for size, previous in ((50, 0), (500, 50)):
        add_volunteers(previous, size)
        requests, eligible, seconds = measure(task)
        results[size] = requests
        print(
            f"{size} volunteers: {requests} DynamoDB requests, {eligible} eligible, "
            f"median {seconds * 1000:.1f} ms"
        )
    print(
        f"requests 500/50 ratio: {results[500] / results[50]:.2f} "
        f"({results[50]} -> {results[500]})"
    )


if __name__ == "__main__":
    main()
