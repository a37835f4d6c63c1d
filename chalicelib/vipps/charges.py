"""The monthly charge job: Vipps makes no charge by itself, so every day each
ACTIVE monthly gift whose next charge falls due within AHEAD_DAYS gets that
month's charge created through the Recurring API
(`POST /recurring/v3/agreements/{agreementId}/charges`, CreateChargeV3):

    {"amount": <øre>, "transactionType": "DIRECT_CAPTURE", "type": "RECURRING",
     "description": <at most 45>, "due": "YYYY-MM-DD", "retryDays": 5,
     "orderId": "<reference>-<YYYYMM>"}

- The month's id is `agreements.charge_id` (the reference and the month):
  the `orderId` (Vipps then uses it as the `chargeId`, which the charge
  events name) and, with the month, the `Idempotency-Key`, so a rerun or an
  answer lost on the way creates no second charge. A create Vipps refuses
  is first checked with `GET .../charges/{chargeId}`: a charge that exists
  was ours (made by a lost answer) and is recorded as made.
- Its pending donation is written before the call (the events find it);
  the charge is recorded (`Donation.charge_due`) and the gift's `next_due`
  moves a month on in one transaction with its audit entry.
- `due` is at least MIN_LEAD_DAYS after today (developer.vippsmobilepay.com:
  one day's lead time since 2025-11, two before; two fits both).
- Vipps refusing one charge (400, 404, 409, 422) stops no other: if Vipps
  says the agreement is no longer ACTIVE the gift ends; else the month is
  closed as failed and kept for finance (webhook-attention on
  /staff/donations, `vipps_charge_refused`), logged, and the gift moves on
  to its next month. Vipps away (no answer, 401, 403, 429, 5xx): the gift
  is left due and the next run asks again with the same key.
- Stopped, expired or rejected gifts are off the `vipps-due` index: no
  charge. With the local Vipps (`test_flow`) no API is called: the charge
  is recorded and captured at once (`testmode.capture_charge`).

Charges are the money's promise, not money: the fund is credited by the
charge-captured event (`recurring_events`). A charge made is also marked on
the sparse `vipps-open` index (`vipps_open` "charge", `opened_at` its due
day): each run first asks Vipps (`GET .../charges/{chargeId}`) about every
marked charge whose due day has passed and credits or closes it as Vipps
says (`states.settle_charge`), so a lost event loses no gift; the marker goes
once the charge is settled. A charge Vipps still tries (DUE, PENDING,
RESERVED during its retry days) is asked about again the next day."""

from __future__ import annotations

import logging
import time
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.audit.service import Actor, entry_write
from chalicelib.core.clock import now_utc, oslo_date
from chalicelib.donations.crediting import Retry, event_record, transact, versioned_save
from chalicelib.donations.models import Donation, MonthlyGift, WebhookAttention
from chalicelib.errors import Conflict
from chalicelib.vipps import client, recurring_api, states
from chalicelib.vipps.agreements import (
    _texts,
    charge_id,
    load_gift,
    pending_charge,
)
from chalicelib.vipps.settings import vipps_settings

log = logging.getLogger("ngo.vipps")
JOB = "vipps-charges"
CHARGE_JOB = Actor("vipps-charge-job", ("system",))
AHEAD_DAYS = 3  # a charge is created this many days before it falls due
MIN_LEAD_DAYS = 2  # `due` at least this many days after the day it is created
RETRY_DAYS = 5  # Vipps tries again this many days after `due` (0-14)
BUDGET_SECONDS = 90  # the function may run 120 s; the rest waits for the next run
PACE_SECONDS = 0.13  # at most ~460 creates a minute (Vipps allows 500)
AWAY = {0, 401, 403, 408, 429}  # and every 5xx: try again on the next run
CHARGE_MARK = "charge"  # `vipps_open` of a charge made and not yet settled


def period_of(due: str) -> str:
    """`2027-01-05` -> `202701`: the month a charge pays."""
    return due[:4] + due[5:7]


def idempotency_key(reference: str, period: str) -> str:
    """One key per gift and month, 39 characters (the Recurring API's 1-40)."""
    return f"{reference.removeprefix('mnd-')}-{period}"


