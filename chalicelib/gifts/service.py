"""Offline gifts: recorded one by one or imported from a CSV file after a
preview. Each gift and its ledger movement are written in one transaction;
an import is one transaction too (all or nothing)."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections import defaultdict
from datetime import UTC, datetime
from typing import NamedTuple

from chalicelib.audit.service import Actor
from chalicelib.core.thanks import ThankedGiver
from chalicelib.errors import N_, Conflict, NotFound, ValidationFailed
from chalicelib.funds.service import Posting, get_fund, post_movement
from chalicelib.gifts import csvfile
from chalicelib.gifts.models import Gift, GiftImport
from chalicelib.tax import totals as tax_totals
from chalicelib.uow import UnitOfWork

CHANNELS = ("bank", "vipps")
MAX_IMPORT_ROWS = 90  # one DynamoDB transaction holds at most 100 items
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class DuplicateReference(Conflict):
    code = "duplicate_reference"
    field = "reference"
    message = N_("The reference %(reference)s has been recorded already.")


class ImportHasErrors(ValidationFailed):
    code = "import_has_errors"
    status = 422
    message = N_("The file has errors; fix them and upload it again.")


class ImportNotFound(NotFound):
    code = "import_not_found"
    message = N_("There is no such import preview.")


class GiftInput(NamedTuple):
    fund_id: str
    channel: str
    reference: str
    date: str
    amount: int
    donor_name: str | None = None
    donor_email: str | None = None
    thank_by_name: bool = False


def gift_key(channel: str, reference: str) -> str:
    return f"{channel}#{reference}"


def _movement_id(key: str) -> str:
    return "gift-" + hashlib.sha256(key.encode()).hexdigest()[:24]


def validate(data: dict) -> GiftInput:
    """A gift from JSON input; ValidationFailed names every bad field."""
    fields: dict[str, str] = {}
    amount = data.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        fields["amount"] = N_("Give a whole, positive number of øre.")
    if data.get("channel") not in CHANNELS:
        fields["channel"] = N_("Choose bank or vipps.")
    reference = str(data.get("reference") or "").strip()
    if not reference or len(reference) > 64:
        fields["reference"] = N_("Give the reference (at most 64 characters).")
    when = csvfile.parse_date(str(data.get("date") or ""))
    if when is None:
        fields["date"] = N_("Give a past date as YYYY-MM-DD.")
    email = str(data.get("donor_email") or "").strip() or None
    if email and not EMAIL.match(email):
        fields["donor_email"] = N_("Give a valid e-mail address.")
    if not str(data.get("fund_id") or ""):
        fields["fund_id"] = N_("Choose a fund.")
    if fields:
        raise ValidationFailed(fields)
    name = str(data.get("donor_name") or "").strip()[:120] or None
    return GiftInput(
        str(data["fund_id"]),
        str(data["channel"]),
        reference,
        str(when),
        int(amount or 0),
        name,
        email,
        bool(data.get("thank_by_name")) and bool(name),
    )


def _gift(data: GiftInput, actor: Actor, import_id: str | None = None) -> Gift:
    return Gift(
        gift_key(data.channel, data.reference),
        channel=data.channel,
        reference=data.reference,
        fund_id=data.fund_id,
        amount=data.amount,
        date=data.date,
        year=data.date[:4],
        donor_name=data.donor_name,
        donor_email=data.donor_email,
        email_key=data.donor_email.lower() if data.donor_email else None,
        thank_by_name=data.thank_by_name,
        import_id=import_id,
        created_by=actor.user_id,
        created_at=datetime.now(UTC),
    )


def record_gift(data: GiftInput, actor: Actor) -> tuple[Gift, bool]:
    """Post one gift; a retry of the same gift returns it (created False), a
    different gift with a used reference is a DuplicateReference."""
    get_fund(data.fund_id)
    gift = _gift(data, actor)
    result = post_movement(
        _movement_id(gift.gift_key),
        "gift",
        [Posting(data.fund_id, data.amount)],
        actor,
        reference=gift.gift_key,
        extra_writes=[
            lambda tx: tx.save(gift, condition=Gift.gift_key.does_not_exist()),
            *tax_totals.for_gift(data.donor_email, data.date, data.amount),
        ],
        audit=("create", "gift", gift.gift_key),
    )
    if not result.created:
        existing = Gift.get(gift.gift_key)
        same = (existing.amount, existing.fund_id, existing.date) == (
            data.amount,
            data.fund_id,
            data.date,
        )
        if not same:
            raise DuplicateReference(reference=data.reference)
        return existing, False
    return gift, True


def _existing_keys(keys: list[str]) -> set[str]:
    return {
        gift.gift_key for gift in Gift.batch_get(keys, attributes_to_get=["gift_key"])
    }


def preview_import(
    raw: bytes, fund_id: str, channel: str, actor: Actor, thank_by_name: bool = False
) -> GiftImport:
    """Check a file and keep it as a preview; nothing is posted."""
    if channel not in CHANNELS:
        raise ValidationFailed({"channel": N_("Choose bank or vipps.")})
    get_fund(fund_id)
    rows, errors = csvfile.parse(raw)
    used = _existing_keys([gift_key(channel, row.reference) for row in rows])
    for row in rows:
        if gift_key(channel, row.reference) in used:
            errors.append(
                csvfile.RowError(
                    row.line,
                    N_("This reference has been imported before."),
                    row.reference,
                )
            )
    bad_lines = {error.line for error in errors}
    rows = [row for row in rows if row.line not in bad_lines]
    if len(rows) > MAX_IMPORT_ROWS:
        errors.append(
            csvfile.RowError(
                0, N_("A file may hold at most 90 gifts; split it in parts.")
            )
        )
        rows = rows[:MAX_IMPORT_ROWS]  # shown; a preview with errors is never posted
    draft = GiftImport(
        secrets.token_hex(8),
        channel=channel,
        fund_id=fund_id,
        thank_by_name=thank_by_name,
        rows=json.dumps([row.__dict__ for row in rows]),
        errors=json.dumps([e.__dict__ for e in sorted(errors, key=lambda e: e.line)]),
        total=sum(row.amount for row in rows),
        created_by=actor.user_id,
        created_at=datetime.now(UTC),
    )
    uow = UnitOfWork(actor, ("create", "gift_import", draft.import_id))
    uow.save(draft)  # the preview and its audit entry in one transaction
    uow.commit()
    return draft


def get_import(import_id: str) -> GiftImport:
    try:
        return GiftImport.get(import_id)
    except GiftImport.DoesNotExist:
        raise ImportNotFound() from None


def confirm_import(import_id: str, actor: Actor) -> GiftImport:
    """Post every row of a preview in one transaction, or nothing."""
    draft = get_import(import_id)
    if draft.status == "imported":
        return draft
    rows = json.loads(draft.rows)
    if json.loads(draft.errors) or not rows:
        raise ImportHasErrors()
    gifts = [
        _gift(
            GiftInput(
                draft.fund_id,
                draft.channel,
                row["reference"],
                row["date"],
                row["amount"],
                row["name"] or None,
                None,
                draft.thank_by_name and bool(row["name"]),
            ),
            actor,
            import_id,
        )
        for row in rows
    ]
    writes = [_saver(gift) for gift in gifts] + [
        lambda tx: tx.update(
            draft,
            actions=[GiftImport.status.set("imported")],
            condition=GiftImport.status == "preview",
        )
    ]
    try:
        post_movement(
            f"gift-import-{import_id}",
            "gift",
            [Posting(draft.fund_id, int(draft.total))],
            actor,
            reference=f"import:{import_id}",
            memo=f"{len(gifts)} gifts",
            extra_writes=writes,
            audit=("create", "gift_import", import_id),
        )
    except Conflict:
        used = _existing_keys([gift.gift_key for gift in gifts])
        if used:
            raise DuplicateReference(
                reference=sorted(used)[0].split("#", 1)[1]
            ) from None
        raise
    draft.status = "imported"
    return draft


def _saver(gift: Gift):
    return lambda tx: tx.save(gift, condition=Gift.gift_key.does_not_exist())


def gifts_of_year(year: int) -> list[Gift]:
    return list(Gift.by_year.query(str(year)))


def named_givers(year: int) -> list[ThankedGiver]:
    """Offline givers of `year` who agreed to be thanked by name."""
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for gift in gifts_of_year(year):
        if gift.thank_by_name and gift.donor_name:
            totals[(gift.donor_name, gift.channel)] += int(gift.amount)
    return [
        ThankedGiver(name, amount, channel)
        for (name, channel), amount in sorted(totals.items())
    ]


PREVIEW_HOURS = 24  # a preview not confirmed within a day is dropped


def clean_stale_previews(now: datetime | None = None) -> dict[str, int]:
    """Delete previews older than PREVIEW_HOURS that were never confirmed
    (they hold donors' names); a confirm racing the clean-up wins."""
    from datetime import timedelta

    from pynamodb.exceptions import DeleteError

    from chalicelib.db import is_condition_failure

    cutoff = (now or datetime.now(UTC)) - timedelta(hours=PREVIEW_HOURS)
    deleted = 0
    stale = GiftImport.scan((GiftImport.status == "preview")
                            & (GiftImport.created_at < cutoff))
    for draft in stale:
        try:
            draft.delete(condition=GiftImport.status == "preview")
        except DeleteError as error:
            if not is_condition_failure(error):
                raise
            continue
        deleted += 1
    return {"deleted": deleted}


def new_gift(data: GiftInput, actor: Actor, import_id: str | None = None) -> Gift:
    """The record of a gift for a caller that posts it in its own movement
    (the Vipps settlement import); `gift_movement_id` is that movement's id."""
    return _gift(data, actor, import_id)


def gift_movement_id(key: str) -> str:
    return _movement_id(key)
