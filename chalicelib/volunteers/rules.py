"""Volunteer rules without I/O: vocabularies, clearance, status changes,
time slots and who is eligible for a task."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import NamedTuple

from chalicelib.core.vocabulary import COUNTY_NAMES
from chalicelib.errors import N_

LANGUAGES = {
    "nb": N_("Norwegian"),
    "en": N_("English"),
    "es": N_("Spanish"),
    "pt": N_("Portuguese"),
    "ro": N_("Romanian"),
    "vi": N_("Vietnamese"),
    "fr": N_("French"),
    "ru": N_("Russian"),
    "uk": N_("Ukrainian"),
    "bg": N_("Bulgarian"),
    "th": N_("Thai"),
    "ar": N_("Arabic"),
}
LEVELS = {
    "basic": N_("basic"),
    "good": N_("good"),
    "fluent": N_("fluent"),
    "native": N_("native"),
}
SKILLS = {
    "interpreting": N_("Interpreting"),
    "driving": N_("Driving"),
    "accompanying": N_("Accompanying to appointments"),
    "events": N_("Events"),
    "office": N_("Office work"),
    "training": N_("Training"),
    "mentoring": N_("Mentoring"),
}
AVAILABILITY = {
    "weekdays": N_("Weekdays"),
    "evenings": N_("Evenings"),
    "weekends": N_("Weekends"),
}
# Today's counties, the list shelters use too (core/vocabulary.py); a region
# stored before (the old "ostlandet", "troms-finnmark") is read by county_of.
REGIONS = COUNTY_NAMES
STATUSES = {
    "applicant": N_("applicant"),
    "cleared": N_("cleared"),
    "active": N_("active"),
    "paused": N_("paused"),
    "ended": N_("ended"),
}
TASK_STATUSES = {
    "open": N_("open"),
    "assigned": N_("assigned"),
    "accepted": N_("accepted"),
    "cancelled": N_("cancelled"),
}
NEXT_STATUSES = {
    "applicant": {"cleared", "ended"},
    "cleared": {"active", "paused", "ended"},
    "active": {"paused", "ended"},
    "paused": {"active", "ended"},
    "ended": set(),
}
ASSIGNABLE = {"applicant", "cleared", "active"}
CLEARED = {"cleared", "active"}
INTERPRETING_LEVELS = {"fluent", "native"}
MAX_LANGUAGES = 5
EVENING_FROM_HOUR = 17
# Client codes (K-2025-031) must never reach a volunteer through a task text.


def cleared_until(
    declaration_on: str | None, police_seen_on: str | None, expires_on: str | None
) -> str:
    """The last day the documents are valid, or "" when one is missing."""
    if declaration_on and police_seen_on and expires_on:
        return expires_on
    return ""


def clearance_valid(status: str, until: str | None, on: date) -> bool:
    """Cleared (or active) with a signed declaration and a police certificate
    that has not expired on `on`."""
    return status in CLEARED and bool(until) and str(until) >= on.isoformat()


def expires_soon(until: str | None, today: date, days: int) -> bool:
    """True when valid today but expiring within `days` days."""
    if not until:
        return False
    return today.isoformat() <= until <= (today + timedelta(days=days)).isoformat()


def may_change_status(current: str, target: str) -> bool:
    return target in NEXT_STATUSES.get(current, set())


def slot_of(starts_at: str) -> str:
    """The availability a task needs: weekends, evenings or weekdays."""
    moment = datetime.fromisoformat(starts_at)
    if moment.weekday() >= 5:
        return "weekends"
    return "evenings" if moment.hour >= EVENING_FROM_HOUR else "weekdays"


def match_key(language: str | None, skill: str | None) -> str:
    return f"{language or '*'}#{skill or '*'}"


def match_keys(languages: dict[str, str], skills: set[str]) -> set[str]:
    """Every row key a volunteer appears under, wildcards included."""
    langs = [*languages, None]
    return {match_key(lang, skill) for lang in langs for skill in [*skills, None]}


class Candidate(NamedTuple):
    volunteer_id: str
    name: str
    status: str
    level: str | None
    availability: frozenset[str]
    region: str | None
    cleared_until: str | None


class TaskNeeds(NamedTuple):
    language: str | None
    skill: str | None
    client_facing: bool
    starts_at: str
    declined_by: frozenset[str] = frozenset()


def is_eligible(candidate: Candidate, needs: TaskNeeds) -> bool:
    """Language (interpreters fluent or native), skill, clearance for
    client-facing work on the task's day, availability in the task's slot."""
    if candidate.status not in ASSIGNABLE:
        return False
    if candidate.volunteer_id in needs.declined_by:
        return False
    if needs.skill == "interpreting" and candidate.level not in INTERPRETING_LEVELS:
        return False
    day = datetime.fromisoformat(needs.starts_at).date()
    if needs.client_facing and not clearance_valid(
        candidate.status, candidate.cleared_until, day
    ):
        return False
    return slot_of(needs.starts_at) in candidate.availability
