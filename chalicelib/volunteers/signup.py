"""Reading a sign-up (JSON or form) into a checked `SignUp`."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from chalicelib.errors import N_, ValidationFailed
from chalicelib.volunteers import rules

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9 ()-]{5,20}$")
HONEYPOT = "website"  # hidden from people; bots fill it in


class SignUp(NamedTuple):
    name: str
    email: str
    phone: str
    languages: dict[str, str]
    skills: frozenset[str]
    availability: frozenset[str]
    region: str


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) else ""


def _choices(data: dict[str, Any], key: str, allowed: dict[str, str]) -> set[str]:
    value = data.get(key) or []
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list):
        return set()
    return {v for v in values if isinstance(v, str) and v in allowed}


def _languages(data: dict[str, Any], fields: dict[str, str]) -> dict[str, str]:
    raw = data.get("languages")
    if not isinstance(raw, dict):
        raw = {}
    languages = {
        code: level
        for code, level in raw.items()
        if code in rules.LANGUAGES and level in rules.LEVELS
    }
    if not languages:
        fields["languages"] = N_("Choose at least one language and your level.")
    elif len(languages) > rules.MAX_LANGUAGES:
        fields["languages"] = N_("Choose at most five languages.")
    return languages


def is_spam(data: dict[str, Any]) -> bool:
    """A filled-in honeypot: answer as if it worked, store nothing."""
    return bool(_text(data, HONEYPOT))


def parse_signup(data: dict[str, Any]) -> SignUp:
    """A checked sign-up, or ValidationFailed naming every bad field."""
    fields: dict[str, str] = {}
    name, email, phone = _text(data, "name"), _text(data, "email"), _text(data, "phone")
    if not 2 <= len(name) <= 100:
        fields["name"] = N_("Enter your name.")
    if len(email) > 200 or not EMAIL.match(email):
        fields["email"] = N_("Enter a valid email address.")
    if phone and not PHONE.match(phone):
        fields["phone"] = N_("Enter a valid phone number.")
    languages = _languages(data, fields)
    skills = _choices(data, "skills", rules.SKILLS)
    if not skills:
        fields["skills"] = N_("Choose at least one way to help.")
    availability = _choices(data, "availability", rules.AVAILABILITY)
    if not availability:
        fields["availability"] = N_("Choose when you can help.")
    region = _text(data, "region")
    if region not in rules.REGIONS:
        fields["region"] = N_("Choose a region.")
    if data.get("consent") not in (True, "yes", "on"):
        fields["consent"] = N_("We can only store your data with your consent.")
    if fields:
        raise ValidationFailed(fields)
    return SignUp(
        name,
        email.lower(),
        phone,
        languages,
        frozenset(skills),
        frozenset(availability),
        region,
    )


def from_form(form: dict[str, list[str]]) -> dict[str, Any]:
    """The sign-up form's fields in the JSON shape."""
    first = {key: values[0].strip() for key, values in form.items() if values}
    languages = {
        code: first.get(f"level_{code}", "")
        for code in rules.LANGUAGES
        if first.get(f"level_{code}")
    }
    return {
        **{k: first.get(k, "") for k in ("name", "email", "phone", "region", HONEYPOT)},
        "languages": languages,
        "skills": form.get("skills", []),
        "availability": form.get("availability", []),
        "consent": first.get("consent", ""),
    }
