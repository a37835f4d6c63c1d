"""Volunteers: sign-up, records, clearance, status and the matching copy.

Every change of a volunteer rewrites its `VolunteerMatch` rows in the same
transaction, guarded by the record's version, so the lists staff see never
disagree with the record."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime
from typing import Any

from chalicelib.audit.service import SYSTEM, Actor
from chalicelib.auth import ratelimit
from chalicelib.core.mail import send_email
from chalicelib.errors import N_, Conflict, Forbidden, Label, NotFound, ValidationFailed
from chalicelib.uow import Audit, UnitOfWork
from chalicelib.volunteers import rules
from chalicelib.volunteers.models import Volunteer, VolunteerEmail, VolunteerMatch
from chalicelib.volunteers.settings import volunteer_settings
from chalicelib.volunteers.signup import SignUp
from chalicelib.web.i18n import translate


class UnknownVolunteer(NotFound):
    code = "unknown_volunteer"
    message = N_("There is no such volunteer.")


class ChangedMeanwhile(Conflict):
    code = "changed_meanwhile"
    message = N_("Someone changed this volunteer meanwhile. Reload and try again.")


class StatusNotAllowed(Conflict):
    code = "status_not_allowed"
    message = N_("A volunteer cannot go from %(current)s to %(target)s.")


class ClearanceMissing(Conflict):
    code = "clearance_missing"
    message = N_(
        "A volunteer is cleared only with a signed declaration and a valid "
        "police certificate."
    )


class NotLinked(Forbidden):
    code = "not_linked"
    message = N_("Your login is not linked to a volunteer yet.")



SIGNUP = Actor("public-signup", ("public",))  # who writes a sign-up


def email_hash(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def today() -> date:
    return datetime.now(UTC).date()


def sign_up(signup: SignUp, lang: str, client_ip: str) -> str | None:
    """Register an applicant; None when the email had signed up before (the
    caller answers the same either way). Rate-limited per client address."""
    settings = volunteer_settings()
    ratelimit.check_and_hit(
        f"volunteer-signup:{client_ip}",
        settings.signup_limit,
        settings.signup_window_seconds,
    )
    volunteer = Volunteer(
        f"v-{secrets.token_hex(8)}",
        name=signup.name,
        email=signup.email,
        phone=signup.phone or None,
        languages=dict(signup.languages),
        skills=set(signup.skills) or None,
        availability=set(signup.availability) or None,
        region=signup.region,
        lang=lang,
        consent_at=datetime.now(UTC),
        created_at=datetime.now(UTC),
        status="applicant",
    )
    claim = VolunteerEmail(
        email_hash(signup.email), volunteer_id=volunteer.volunteer_id
    )
    try:
        _write(volunteer, None, set(), extra=[claim])
    except ChangedMeanwhile:
        return None
    _confirm(signup, lang)
    return volunteer.volunteer_id


def _confirm(signup: SignUp, lang: str) -> None:
    subject = translate(lang, N_("Thank you for signing up as a volunteer"))
    body = translate(
        lang,
        N_(
            "Hello %(name)s,\n\nthank you for wanting to help. We have received "
            "your sign-up and will contact you to meet you, to sign a "
            "confidentiality declaration and, for work with clients, to see a "
            "police certificate.\n\nIf you did not sign up, ignore this email."
        ),
        name=signup.name,
    )
    send_email(signup.email, subject, body, sender=volunteer_settings().mail_from)


def get_volunteer(volunteer_id: str) -> Volunteer:
    try:
        return Volunteer.get(volunteer_id, consistent_read=True)
    except Volunteer.DoesNotExist:
        raise UnknownVolunteer() from None


def volunteer_for_user(user_id: str) -> Volunteer:
    """The volunteer linked to a login; NotLinked (403) when there is none."""
    for volunteer in Volunteer.by_user.query(user_id, limit=1):
        return volunteer
    raise NotLinked()


def _languages(volunteer: Volunteer) -> dict[str, str]:
    raw = volunteer.languages
    return dict(raw.as_dict() if hasattr(raw, "as_dict") else raw or {})


def keys_of(volunteer: Volunteer) -> set[str]:
    if volunteer.anonymised:
        return set()
    return rules.match_keys(_languages(volunteer), set(volunteer.skills or ()))


def _match_rows(volunteer: Volunteer) -> list[VolunteerMatch]:
    languages = _languages(volunteer)
    until = rules.cleared_until(
        volunteer.declaration_signed_on,
        volunteer.police_seen_on,
        volunteer.police_expires_on,
    )
    return [
        VolunteerMatch(
            key,
            volunteer.volunteer_id,
            name=volunteer.name,
            status=volunteer.status,
            level=languages.get(key.split("#")[0]),
            availability=set(volunteer.availability or ()) or None,
            region=volunteer.region,
            cleared_until=until or None,
        )
        for key in sorted(keys_of(volunteer))
    ]


def _write(
    volunteer: Volunteer,
    previous_version: int | None,
    previous_keys: set[str],
    extra: list[Any] | None = None,
    *,
    actor: Actor = SIGNUP,
    audit: Audit | None = None,
    deletes: list[Any] | None = None,
) -> None:
    """Save the volunteer, its match rows and the audit entry (by default
    "create"/"update" "volunteer" <id>) in one unit of work."""
    condition: Any
    if previous_version is None:
        condition = Volunteer.volunteer_id.does_not_exist()
        volunteer.version = 1
    else:
        condition = Volunteer.version == previous_version
        volunteer.version = previous_version + 1
    action = "create" if previous_version is None else "update"
    uow = UnitOfWork(actor, audit or (action, "volunteer", volunteer.volunteer_id))
    uow.save(volunteer, condition=condition, on_fail=ChangedMeanwhile)
    for item in extra or []:
        uow.save(item, condition=type(item)._hash_key_attribute().does_not_exist(),
                 on_fail=ChangedMeanwhile)
    for row in _match_rows(volunteer):
        uow.save(row)
    for key in previous_keys - keys_of(volunteer):
        uow.delete(VolunteerMatch(key, volunteer.volunteer_id))
    for item in deletes or []:
        uow.delete(item)
    uow.commit()


def update_volunteer(volunteer: Volunteer, change: Any, actor: Actor = SYSTEM,
                     audit: Audit | None = None,
                     deletes: list[Any] | None = None) -> Volunteer:
    """Apply `change(volunteer)` and save it, guarded by the version read,
    with its audit entry in the same transaction."""
    version, keys = int(volunteer.version), keys_of(volunteer)
    change(volunteer)
    _write(volunteer, version, keys, actor=actor, audit=audit, deletes=deletes)
    return volunteer


def _check_date(field: str, value: str | None, fields: dict[str, str]) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        fields[field] = N_("Enter a date as YYYY-MM-DD.")
        return None


def record_clearance(
    volunteer_id: str, data: dict[str, Any], actor: Actor
) -> Volunteer:
    """Dates of the signed declaration and of the police certificate seen
    (and its expiry). Never the certificate's contents."""
    fields: dict[str, str] = {}
    signed = _check_date(
        "declaration_signed_on", data.get("declaration_signed_on"), fields
    )
    seen = _check_date("police_seen_on", data.get("police_seen_on"), fields)
    expires = _check_date("police_expires_on", data.get("police_expires_on"), fields)
    if seen and not expires:
        fields["police_expires_on"] = N_("Enter when the police certificate expires.")
    if seen and expires and expires <= seen:
        fields["police_expires_on"] = N_("The expiry must come after the date seen.")
    if fields:
        raise ValidationFailed(fields)
    volunteer = get_volunteer(volunteer_id)

    def change(v: Volunteer) -> None:
        v.declaration_signed_on = signed
        v.police_seen_on = seen
        v.police_expires_on = expires

    update_volunteer(volunteer, change, actor,
                     ("update", "volunteer-clearance", volunteer_id))
    return volunteer


