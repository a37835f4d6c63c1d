"""The scheduled reconciliation of Vipps payments the webhook has not
settled (an event lost, or the donor never came back): every payment
started more than `reconcile_after_minutes` ago and still open is asked
about (`GET /epayment/v1/payments/{reference}`), then

- AUTHORIZED and not captured: captured, with the payment's one capture
  Idempotency-Key (the webhook and the return page use the same key, so
  Vipps captures once whoever asks);
- captured: credited through `donations.crediting`, once (a webhook that
  arrives later only records itself);
- ABORTED, EXPIRED, TERMINATED, or an authorisation let go: closed with
  that state; a reference Vipps does not know (404: its create failed):
  closed as failed; nothing is credited;
- still CREATED, or Vipps away: left open for the next run.

Open payments are found by the sparse `vipps-open` index; the marker goes
once a payment is found settled, so a run reads only what is open. Running
twice, or beside the webhook, changes nothing more."""

from __future__ import annotations

import logging
import time
from collections import Counter
from datetime import datetime, timedelta

from pynamodb.exceptions import UpdateError

from chalicelib.core.clock import now_utc
from chalicelib.db import is_condition_failure
from chalicelib.donations.crediting import Retry
from chalicelib.donations.models import Donation
from chalicelib.errors import Conflict
from chalicelib.vipps import client, payments
from chalicelib.vipps.settings import vipps_settings

log = logging.getLogger("ngo.vipps")
JOB = "vipps-reconciliation"
PERIOD_MINUTES = 10  # the schedule's rate: one claimed run per period
BUDGET_SECONDS = 90  # the function may run 120 s; the rest waits for the next run


def period_of(moment: datetime) -> str:
    """The run's period: its 10-minute slot in UTC."""
    slot = moment.minute - moment.minute % PERIOD_MINUTES
    return moment.strftime("%Y-%m-%dT%H:") + f"{slot:02d}"


def open_payments(cutoff: datetime) -> list[str]:
    """References of Vipps payments started before `cutoff`, still open."""
    stamp = cutoff.isoformat(timespec="seconds")
    return [str(d.donation_id) for d in
            Donation.open_vipps.query("open", Donation.opened_at <= stamp)]


def forget(reference: str) -> None:
    """Take a settled payment off the open index (nothing if not settled)."""
    settled = Donation.status.is_in("credited", *payments.CLOSED)
    try:
        Donation(reference).update(actions=[Donation.vipps_open.remove()],
                                   condition=settled)
    except UpdateError as error:
        if not is_condition_failure(error):
            raise


def _settle(reference: str, donation: Donation) -> str:
    """One look at Vipps for an open payment; the outcome."""
    try:
        payment = client.get_payment(reference)
    except client.VippsError as error:
        if error.status != 404:
            return "vipps_away"
        payments.mark_ended(donation, "failed")  # Vipps never had it
        return "failed"
    try:
        payment = payments.capture_if_authorized(reference, donation, payment)
    except client.VippsError as error:
        log.warning("Vipps did not capture %s: %s (trace %s)", reference,
                    error.status, error.trace_id or "-")
        return "capture_failed"
    return payments.settle(reference, donation, payment)


def reconcile_payment(reference: str) -> str:
    """Settle one open payment from Vipps's answer, idempotently."""
    for _attempt in range(payments.MAX_ATTEMPTS):
        donation = Donation.get(reference, consistent_read=True)
        if donation.credited or donation.status in payments.CLOSED:
            forget(reference)
            return "already_settled"
        try:
            outcome = _settle(reference, donation)
        except (Retry, Conflict):  # the webhook or return page got there first
            continue
        if outcome == "credited":
            forget(reference)
        return outcome
    return "raced"


def reconcile(now: datetime | None = None,
              budget_seconds: float = BUDGET_SECONDS) -> dict[str, int]:
    """Ask Vipps about every open payment older than the settings' minutes,
    oldest first, for at most `budget_seconds`; counts per outcome (figures
    only; `left_for_next_run` when the budget ran out)."""
    settings = vipps_settings()
    counts: Counter[str] = Counter(checked=0)
    if not settings.enabled or settings.test_flow:
        return dict(counts)  # the local Vipps sends its events itself
    moment = now or now_utc()
    cutoff = moment - timedelta(minutes=settings.reconcile_after_minutes)
    deadline = time.monotonic() + budget_seconds
    references = open_payments(cutoff)
    for done, reference in enumerate(references):
        if time.monotonic() >= deadline:
            counts["left_for_next_run"] = len(references) - done
            break
        counts["checked"] += 1
        counts[reconcile_payment(reference)] += 1
    return dict(counts)


def scheduled_run(now: datetime | None = None) -> str:
    """What the scheduled job does: one claimed run per 10-minute period."""
    from chalicelib.core.jobs import run_once

    moment = now or now_utc()
    return run_once(JOB, period_of(moment), lambda: reconcile(moment),
                    now=moment).status
