"""Deliveries of the RF-1310 report (finance only): prepare, send, send
again, feedback.

- `prepare` writes one delivery (its UUID is the idempotency key) and the
  reported rows of the units it carries: the first delivery of a year every
  due unit, a correction only the units changed since (a new total, name or
  number; one that fell below the minimum is reported at 0 kr). Rows go in
  transactions of at most 99 with their audit entry.
- `send` opens the numbers of the delivery's units (one `decrypt` audit
  entry per unit, written before any number is opened; the first ones in the
  same transaction as the delivery's own `send` entry), builds the body and
  posts it. A re-send uses the same key and the same bytes: the API answers
  the same ids and nothing is delivered twice.
- Feedback: tax/feedback.py.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from chalicelib.audit.service import TRANSACTION_LIMIT, Actor, entry_write, record_many
from chalicelib.core.clock import now_utc
from chalicelib.errors import N_, Conflict, DomainError, NotFound
from chalicelib.tax import crypto, maskinporten, rf1310, skatteetaten
from chalicelib.tax.models import TaxDelivery, TaxReported, TaxRequest
from chalicelib.tax.report import Unit, build
from chalicelib.tax.settings import tax_settings
from chalicelib.uow import UnitOfWork

CHUNK = TRANSACTION_LIMIT - 1  # rows per transaction, beside its audit entry


class NothingToReport(DomainError):
    code = "nothing_to_report"
    status = 409
    message = N_("Nothing to report for %(year)s: every due unit was reported "
                 "as it stands.")


class DeliveryOpen(Conflict):
    code = "delivery_open"
    message = N_("A delivery for %(year)s is prepared but not sent yet: send it "
                 "(again) before preparing another.")


class DeliveryRefused(DomainError):
    code = "delivery_refused"
    status = 502
    message = N_("Skatteetaten refused the delivery: %(reason)s")


class RequestsWithdrawn(DomainError):
    """Ours, not Skatteetaten's: a unit's request went after it was prepared."""

    code = "requests_withdrawn"
    status = 409
    message = N_("Deduction requests in this delivery were withdrawn after it was "
                 "prepared (%(count)s). Nothing was sent; prepare a new delivery.")


class NoAccessToken(DomainError):
    code = "maskinporten_refused"
    status = 502
    message = N_("Maskinporten gave no access token: check the client id, the "
                 "key and the scope. Nothing was sent.")


class NotConfigured(DomainError):
    code = "tax_not_configured"
    status = 503
    message = N_("The report cannot be sent before the operator sets %(names)s. "
                 "Nothing was sent.")


class NotReached(DomainError):
    code = "skatteetaten_unreachable"
    status = 503
    retry_after = 60
    message = N_("Skatteetaten could not be reached. Nothing was lost: send the "
                 "delivery again in a few minutes.")


def _row(year: int, delivery_id: str, unit: Unit) -> TaxReported:
    return TaxReported(str(year), unit.unit_key, delivery_id=delivery_id,
                       kind=unit.kind, name=unit.name,
                       id_last5=unit.last5, id_version=unit.id_version,
                       kroner=unit.kroner, status="delivered", reason=None)


def prepare(year: int, actor: Actor) -> TaxDelivery:
    """A new delivery of the units due or changed (NothingToReport, or
    DeliveryOpen while one is unsent)."""
    report = build(year)
    if report.open_delivery is not None:
        raise DeliveryOpen(year=year)
    units = report.changed
    if not units:
        raise NothingToReport(year=year)
    delivery_id = str(uuid.uuid4())
    first = not any(d.status in ("sent", "done") for d in report.deliveries)
    delivery = TaxDelivery(
        str(year), delivery_id, kind="first" if first else "correction",
        status="prepared", units=len(units), kroner=sum(u.kroner for u in units),
        created_by=actor.user_id, created_at=now_utc(), attempts=0)
    for start in range(0, len(units), CHUNK):
        uow = UnitOfWork(actor, ("create" if start == 0 else "update",
                                 "tax-delivery", delivery_id))
        for unit in units[start:start + CHUNK]:
            uow.save(_row(year, delivery_id, unit))
        if start + CHUNK >= len(units):
            uow.save(delivery)  # last: a delivery exists only with all its rows
        uow.commit()
    return delivery


def get(year: int, delivery_id: str) -> TaxDelivery:
    try:
        return TaxDelivery.get(str(year), delivery_id)
    except TaxDelivery.DoesNotExist:
        raise NotFound() from None


def lines_of(year: int, delivery_id: str) -> list[TaxReported]:
    """The rows a delivery carries (one paged Query of the year)."""
    rows = TaxReported.query(str(year), filter_condition=(
        TaxReported.delivery_id == delivery_id))
    return sorted(rows, key=lambda r: str(r.unit_key))


def _open_numbers(delivery: TaxDelivery, rows: list[TaxReported], actor: Actor,
                  action: str = "send") -> dict[str, str]:
    """Every number of the delivery, each opening audited first; the first
    entries share the transaction of the delivery's `send` (or `export`)
    entry."""
    keys = [str(r.unit_key) for r in rows]
    head, rest = keys[:TRANSACTION_LIMIT - 2], keys[TRANSACTION_LIMIT - 2:]
    uow = UnitOfWork(actor, (action, "tax-delivery", str(delivery.delivery_id)))
    entry_write(actor, action, "tax-delivery", str(delivery.delivery_id))(uow)
    for key in head:
        entry_write(actor, "decrypt", "tax-request", key)(uow)
    uow.update(delivery, actions=[TaxDelivery.attempts.add(int(action == "send"))])
    uow.commit()
    if rest:
        record_many(actor, "decrypt", "tax-request", rest)
    requests = {str(r.unit_key): r for r in TaxRequest.batch_get(keys)}
    missing = set(keys) - requests.keys()
    if missing:  # withdrawn since it was prepared: its number is gone
        raise RequestsWithdrawn(count=len(missing))
    return {key: crypto.unseal(crypto.Sealed(str(r.id_sealed), str(r.id_key)),
                               {"unit": key}) for key, r in requests.items()}


def payload(delivery: TaxDelivery, rows: list[TaxReported],
            numbers: dict[str, str]) -> bytes:
    """The body's exact bytes (the same rows give the same bytes)."""
    lines = [rf1310.Line(str(r.unit_key), str(r.kind), numbers[str(r.unit_key)],
                         str(r.name), int(r.kroner)) for r in rows]
    body = rf1310.body(tax_settings(), int(delivery.year), reference(delivery), lines)
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def reference(delivery: TaxDelivery) -> str:
    return f"{delivery.year}-{str(delivery.delivery_id)[:8]}"