def due_gifts(today: date) -> list[str]:
    """References of active Vipps gifts whose next charge is due by the
    horizon, earliest first."""
    horizon = (today + timedelta(days=AHEAD_DAYS)).isoformat()
    return [str(g.subscription_id) for g in MonthlyGift.due_agreements.query(
        "active", MonthlyGift.next_due <= horizon)]


def charge_body(gift: MonthlyGift, key: str, due: date) -> dict[str, Any]:
    name, _description = _texts(str(gift.lang or "nb"))
    return {"amount": int(gift.amount), "transactionType": "DIRECT_CAPTURE",
            "type": "RECURRING", "description": name, "due": due.isoformat(),
            "retryDays": RETRY_DAYS, "orderId": key}


def _due_date(gift: MonthlyGift, today: date) -> date:
    nominal = date.fromisoformat(str(gift.next_due))
    return max(nominal, today + timedelta(days=MIN_LEAD_DAYS))


def _advance(gift: MonthlyGift, period: str) -> states.Write:
    gift.charged_through = period
    gift.next_due = states.due_day(states.next_period(period),
                                   int(gift.charge_day or 1)).isoformat()
    return states.versioned(gift)


def record_created(gift: MonthlyGift, donation: Donation, period: str,
                   due: date) -> None:
    """The charge exists at Vipps: kept on its donation, and the gift's next
    charge a month on, with the audit entry, in one transaction."""
    donation.charge_due = due.isoformat()
    donation.vipps_open, donation.opened_at = CHARGE_MARK, due.isoformat()
    transact([_advance(gift, period), versioned_save(donation)],
             ("create", "vipps_charge", str(donation.donation_id)), CHARGE_JOB)


def record_refused(gift: MonthlyGift, donation: Donation, period: str,
                   error: client.VippsError) -> None:
    """Vipps will not make this month's charge: the month is closed unpaid,
    kept for finance, and the gift moves on, in one transaction."""
    key = str(donation.donation_id)
    event = {"id": f"vipps-{key}-charge-refused",
             "type": "recurring.charge-creation-refused"}
    moment = now_utc().isoformat(timespec="seconds")
    item = WebhookAttention(
        "open", f"{moment}#{event['id']}", event_id=event["id"],
        event_type=event["type"], reason="vipps_charge_refused", object_id=key,
        amount=int(donation.amount), currency="NOK", fund_id=gift.fund_id)
    donation.status = "failed"
    audit = entry_write(CHARGE_JOB, f"refused by Vipps: {error.status}",
                        "vipps_charge", key)
    transact([_advance(gift, period), versioned_save(donation), event_record(event),
              lambda tx: tx.save(item), audit])


def _agreement_state(gift: MonthlyGift) -> str:
    try:
        return str(recurring_api.get_agreement(str(gift.agreement_id)).get("status")
                   or "")
    except client.VippsError:
        return ""


def _exists(gift: MonthlyGift, key: str) -> bool:
    """Whether Vipps has this charge already (made by an answer we lost)."""
    try:
        charge = recurring_api.get_charge(str(gift.agreement_id), key)
    except client.VippsError:
        return False
    return str(charge.get("agreementId") or gift.agreement_id) == gift.agreement_id


def _create(gift: MonthlyGift, key: str, period: str,
            due: date) -> tuple[str, client.VippsError | None]:
    """Ask Vipps for the charge: 'created', 'refused' (with Vipps's error),
    'ended:<state>' or 'vipps_away'."""
    try:
        recurring_api.create_charge(str(gift.agreement_id),
                                    charge_body(gift, key, due),
                                    idempotency_key(str(gift.subscription_id), period))
        return "created", None
    except client.VippsError as error:
        log.warning("Vipps did not create charge %s: %s (context %s)", key,
                    error.status, error.problem.get("contextId") or error.trace_id
                    or "-")
        if error.status in AWAY or error.status >= 500:
            return "vipps_away", None
        if _exists(gift, key):
            return "created", None
        state = _agreement_state(gift)
        if state in ("STOPPED", "EXPIRED"):
            return "ended:" + ("expired" if state == "EXPIRED" else "stopped"), None
        return "refused", error