def change_status(volunteer_id: str, target: str, actor: Actor) -> Volunteer:
    """applicant -> cleared -> active -> paused -> ended; `cleared` needs a
    valid clearance."""
    volunteer = get_volunteer(volunteer_id)
    if target not in rules.STATUSES or not rules.may_change_status(
        volunteer.status, target
    ):
        raise StatusNotAllowed(
            current=Label(rules.STATUSES.get(volunteer.status, volunteer.status)),
            target=Label(rules.STATUSES.get(target, target)))
    until = rules.cleared_until(
        volunteer.declaration_signed_on,
        volunteer.police_seen_on,
        volunteer.police_expires_on,
    )
    if target in rules.CLEARED and not rules.clearance_valid(target, until, today()):
        raise ClearanceMissing()
    update_volunteer(volunteer, lambda v: setattr(v, "status", target), actor,
                     ("update", "volunteer-status", volunteer_id))
    return volunteer


def link_user(volunteer_id: str, user_id: str, actor: Actor) -> Volunteer:
    """Link a login to a volunteer, so that they see their own tasks."""
    if not user_id or len(user_id) > 128:
        raise ValidationFailed({"user_id": N_("Enter a user id.")})
    for other in Volunteer.by_user.query(user_id):
        if other.volunteer_id != volunteer_id:
            raise Conflict(N_("This login is linked to another volunteer."))
    volunteer = get_volunteer(volunteer_id)
    update_volunteer(volunteer, lambda v: setattr(v, "user_id", user_id), actor,
                     ("update", "volunteer-link", volunteer_id))
    return volunteer


def candidates(language: str | None, skill: str | None) -> list[rules.Candidate]:
    """Everyone under one (language, skill) key: one Query, paged by DynamoDB."""
    return [
        rules.Candidate(
            row.volunteer_id,
            row.name,
            row.status,
            row.level,
            frozenset(row.availability or ()),
            row.region,
            row.cleared_until,
        )
        for row in VolunteerMatch.query(rules.match_key(language, skill))
    ]


def list_volunteers(
    language: str | None = None, skill: str | None = None, cleared: bool | None = None
) -> list[rules.Candidate]:
    """Volunteers by language and skill; `cleared` keeps only those with (or
    without) a valid clearance today."""
    found = candidates(language, skill)
    if cleared is not None:
        day = today()
        found = [
            c
            for c in found
            if rules.clearance_valid(c.status, c.cleared_until, day) == cleared
        ]
    return sorted(found, key=lambda c: (c.name.lower(), c.volunteer_id))


def expiring(found: list[rules.Candidate]) -> set[str]:
    """Ids whose clearance ends within the warning period."""
    days = volunteer_settings().clearance_warning_days
    return {
        c.volunteer_id
        for c in found
        if rules.expires_soon(c.cleared_until, today(), days)
    }
