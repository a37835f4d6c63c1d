"""Per-year limits of the deduction: a table finance edits, with defaults.

Skatteetaten: at least 500 kr a year to one organisation; at most 50,000 kr
deductible for 2020 and 2021 and 25,000 kr from 2022 (NORWAY.md). The ceiling
of a new year is not known in advance: finance confirms it each year.
"""

from __future__ import annotations

from typing import NamedTuple

from chalicelib.audit.service import Actor
from chalicelib.core.clock import now_utc, oslo_date
from chalicelib.errors import N_, DomainError, ValidationFailed
from chalicelib.idempotency import Idempotent
from chalicelib.tax.models import TaxYearLimits
from chalicelib.uow import REPLAY, UnitOfWork

DEFAULT_MINIMUM = 500_00  # øre
FIRST_YEAR = 2020
SET = "tax.limits"  # the idempotency scope of the limits form
REQUESTS = "request#"  # year key prefix of the copies a form's nonce leaves


class YearClosed(DomainError):
    code = "tax_year_closed"
    status = 422
    field = "year"
    message = N_("The tax year %(year)s is closed: deduction requests for it can no "
                 "longer be added or changed.")


class UnknownTaxYear(DomainError):
    code = "validation_failed"
    status = 400
    field = "year"
    message = N_("Choose a tax year from %(first)s to %(last)s.")


class YearLimits(NamedTuple):
    year: int
    minimum: int  # øre
    maximum: int  # øre
    closed: bool
    confirmed: bool  # finance has set them (False: the defaults above)


def default_maximum(year: int) -> int:
    return 50_000_00 if year <= 2021 else 25_000_00


def check_year(raw: object) -> int:
    """An income year the area knows: 2020 to next year."""
    text = str(raw).strip()
    last = oslo_date().year + 1
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= last:
        raise UnknownTaxYear(first=FIRST_YEAR, last=last)
    return int(text)


def limits_for(year: int) -> YearLimits:
    """The limits of `year`: finance's, or the defaults while unset."""
    try:
        item = TaxYearLimits.get(str(year))
    except TaxYearLimits.DoesNotExist:
        return YearLimits(year, DEFAULT_MINIMUM, default_maximum(year), False, False)
    return YearLimits(year, int(item.minimum), int(item.maximum), bool(item.closed),
                      True)


def known_years() -> list[YearLimits]:
    """Every year from FIRST_YEAR to next year, newest first (one Scan of a
    table of a handful of items)."""
    stored = {int(item.year): item for item in TaxYearLimits.scan()
              if str(item.year).isdigit()}  # not the forms' request copies
    out = []
    for year in range(oslo_date().year + 1, FIRST_YEAR - 1, -1):
        item = stored.get(year)
        out.append(YearLimits(year, int(item.minimum), int(item.maximum),
                              bool(item.closed), True) if item else
                   YearLimits(year, DEFAULT_MINIMUM, default_maximum(year), False,
                              False))
    return out


def set_limits(year: int, minimum: int, maximum: int, closed: bool,
               actor: Actor) -> YearLimits:
    """Finance sets a year's limits (øre); audit-logged in the same write."""
    return set_limits_once(year, minimum, maximum, closed, actor)[0]


def set_limits_once(year: int, minimum: int, maximum: int, closed: bool,
                    actor: Actor, idem: Idempotent | None = None
                    ) -> tuple[YearLimits, bool]:
    """`set_limits`, and whether it was done now: with `idem` (the form's
    one-time nonce) a form sent twice sets them once, and the second answer
    is False (the copy the first left says so; the same nonce with other
    values is IdempotencyKeyReused)."""
    errors = {}
    if minimum < 1:
        errors["minimum"] = N_("Enter an amount above 0 kr.")
    if maximum < minimum:
        errors["maximum"] = N_("The maximum cannot be below the minimum.")
    if errors:
        raise ValidationFailed(errors)
    asked = YearLimits(year, minimum, maximum, closed, True)
    copy_key = REQUESTS + idem.resource_id("limits-") if idem and idem.key else None
    if copy_key and _done_before(copy_key, idem):
        return asked, False
    moment = now_utc()
    item = TaxYearLimits(str(year), minimum=minimum, maximum=maximum, closed=closed,
                         updated_by=actor.user_id, updated_at=moment)
    uow = UnitOfWork(actor, ("update", "tax-limits", str(year)))
    uow.save(item)
    if copy_key and idem:
        copy = TaxYearLimits(copy_key, minimum=minimum, maximum=maximum,
                             closed=closed, updated_by=actor.user_id,
                             updated_at=moment, request_hash=idem.fingerprint)
        uow.save(copy, condition=TaxYearLimits.year.does_not_exist(), on_fail=REPLAY)
    return asked, uow.commit()


def _done_before(copy_key: str, idem: Idempotent | None) -> bool:
    try:
        copy = TaxYearLimits.get(copy_key)
    except TaxYearLimits.DoesNotExist:
        return False
    if idem is not None:
        idem.check(copy.request_hash)
    return True


def require_open(year: int) -> YearLimits:
    limits = limits_for(year)
    if limits.closed:
        raise YearClosed(year=year)
    return limits
