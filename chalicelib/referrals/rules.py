"""Referral rules with no I/O: the fixed lists a referral is made of, what
a partner is shown of it, when an unanswered one escalates, and how answers
are counted for the monthly statistics."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

from chalicelib.config import env_int
from chalicelib.core import vocabulary
from chalicelib.errors import N_, ValidationFailed
from chalicelib.shelters import rules as shelter_rules

URGENCIES = {
    "tonight": N_("Tonight"),
    "days": N_("Within a few days"),
    "planned": N_("Planned move"),
}
GENDER_NAMES = {"woman": N_("a woman"), "man": N_("a man"),
                "trans": N_("a trans person")}
DECLINE_REASONS = {
    "no_bed": N_("No free bed after all"),
    "gender": N_("We cannot take this gender"),
    "children": N_("We cannot take the children"),
    "language": N_("No shared language"),
    "wheelchair": N_("No wheelchair access"),
    "asylum": N_("We cannot take people in the asylum process"),
    "safety": N_("Safety: risk to the person or our residents"),
    "care": N_("We cannot meet the care needs"),
    "other": N_("Another reason (the coordinator will call)"),
}
MAX_SHELTERS = 10  # one referral goes to at most this many shelters
HOLD_HOURS = 12  # an accepted referral holds the bed this long
STATUSES = ("open", "placed", "unplaced")  # unplaced: every shelter declined
OFFER_STATUSES = ("open", "accepted", "declined", "withdrawn")


def escalate_after() -> timedelta:
    """REFERRAL_ESCALATE_MINUTES (default 30): how long a referral may go
    unanswered before it is flagged to the coordinators."""
    return timedelta(minutes=env_int("REFERRAL_ESCALATE_MINUTES", 30, minimum=1))


class Needs(NamedTuple):
    """What the placement needs, and nothing else about the person."""

    gender: str
    children: int
    language: str | None
    wheelchair: bool
    asylum: bool
    urgency: str

    def as_need(self) -> shelter_rules.Need:
        """The same needs as a bed search asks them."""
        return shelter_rules.Need(gender=self.gender, children=self.children,
                                  wheelchair=self.wheelchair,
                                  language=self.language, asylum=self.asylum)


def _flag(value: object) -> bool:
    return str(value or "").strip().lower() in ("1", "true", "on", "yes")


def parse_needs(data: dict[str, Any]) -> Needs:
    """The needs from a form or JSON body; ValidationFailed names each bad
    field."""
    errors: dict[str, str] = {}
    gender = str(data.get("gender") or "")
    if gender not in shelter_rules.GENDERS:
        errors["gender"] = N_("Choose woman, man or trans.")
    try:
        children = int(str(data.get("children") or 0))
    except ValueError:
        children = -1
    if not 0 <= children <= 20:
        errors["children"] = shelter_rules.BAD_NUMBER
    raw_language = str(data.get("language") or "").strip()
    language = vocabulary.find_language(raw_language)
    if raw_language and language is None:
        errors["language"] = vocabulary.BAD_LANGUAGE
    urgency = str(data.get("urgency") or "")
    if urgency not in URGENCIES:
        errors["urgency"] = N_("Choose how urgent the placement is.")
    if errors:
        raise ValidationFailed(fields=errors)
    return Needs(gender, children, language, _flag(data.get("wheelchair")),
                 _flag(data.get("asylum")), urgency)


def parse_reason(value: object) -> str:
    reason = str(value or "")
    if reason not in DECLINE_REASONS:
        raise ValidationFailed(fields={"reason": N_("Choose a reason from the list.")})
    return reason


def is_escalated(status: str, created_at: datetime, now: datetime) -> bool:
    """Still open after the escalation time: the coordinators must act."""
    return status == "open" and now - created_at >= escalate_after()


def month_of(moment: datetime) -> str:
    return moment.strftime("%Y-%m")


def minutes_between(start: datetime, end: datetime) -> int:
    return max(int((end - start).total_seconds() // 60), 0)
