"""Shared set-up for the volunteers tests: volunteers and tasks through the
real service functions."""

from __future__ import annotations

import itertools
from datetime import timedelta

from chalicelib.audit.service import SYSTEM
from chalicelib.core.clock import oslo_date
from chalicelib.volunteers import service, tasks
from chalicelib.volunteers.signup import parse_signup

IP = "203.0.113.7"
_addresses = itertools.count(1)


def signup_data(**overrides) -> dict:
    data = {
        "name": "Lucía Fernández",
        "email": "lucia@example.org",
        "phone": "+47 400 00 001",
        "languages": {"es": "native", "en": "fluent"},
        "skills": ["interpreting"],
        "availability": ["weekdays"],
        "region": "oslo",
        "consent": True,
    }
    data.update(overrides)
    return data


def days(n: int) -> str:
    return (oslo_date() + timedelta(days=n)).isoformat()  # days are Oslo's


def next_weekday(hour: int = 10, weekday: int = 1, weeks: int = 1) -> str:
    """A coming day (Tuesday by default) at `hour`."""
    today = oslo_date()
    ahead = (weekday - today.weekday()) % 7 + 7 * (weeks - 1) or 7
    return f"{(today + timedelta(days=ahead)).isoformat()}T{hour:02d}:00"


def make_volunteer(
    name="Lucía Fernández", status="active", expires_in=365, ip=None, **overrides
) -> str:
    """A volunteer through the real sign-up, then cleared and moved along."""
    ip = ip or f"198.51.100.{next(_addresses)}"
    email = overrides.pop("email", f"{name.split()[0].lower()}@example.org")
    volunteer_id = service.sign_up(
        parse_signup(signup_data(name=name, email=email, **overrides)), "es", ip
    )
    assert volunteer_id
    if status == "applicant":
        return volunteer_id
    if expires_in is not None:
        service.record_clearance(
            volunteer_id,
            {
                "declaration_signed_on": days(-60),
                "police_seen_on": days(-60),
                "police_expires_on": days(expires_in),
            },
            SYSTEM,
        )
    path = {
        "cleared": ["cleared"],
        "active": ["cleared", "active"],
        "paused": ["cleared", "active", "paused"],
    }[status]
    for step in path:
        service.change_status(volunteer_id, step, SYSTEM)
    return volunteer_id


def make_task(**overrides):
    data = {
        "what": "Interpret at a doctor's appointment",
        "starts_at": next_weekday(),
        "place": "A clinic in central Oslo",
        "language": "es",
        "skill": "interpreting",
        "client_facing": True,
        "region": "oslo",
    }
    data.update(overrides)
    return tasks.create_task(data, SYSTEM)
