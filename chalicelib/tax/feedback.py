"""Skatteetaten's feedback on a sent delivery: fetched by finance's button
or the hourly job; once processed the delivery is done and each rejected
row carries Skatteetaten's reason (rows are matched by their last five
digits; when several share them, the candidates' numbers are opened,
audited)."""

from __future__ import annotations

from typing import Any

from chalicelib.audit.service import SYSTEM, Actor
from chalicelib.core.clock import now_utc, oslo_date
from chalicelib.tax import maskinporten, skatteetaten
from chalicelib.tax.delivery import (
    CHUNK,
    DeliveryRefused,
    NotReached,
    get,
    lines_of,
    note,
)
from chalicelib.tax.models import TaxDelivery, TaxReported, TaxRequest
from chalicelib.uow import UnitOfWork


def check_feedback(year: int, delivery_id: str, actor: Actor) -> TaxDelivery:
    """Fetch a sent delivery's feedback; rejected rows get the reason."""
    delivery = get(year, delivery_id)
    if delivery.status != "sent":
        return delivery
    try:
        answer = skatteetaten.feedback(year, str(delivery.forsendelse_id))
    except maskinporten.TokenRefused:
        raise NotReached() from None
    except skatteetaten.ApiFailed as failure:
        if failure.retry_helps:
            raise NotReached() from None
        raise DeliveryRefused(reason=failure.reason) from None
    if answer.get("status") != "behandlet":
        return delivery  # not processed yet
    rejected = _match(delivery, list(answer.get("avvik") or []), actor)
    for start in range(0, len(rejected), CHUNK):
        uow = UnitOfWork(actor, ("reject", "tax-reported", delivery_id))
        for row, reason in rejected[start:start + CHUNK]:
            uow.update(row, actions=[TaxReported.status.set("rejected"),
                                     TaxReported.reason.set(reason[:300])])
        uow.commit()
    note(delivery, actor, status="done", feedback_at=now_utc(),
          rejected=len(rejected))
    return get(year, delivery_id)


def poll_feedback(actor: Actor = SYSTEM) -> dict[str, int]:
    """The hourly job: every sent delivery of this and last year asked for
    its feedback (figures only in the result)."""
    asked = done = failed = 0
    for year in (oslo_date().year - 1, oslo_date().year):
        for sent in TaxDelivery.query(str(year),
                                      filter_condition=TaxDelivery.status == "sent"):
            asked += 1
            try:
                checked = check_feedback(year, str(sent.delivery_id), actor)
            except (NotReached, DeliveryRefused):
                failed += 1
                continue
            done += checked.status == "done"
    return {"asked": asked, "done": done, "failed": failed}


def _match(delivery: TaxDelivery, rejections: list[dict[str, Any]],
           actor: Actor) -> list[tuple[TaxReported, str]]:
    """The rows the feedback names, by their last five digits; numbers
    shared by several rows are told apart by opening them (audited)."""
    if not rejections:
        return []
    rows = lines_of(int(delivery.year), str(delivery.delivery_id))
    found = []
    for rejection in rejections:
        owner = rejection.get("oppgaveeier") or {}
        number = str(owner.get("foedselsnummer") or owner.get(
            "organisasjonsnummer") or "")
        candidates = [r for r in rows if number and r.id_last5 == number[-5:]]
        if len(candidates) > 1:
            opened = _open_some(candidates, actor)
            candidates = [r for r in candidates if opened[str(r.unit_key)] == number]
        if candidates:
            found.append((candidates[0], str(rejection.get("melding") or "")))
    return found


def _open_some(rows: list[TaxReported], actor: Actor) -> dict[str, str]:
    from chalicelib.tax.requests import reveal

    items = [TaxRequest.get(str(r.unit_key)) for r in rows]
    return reveal(items, actor)