def charge_gift(reference: str, today: date | None = None) -> str:
    """Create the due month's charge of one gift, once: 'created',
    'refused', 'ended', 'vipps_away', 'not_due' or 'raced'."""
    day = today or oslo_date()
    for _attempt in range(states.MAX_ATTEMPTS):
        gift = load_gift(reference)
        if (gift is None or gift.status != "active" or not gift.next_due
                or not gift.agreement_id):
            return "not_due"
        if gift.next_due > (day + timedelta(days=AHEAD_DAYS)).isoformat():
            return "not_due"
        period = period_of(str(gift.next_due))
        key = charge_id(reference, period)
        due = _due_date(gift, day)
        donation = pending_charge(gift, key)
        outcome, refusal = "created", None
        if not donation.credited and donation.status == "pending" and not (
                vipps_settings().test_flow):  # else made already, or local
            outcome, refusal = _create(gift, key, period, due)
        try:
            if outcome == "created":
                record_created(gift, donation, period, due)
                if vipps_settings().test_flow:
                    from chalicelib.vipps.testmode import capture_charge

                    capture_charge(str(gift.agreement_id), key, int(donation.amount))
                return "created"
            if outcome.startswith("ended:"):
                states.end(gift, outcome.partition(":")[2])
                states._close_charge(donation, "cancelled")
                return "ended"
            if refusal is not None:
                record_refused(gift, donation, period, refusal)
                return "refused"
            return outcome
        except (Retry, Conflict):  # an event changed the gift meanwhile
            continue
    return "raced"


def past_due(today: date) -> list[str]:
    """Ids of charges made whose due day is before `today` and that no event
    or earlier look has settled, earliest first."""
    return [str(d.donation_id) for d in Donation.open_vipps.query(
        CHARGE_MARK, Donation.opened_at < today.isoformat())]


def settle_past_due(charge_key: str) -> str:
    """One past-due charge as Vipps has it now: 'credited', its closed state,
    'pending' (Vipps still tries), 'vipps_away' or 'already_settled'."""
    from chalicelib.vipps.reconcile import forget

    donation = Donation.get(charge_key, consistent_read=True)
    gift = load_gift(str(donation.subscription_id or ""))
    if donation.credited or donation.status not in ("pending",) or gift is None:
        outcome = "already_settled"
    else:
        outcome = states.settle_charge(gift, charge_key)
    if outcome not in ("pending", "vipps_away", "unknown"):
        forget(charge_key)
    return outcome


def run_charges(now: datetime | None = None,
                budget_seconds: float = BUDGET_SECONDS) -> dict[str, int]:
    """Create every due charge, earliest first, for at most `budget_seconds`;
    counts per outcome (figures only)."""
    counts: Counter[str] = Counter(due=0)
    if not vipps_settings().enabled:
        return dict(counts)
    day = oslo_date(now)
    deadline = time.monotonic() + budget_seconds
    if not vipps_settings().test_flow:  # the local Vipps captures at once
        for key in past_due(day):
            if time.monotonic() >= deadline:
                break
            counts["past_due"] += 1
            try:
                counts["past_due_" + settle_past_due(key)] += 1
            except Exception:  # one charge's fault stops no other
                log.exception("look at charge %s failed", key)
                counts["error"] += 1
    references = due_gifts(day)
    for done, reference in enumerate(references):
        if time.monotonic() >= deadline:
            counts["left_for_next_run"] = len(references) - done
            break
        counts["due"] += 1
        try:
            counts[charge_gift(reference, day)] += 1
        except Exception:  # one gift's fault stops no other
            log.exception("charge of %s failed", reference)
            counts["error"] += 1
        if not vipps_settings().test_flow:
            time.sleep(PACE_SECONDS)
    return dict(counts)


def scheduled_run(now: datetime | None = None) -> str:
    """What the scheduled job does: one claimed run per day (Oslo)."""
    from chalicelib.core.jobs import run_once

    moment = now or now_utc()
    return run_once(JOB, oslo_date(moment).isoformat(),
                    lambda: run_charges(moment), now=moment).status
