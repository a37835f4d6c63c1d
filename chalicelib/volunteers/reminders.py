"""Clearance expiry reminders (the daily job): a volunteer whose police
certificate runs out within the warning period gets one mail, and one more in
the last week. Each (volunteer, expiry, stage) is marked in the job-runs
table before the mail goes, so a second run, or a rerun of a failed one,
never mails twice; a new certificate (new expiry) starts again."""

from __future__ import annotations

from datetime import date, datetime

from chalicelib.core import jobs
from chalicelib.core.clock import day_text, now_utc, oslo_date
from chalicelib.core.mail import send_email
from chalicelib.errors import N_
from chalicelib.volunteers import rules
from chalicelib.volunteers.models import Volunteer, VolunteerMatch
from chalicelib.volunteers.settings import volunteer_settings
from chalicelib.web.i18n import translate

JOB = "clearance-reminder"
LAST_WEEK = 7


def _stage(until: str, today: date, warning_days: int) -> int | None:
    """Which reminder is due: the warning period's, the last week's, none."""
    days_left = (date.fromisoformat(until) - today).days
    if days_left < 0:
        return None
    if days_left <= LAST_WEEK:
        return LAST_WEEK
    return warning_days if days_left <= warning_days else None


def _mail(volunteer: Volunteer, until: str) -> None:
    lang = volunteer.lang or "nb"
    subject = translate(lang, N_("Your police certificate expires soon"))
    body = translate(
        lang,
        N_("Hello %(name)s,\n\nthe police certificate we have registered for you "
           "is valid until %(date)s. To keep working with clients after that "
           "day, please bring us a new certificate.\n\nThank you for your help."),
        name=volunteer.name, date=day_text(until))
    send_email(str(volunteer.email), subject, body,
               sender=volunteer_settings().mail_from)


def send_clearance_reminders(now: datetime | None = None) -> dict[str, int]:
    """Mail every volunteer whose clearance stage is due today (Oslo)."""
    today = oslo_date(now or now_utc())
    warning = volunteer_settings().clearance_warning_days
    sent = 0
    for row in VolunteerMatch.query(rules.match_key(None, None)):
        until = row.cleared_until
        stage = _stage(until, today, warning) if until else None
        if stage is None or row.status == "ended":
            continue
        volunteer = Volunteer.get(row.volunteer_id)
        if volunteer.anonymised or not volunteer.email:
            continue
        if jobs.once(JOB, f"{row.volunteer_id}#{until}#{stage}"):
            _mail(volunteer, until)
            sent += 1
    return {"sent": sent}


def daily_reminders(now: datetime | None = None) -> jobs.JobOutcome:
    """The daily job: once per Oslo day (the marks make reruns harmless too)."""
    now = now or now_utc()
    return jobs.run_once(f"{JOB}s", oslo_date(now).isoformat(),
                         lambda: send_clearance_reminders(now), now)