def send(year: int, delivery_id: str, actor: Actor) -> TaxDelivery:
    """Post a prepared delivery (or post it again, same key, same bytes)."""
    delivery = get(year, delivery_id)
    if delivery.status != "prepared":
        return delivery  # sent before: nothing to do
    if tax_settings().missing:
        raise NotConfigured(names=", ".join(tax_settings().missing))
    rows = lines_of(year, delivery_id)
    numbers = _open_numbers(delivery, rows, actor)
    try:
        answer = skatteetaten.deliver(year, delivery_id, payload(delivery, rows,
                                                                 numbers))
    except maskinporten.TokenRefused as refused:
        note(delivery, actor, error=str(refused))
        if refused.status == 0 or refused.status >= 500:
            raise NotReached() from None
        raise NoAccessToken() from None
    except skatteetaten.ApiFailed as failure:
        if failure.retry_helps:
            note(delivery, actor, error=failure.reason)
            raise NotReached() from None
        note(delivery, actor, status="refused", error=failure.reason)
        raise DeliveryRefused(reason=failure.reason) from None
    note(delivery, actor, status="sent", dialog_id=str(answer.get("dialogId", "")),
          forsendelse_id=str(answer.get("forsendelseId", "")), sent_at=now_utc(),
          error=None)
    return get(year, delivery_id)


def xml_export(year: int, delivery_id: str, actor: Actor) -> bytes:
    """The delivery as the XML file, for a manual upload (audited as an
    `export` with one `decrypt` per unit)."""
    delivery = get(year, delivery_id)
    rows = lines_of(year, delivery_id)
    numbers = _open_numbers(delivery, rows, actor, action="export")
    return rf1310.xml_file(json.loads(payload(delivery, rows, numbers)))


def note(delivery: TaxDelivery, actor: Actor, **changes: Any) -> None:
    uow = UnitOfWork(actor, ("update", "tax-delivery", str(delivery.delivery_id)))
    uow.update(delivery, actions=[
        getattr(TaxDelivery, name).set(value) if value is not None
        else getattr(TaxDelivery, name).remove() for name, value in changes.items()])
    uow.commit()
