"""The admin's operations page: how the scheduled jobs last ran, mail that
was given up, and legal holds on client codes (which stop retention)."""
from __future__ import annotations

from typing import Any, NamedTuple

from chalicelib.errors import N_

# (job name in the job-runs table, label)
JOBS = (
    ("reconciliation", N_("Ledger check")),
    ("clearance-reminders", N_("Police certificate reminders")),
    ("import-preview-cleanup", N_("Clean-up of CSV import previews")),
    ("retention", N_("Retention (anonymising inactive clients)")),
    ("vipps-reconciliation", N_("Vipps payments left open")),
    ("vipps-charges", N_("Monthly Vipps charges")),
    ("shelter-count-links", N_("Evening links for shelters to confirm free places")),
    ("referral-escalation", N_("Flagging unanswered referrals")),
    ("tax-feedback", N_("Feedback of tax deduction deliveries")),
)


class JobStatus(NamedTuple):
    job: str
    label: str
    outcome: Any  # core.jobs.JobOutcome or None


def job_statuses() -> list[JobStatus]:
    from chalicelib.core.jobs import last_run

    return [JobStatus(job, label, last_run(job)) for job, label in JOBS]


def masked(address: str) -> str:
    """`m***@example.org`: enough to recognise a donor's mail, not to copy it."""
    local, _, domain = str(address).partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


class FailedMail(NamedTuple):
    message_id: str
    to: str  # masked
    subject: str
    attempts: int
    last_error: str
    created_at: Any


def failed_mail(limit: int = 100) -> list[FailedMail]:
    from chalicelib.core.mail import unsent

    return [FailedMail(str(m.message_id), masked(m.to), str(m.subject),
                       int(m.attempts or 0), str(m.last_error or "-"), m.created_at)
            for m in unsent("failed", limit=limit)]
