"""The tax deduction request from the portal: the signed-in donor adds (or
replaces) or withdraws the request for a year, through tax/requests.py (its
checks, sealing and audit entry in one transaction). The form's one-time
key is recorded after, so the same form sent again is answered with the
same confirmation and writes nothing more. The number is never part of
the record's fingerprint."""

from __future__ import annotations

from datetime import timedelta

from pynamodb.exceptions import PutError

from chalicelib.core.clock import now_utc, oslo_date
from chalicelib.db import is_condition_failure
from chalicelib.idempotency import Idempotent
from chalicelib.portal.changing import KEPT_DAYS, replayed
from chalicelib.portal.models import PortalChange
from chalicelib.portal.monthly import Done
from chalicelib.portal.service import donor_actor
from chalicelib.tax import limits, requests

ADD, WITHDRAW = "deduction", "withdraw deduction"


def offered_years() -> list[int]:
    """The years a donor can ask for: this one and the last (Oslo)."""
    this = oslo_date().year
    return [this, this - 1]


def requests_of(email: str) -> list[requests.ShownRequest]:
    """The donor's requests of the offered years, newest first."""
    found = (requests.find(year, email) for year in offered_years())
    return [shown for shown in found if shown is not None]


def fingerprint_data(form: dict[str, str], action: str) -> dict[str, str]:
    """What a deduction form asks for, without the number."""
    return {"action": action, "year": form.get("year", ""),
            "name": form.get("name", ""), "giver_type": form.get("giver_type", "")}


def add_request(email: str, form: dict[str, str], lang: str,
                idem: Idempotent) -> Done:
    """Check and store the request (tax/requests.py's rules and messages)."""
    before = replayed(idem)
    if before is not None:
        return before
    shown = requests.submit(requests.parse(form, email, lang), donor_actor(email))
    return _recorded(idem, Done(ADD, str(shown.year)))


def withdraw_request(email: str, raw_year: str, idem: Idempotent) -> Done:
    """Withdraw the request of a year (its number deleted)."""
    before = replayed(idem)
    if before is not None:
        return before
    year = limits.check_year(raw_year)
    requests.withdraw(year, email, donor_actor(email))
    return _recorded(idem, Done(WITHDRAW, str(year)))


def _recorded(idem: Idempotent, done: Done) -> Done:
    moment = now_utc()
    item = PortalChange(
        idem.resource_id("chg-"), fingerprint=idem.fingerprint, action=done.action,
        subject=done.subject, done_at=moment.isoformat(timespec="seconds"),
        expires=moment + timedelta(days=KEPT_DAYS))
    try:
        item.save(condition=PortalChange.change_id.does_not_exist())
    except PutError as error:  # the same form, at the same moment: it is done
        if not is_condition_failure(error):
            raise
    return done
