"""Scheduled jobs: each run is claimed in the job-runs table for its period,
so a second start of the same period (EventBridge delivers at least once, an
operator may invoke it by hand) does nothing, and its outcome is kept for the
pages that show it.

    run_once("reconciliation", "2026-12-02", check_books)  # -> JobOutcome
    once("clearance-reminder", "v-1#2027-01-31#30")          # True the first time

A run that failed, or that has been `running` for longer than a Lambda can
live (STALE_AFTER), may be claimed again. Results hold figures and ids only,
never personal data.
"""
from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from chalicelib.core.clock import now_utc
from chalicelib.db import is_condition_failure, is_own_write, put_if_absent

log = logging.getLogger("ngo.jobs")
STALE_AFTER = timedelta(minutes=20)  # a Lambda lives at most 15 minutes
KEEP_RUNS = timedelta(days=90)


@dataclass(frozen=True)
class JobOutcome:
    job: str
    period: str
    status: str  # done | failed | skipped (already claimed)
    result: dict[str, Any] = field(default_factory=dict)
    finished_at: datetime | None = None


def _claim(job: str, period: str, now: datetime) -> bool:
    from pynamodb.exceptions import PutError

    from chalicelib.core.models import JobRun

    free = (
        JobRun.job.does_not_exist()
        | (JobRun.status == "failed")
        | ((JobRun.status == "running") & (JobRun.started_at < now - STALE_AFTER))
    )
    run = JobRun(job, period, status="running", started_at=now,
                 expires=now + KEEP_RUNS)
    try:
        run.save(condition=free)
    except PutError as error:
        if is_condition_failure(error):
            return is_own_write(run)  # our claim, its answer lost, sent again
        raise
    return True


def _finish(job: str, period: str, status: str, result: dict[str, Any]) -> datetime:
    from chalicelib.core.models import JobRun

    finished = now_utc()
    JobRun(job, period).update(actions=[
        JobRun.status.set(status),
        JobRun.finished_at.set(finished),
        JobRun.result.set(json.dumps(result, sort_keys=True)),
    ])
    return finished


def run_once(job: str, period: str, work: Callable[[], dict[str, Any]],
             now: datetime | None = None) -> JobOutcome:
    """Run `work` for `period` unless a run of that period is done or under
    way; keep its result (or the error's type) as the job's status."""
    if not _claim(job, period, now or now_utc()):
        log.info("job %s %s: already done or running, skipped", job, period)
        return JobOutcome(job, period, "skipped")
    try:
        result = work()
    except Exception as error:
        _finish(job, period, "failed", {"error": type(error).__name__})
        log.exception("job %s %s failed", job, period)
        raise  # the function's Errors alarm tells the operator
    finished = _finish(job, period, "done", result)
    log.info("job %s %s done: %s", job, period, json.dumps(result, sort_keys=True))
    return JobOutcome(job, period, "done", result, finished)


def once(job: str, key: str, keep: timedelta = timedelta(days=400)) -> bool:
    """Mark `key` of `job` as done; True only for the first caller."""
    from chalicelib.core.models import JobRun

    now = now_utc()
    return put_if_absent(JobRun(job, key, status="done", started_at=now,
                                finished_at=now, expires=now + keep))


def last_run(job: str, look_back: int = 5) -> JobOutcome | None:
    """The run of `job` that finished last (done or failed), or None."""
    from chalicelib.core.models import JobRun

    runs = [run for run in JobRun.query(job, scan_index_forward=False,
                                         limit=look_back)
            if run.finished_at is not None]
    if not runs:
        return None
    run = max(runs, key=lambda r: r.finished_at)
    return JobOutcome(run.job, run.period, run.status,
                      json.loads(run.result or "{}"), run.finished_at)


def _request_key(job: str) -> tuple[str, str]:
    return f"{job}#request", "queued"


def request(job: str) -> bool:
    """Queue one extra run of `job` (the quarter-hourly job takes it);
    False when one is queued already."""
    from chalicelib.core.models import JobRun

    now = now_utc()
    return put_if_absent(JobRun(*_request_key(job), status="requested",
                                started_at=now, expires=now + timedelta(days=2)))


def take_request(job: str) -> bool:
    """Take the queued run of `job`; True for exactly one caller. Marked
    taken with a token first, so a lost answer sent again is recognised as
    ours (a conditional delete could not tell); a request made meanwhile is
    answered by the run being taken."""
    from pynamodb.exceptions import UpdateError

    from chalicelib.core.models import JobRun

    queued, taken = JobRun(*_request_key(job)), f"taken#{secrets.token_hex(8)}"
    try:
        queued.update(actions=[JobRun.status.set(taken)],
                      condition=JobRun.status == "requested")
    except UpdateError as error:
        if not is_condition_failure(error):
            raise
        try:
            if JobRun.get(*_request_key(job), consistent_read=True).status != taken:
                return False
        except JobRun.DoesNotExist:
            return False
    queued.delete()
    return True


def is_requested(job: str) -> bool:
    from chalicelib.core.models import JobRun

    return JobRun.count(_request_key(job)[0]) > 0
