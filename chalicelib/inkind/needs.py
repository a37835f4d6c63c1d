"""Needs that staff publish, pledges that givers make against them, and the
aggregates the public sees (never a client, a shelter or a region)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, NamedTuple

from pynamodb.exceptions import UpdateError

from chalicelib import privacy
from chalicelib.audit.service import SYSTEM, Actor
from chalicelib.db import is_condition_failure
from chalicelib.errors import N_, Conflict, NotFound, ValidationFailed
from chalicelib.inkind import catalogue, stock
from chalicelib.inkind.models import Need, Pledge, YearTotal
from chalicelib.inkind.service import ReceiptLine, receive_gifts
from chalicelib.uow import REPLAY, UnitOfWork

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
PHONE = re.compile(r"^\+?[0-9 ]{8,16}$")
SMALL_COUNT = 3  # public counts below this show as "fewer than 3"
# A need's public counters change only after this many pledges (receipts):
# the difference a giver sees around their own pledge always holds at least
# SMALL_COUNT other people's pledges.
SHOW_EVERY = SMALL_COUNT + 1
COUNTERS = ("pledge_events", "receipt_events", "shown_pledged", "shown_received",
            "shown_pledge_events", "shown_receipt_events")


PLEDGER = Actor("public-pledge", ("public",))  # who writes a public pledge


class UnknownNeed(NotFound):
    code = "unknown_need"
    message = N_("This need is not open any more.")


class UnknownPledge(NotFound):
    code = "unknown_pledge"
    message = N_("There is no such pledge.")


class PledgeClosed(Conflict):
    code = "pledge_closed"
    message = N_("This pledge has already been received or cancelled.")


def public_count(count: int) -> int | None:
    """A count fit for givers and the public: None means "fewer than 3"."""
    return int(count) if count >= SMALL_COUNT else None


def get_need(need_id: str) -> Need:
    try:
        return Need.get(str(need_id))
    except Need.DoesNotExist:
        raise UnknownNeed() from None


def open_needs() -> list[Need]:
    needs = [n for n in Need.scan() if n.status == "open"]  # a short list
    return sorted(needs, key=lambda n: (n.wanted_by or "9999", n.need_id))


def publish_need(
    need_id: str,
    item_id: str,
    wanted: object,
    wanted_by: object,
    texts: dict[str, str],
) -> Need:
    """Publish (or change) a need for `wanted` units of a catalogue item. Its
    texts are public: the guard refuses identities and shelters in them."""
    privacy.guard_texts({f"text_{k}": v for k, v in texts.items()}, privacy.PUBLIC)
    catalogue.get_item(item_id)
    need = Need(
        need_id,
        item_id=item_id,
        wanted=catalogue.quantity_of(wanted, "wanted"),
        wanted_by=catalogue.optional_date(wanted_by, "wanted_by"),
        texts={k: v.strip()[:500] for k, v in texts.items() if v and v.strip()},
        created_at=datetime.now(UTC),
    )
    try:
        old = Need.get(need_id)
        need.pledged, need.received = old.pledged, old.received
        for name in COUNTERS:
            setattr(need, name, getattr(old, name))
    except Need.DoesNotExist:
        pass
    need.save()
    return need


def close_need(need_id: str) -> None:
    get_need(need_id).update(actions=[Need.status.set("closed")])


class PledgeInput(NamedTuple):
    giver: str
    contact: str
    quantity: object
    expected_on: object = None
    thank_by_name: bool = True


def _check_pledge(data: PledgeInput) -> tuple[str, str, int, str | None]:
    fields: dict[str, str] = {}
    giver, contact = data.giver.strip(), data.contact.strip()
    if not giver or len(giver) > 120:
        fields["giver"] = N_("Tell us your name or your organisation's name.")
    if not (EMAIL.match(contact) or PHONE.match(contact)) or len(contact) > 120:
        fields["contact"] = N_("Give an email address or a phone number.")
    try:
        quantity = catalogue.quantity_of(data.quantity)
    except ValidationFailed as error:
        fields.update(error.fields)
        quantity = 0
    try:
        expected = catalogue.optional_date(data.expected_on, "expected_on")
    except ValidationFailed as error:
        fields.update(error.fields)
        expected = None
    if fields:
        raise ValidationFailed(fields)
    return giver, contact, quantity, expected


def make_pledge(pledge_id: str, need_id: str, data: PledgeInput,
                request_hash: str | None = None) -> tuple[Pledge, bool]:
    """Record a pledge against an open need (idempotent by `pledge_id`);
    returns the pledge and whether it is new."""
    giver, contact, quantity, expected = _check_pledge(data)
    need = get_need(need_id)
    if need.status != "open":
        raise UnknownNeed()
    pledge = Pledge(
        pledge_id,
        need_id=need_id,
        item_id=need.item_id,
        giver=giver,
        contact=contact,
        quantity=quantity,
        expected_on=expected,
        thank_by_name=data.thank_by_name,
        created_at=datetime.now(UTC),
        request_hash=request_hash,
    )
    uow = UnitOfWork(PLEDGER, ("create", "pledge", pledge_id))
    uow.save(pledge, condition=Pledge.pledge_id.does_not_exist(), on_fail=REPLAY)
    uow.update(Need(need_id),
               actions=[Need.pledged.add(quantity), Need.pledge_events.add(1)],
               condition=Need.status == "open", on_fail=UnknownNeed)
    if not uow.commit():  # this pledge was made before (a resent form)
        return get_pledge(pledge_id), False
    refresh_shown(need_id)
    return pledge, True


def refresh_shown(need_id: str, force: bool = False) -> None:
    """Show a need's live counters to the public once SHOW_EVERY pledges (or
    receipts) arrived since they were last shown (`force`: now, for demo
    data). Every writer calls this after committing, so the last one always
    sees its own change; a lost race leaves it to the newer writer."""
    need = Need.get(need_id, consistent_read=True)
    actions: list[Any] = []
    condition = Need.need_id.exists()
    for live, events, shown, seen in (
        (Need.pledged, Need.pledge_events, Need.shown_pledged,
         Need.shown_pledge_events),
        (Need.received, Need.receipt_events, Need.shown_received,
         Need.shown_receipt_events),
    ):
        count = int(getattr(need, events.attr_name) or 0)
        if force or count - int(getattr(need, seen.attr_name) or 0) >= SHOW_EVERY:
            actions += [shown.set(int(getattr(need, live.attr_name) or 0)),
                        seen.set(count)]
            condition &= events == count
    if not actions:
        return
    try:
        need.update(actions=actions, condition=condition)
    except UpdateError as error:
        if not is_condition_failure(error):
            raise


def get_pledge(pledge_id: str) -> Pledge:
    try:
        return Pledge.get(str(pledge_id), consistent_read=True)
    except Pledge.DoesNotExist:
        raise UnknownPledge() from None


def pledges(status: str) -> list[Pledge]:
    """Pledges in one state (open, partly, received, cancelled), newest first."""
    return list(Pledge.by_status.query(status, scan_index_forward=False, limit=200))


def count_open_pledges(limit: int) -> int:
    """Pledges still to be received, open or partly (counted up to `limit`)."""
    total = 0
    for status in ("open", "partly"):
        total += int(Pledge.by_status.count(status, limit=limit - total))
        if total >= limit:
            break
    return total


def receive_pledge(
    receipt_id: str,
    pledge_id: str,
    quantity: object,
    location: str,
    actor: Actor,
    expires_on: str | None = None,
    value: int | None = None,
    request_hash: str | None = None,
) -> stock.MovementResult:
    """Take in (part of) a pledge: stock, the pledge and its need change together."""
    pledge = get_pledge(pledge_id)
    if pledge.status not in ("open", "partly"):
        raise PledgeClosed()
    line = ReceiptLine(pledge.item_id, quantity, value, expires_on)
    try:
        return receive_gifts(
            receipt_id,
            pledge.giver,
            location,
            [line],
            actor,
            need_id=pledge.need_id,
            thank_by_name=pledge.thank_by_name,
            pledge=pledge,
            request_hash=request_hash,
        )
    except Conflict as error:
        if error.code == "conflict":  # the pledge changed meanwhile
            raise PledgeClosed() from None
        raise


def cancel_pledge(pledge_id: str, actor: Actor = SYSTEM) -> None:
    """Cancel what is still outstanding of a pledge."""
    pledge = get_pledge(pledge_id)
    if pledge.status not in ("open", "partly"):
        raise PledgeClosed()
    outstanding = int(pledge.quantity) - int(pledge.received)
    uow = UnitOfWork(actor, ("cancel", "pledge", pledge_id))
    uow.update(Pledge(pledge_id), actions=[Pledge.status.set("cancelled")],
               condition=Pledge.received == pledge.received, on_fail=PledgeClosed)
    uow.update(Need(pledge.need_id), actions=[
        Need.pledged.add(-outstanding), Need.pledge_events.add(1)])
    uow.commit()
    refresh_shown(pledge.need_id)


def public_needs(lang: str) -> list[dict]:
    """Open needs as the public sees them: item, wanted, progress, text."""
    items = stock.get_items()
    result = []
    for need in open_needs():
        item = items.get(need.item_id)
        if item is None:
            continue
        result.append(
            {
                "need_id": need.need_id,
                "item": item.name(lang),
                "unit": item.unit,
                "text": need.text(lang),
                "wanted": int(need.wanted),
                "wanted_by": need.wanted_by,
                "pledged": public_count(int(need.shown_pledged or 0)),
                "received": public_count(int(need.shown_received or 0)),
                "progress": _progress(int(need.shown_received or 0),
                                      int(need.wanted)),
            }
        )
    return result


def _progress(received: int, wanted: int) -> int:
    if received < SMALL_COUNT or wanted <= 0:
        return 0
    return min(100, received * 100 // wanted)


def public_totals(year: int, lang: str) -> list[dict]:
    """What was passed on in `year`, per item, with small counts hidden."""
    items = stock.get_items()
    rows = []
    for total in YearTotal.query(str(year)):
        item = items.get(total.item_id)
        if item and total.distributed:
            rows.append(
                {
                    "item": item.name(lang),
                    "distributed": public_count(int(total.distributed)),
                }
            )
    return sorted(rows, key=lambda r: r["item"])
