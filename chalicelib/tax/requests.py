"""Donors' deduction requests: checked, sealed, stored with their audit entry.

Nothing here logs, audits or mails an identity number: the audit names the
tax unit (year and a digest of the email), pages show `******12345`, and
`reveal` (the report) writes one audit entry per number it opens.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, NamedTuple

from chalicelib.audit.service import Actor, record_many
from chalicelib.core.clock import now_utc
from chalicelib.errors import N_, ValidationFailed
from chalicelib.tax import crypto, identifiers, limits
from chalicelib.tax.models import TaxRequest
from chalicelib.uow import UnitOfWork

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{2,}$")
DONOR = Actor("donor", ("public",))
GIVER_TYPES = ("person", "organisation")
WRONG_FIELD = {
    "person": N_("This is an organisation number. Choose 'A company or organisation' "
                 "or enter a fødselsnummer or D-number."),
    "organisation": N_("This is a fødselsnummer or D-number. Choose 'Myself or "
                       "another person' or enter an organisation number."),
}


class Deduction(NamedTuple):
    email: str
    year: int
    giver_type: str  # person | organisation
    name: str
    number: str  # digits only; never logged
    lang: str = "nb"


class ShownRequest(NamedTuple):
    unit_key: str
    year: int
    email: str
    name: str
    kind: str
    masked: str
    status: str


def unit_key(year: int, email: str) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:24]
    return f"{year}#{digest}"


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) else ""


def parse(data: dict[str, Any], email: str, lang: str) -> Deduction:
    """A checked request, or ValidationFailed naming every bad field (the
    number is never put in a message)."""
    fields: dict[str, str] = {}
    name = _text(data, "name")
    if not 2 <= len(name) <= 100:
        fields["name"] = N_("Enter the name the deduction is for.")
    giver = _text(data, "giver_type") or "person"
    if giver not in GIVER_TYPES:
        fields["giver_type"] = N_("Choose who the deduction is for.")
    number = identifiers.normalise(_text(data, "identity_number"))
    kind = identifiers.kind_of(number)
    if kind is None:
        fields["identity_number"] = N_(
            "This number is not valid: a fødselsnummer or D-number has 11 digits "
            "and an organisation number 9, and their check digits must match.")
    elif giver in GIVER_TYPES and kind != giver:
        fields["identity_number"] = WRONG_FIELD[giver]
    if data.get("consent") not in (True, "yes", "on", "1"):
        fields["consent"] = N_("Tick the box to let us report your gifts to the "
                               "Tax Administration.")
    if len(email) > 254 or not EMAIL.match(email):
        fields["email"] = N_("Enter a valid email address.")
    year = limits.check_year(data.get("year", ""))
    if fields:
        raise ValidationFailed(fields)
    limits.require_open(year)
    return Deduction(email.strip().lower(), year, giver, name, number, lang)


def submit(request: Deduction, actor: Actor = DONOR) -> ShownRequest:
    """Store (or replace) the request of this email and year, sealed, with
    its audit entry in the same transaction."""
    key = unit_key(request.year, request.email)
    sealed = crypto.seal(request.number, {"unit": key})
    moment = now_utc()
    item = TaxRequest(
        key, year=str(request.year), email=request.email, name=request.name,
        kind=request.giver_type, id_sealed=sealed.ciphertext, id_key=sealed.wrapped_key,
        id_last5=request.number[-5:], status="active", lang=request.lang,
        consent_at=moment, updated_at=moment)
    uow = UnitOfWork(actor, ("create", "tax-request", key))
    uow.save(item)
    uow.commit()
    return shown(item)


def withdraw(year: int, email: str, actor: Actor = DONOR) -> None:
    """The donor no longer wants the deduction for `year`: the number is
    deleted, not kept (nothing left to report)."""
    key = unit_key(year, email)
    limits.require_open(year)
    try:
        item = TaxRequest.get(key)
    except TaxRequest.DoesNotExist:
        return
    uow = UnitOfWork(actor, ("withdraw", "tax-request", key))
    uow.delete(item)
    uow.commit()


def shown(item: TaxRequest) -> ShownRequest:
    masked = "*" * (6 if item.kind == "person" else 4) + str(item.id_last5)
    return ShownRequest(str(item.unit_key), int(item.year), str(item.email),
                        str(item.name), str(item.kind), masked, str(item.status))


def find(year: int, email: str) -> ShownRequest | None:
    try:
        return shown(TaxRequest.get(unit_key(year, email)))
    except TaxRequest.DoesNotExist:
        return None


def for_year(year: int) -> list[TaxRequest]:
    """Every request of `year` (one Query of the year index, paged)."""
    return list(TaxRequest.by_year.query(str(year)))


def reveal(items: list[TaxRequest], actor: Actor) -> dict[str, str]:
    """The identity numbers of `items` by unit, for the report only: each
    opening is audit-logged (`decrypt`) before any number is returned."""
    record_many(actor, "decrypt", "tax-request", [str(i.unit_key) for i in items])
    return {str(i.unit_key): crypto.unseal(
        crypto.Sealed(str(i.id_sealed), str(i.id_key)), {"unit": str(i.unit_key)})
        for i in items}
