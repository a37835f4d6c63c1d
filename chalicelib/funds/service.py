"""Funds and their ledger. Every money movement of every area goes through
`post_movement`: entries, balances and monthly totals change in one DynamoDB
transaction, a fund never goes below zero unless told to, and a repeated
movement id changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from chalicelib.audit.service import Actor
from chalicelib.errors import N_, Conflict, Names, NotFound
from chalicelib.funds.models import Fund, FundMonth, LedgerEntry, Movement
from chalicelib.money import format_nok
from chalicelib.uow import REPLAY, Audit, UnitOfWork


class FundExhausted(Conflict):
    code = "fund_exhausted"
    message = N_("The fund %(fund)s has only %(balance)s left.")


class FundChanged(Conflict):
    code = "fund_changed"
    message = N_("Money moved in or out of %(fund)s since you looked. Check the "
                 "figures and try again.")


class UnknownFund(NotFound):
    code = "unknown_fund"
    message = N_("There is no fund %(fund)s.")


class Posting(NamedTuple):
    fund_id: str
    amount: int  # øre; negative takes money out


@dataclass
class PostResult:
    movement_id: str
    created: bool  # False when this movement id had already been posted
    entries: list[Posting] = field(default_factory=list)


ExtraWrite = Callable[[Any], None]  # called with the UnitOfWork


def get_fund(fund_id: str) -> Fund:
    try:
        return Fund.get(fund_id)
    except Fund.DoesNotExist:
        raise UnknownFund(fund=fund_id) from None


def movement_hash(movement_id: str) -> str | None:
    """The request digest a posted movement keeps (None: not posted, or
    posted without a key)."""
    try:
        return Movement.get(movement_id, consistent_read=True).request_hash
    except Movement.DoesNotExist:
        return None


def list_funds(
    public_only: bool = False,
    include_inactive: bool = False,
    kind: str = "fund",
) -> list[Fund]:
    """Funds (or, with kind="cash_box", the offices' cash boxes)."""
    funds = [
        fund
        for fund in Fund.scan()  # a handful of items
        if (fund.active or include_inactive) and (fund.kind or "fund") == kind
    ]
    if public_only:
        funds = [fund for fund in funds if fund.public]
    # Unrestricted funds first: a form's first fund is what a browser
    # preselects, and an earmark chosen by accident cannot be undone.
    return sorted(funds, key=lambda fund: (bool(fund.restricted), fund.fund_id))


# A ledger entry's kind and the memos the system writes, as staff read them.
MOVEMENT_KINDS = {
    "opening": N_("Opening balance"),
    "transfer": N_("Transfer"),
    "adjustment": N_("Adjustment"),
    "disbursement": N_("Payment to a client"),
    "reversal": N_("Reversed payment"),
    "cash_topup": N_("Cash box top-up"),
    "gift": N_("Offline gift"),
    "donation": N_("Online donation"),
    "refund": N_("Refund"),
    "fee": N_("Payment fees"),
}
SYSTEM_MEMOS = {"Online donation": N_("Online donation"),
                "Vipps donation": N_("Vipps donation")}


def account_names(lang: str) -> dict[str, str]:
    """Every fund's and cash box's name in `lang`, by id (closed ones too:
    old records still name them), for pages that list records by fund."""
    accounts = (list_funds(include_inactive=True)
                + list_funds(include_inactive=True, kind="cash_box"))
    return {account.fund_id: account.name(lang) for account in accounts}


def post_movement(
    movement_id: str,
    kind: str,
    postings: list[Posting],
    actor: Actor,
    *,
    reference: str | None = None,
    memo: str | None = None,
    allow_negative: bool = False,
    extra_writes: list[ExtraWrite] | None = None,
    currency: str = "NOK",
    at: datetime | None = None,
    audit: Audit | None = None,
    request_hash: str | None = None,
) -> PostResult:
    """Post one movement with its audit entry (`audit`, by default "create"
    `kind` `movement_id`) in one transaction. `extra_writes` add the caller's
    own records (a donation, a disbursement) to it. Raises FundExhausted when
    a fund would go below zero and `allow_negative` is false; a movement id
    posted before changes nothing (created False). `request_hash` is kept on
    the movement (see chalicelib.idempotency)."""
    uow = UnitOfWork(actor, audit or ("create", kind, movement_id))
    add_movement(uow, movement_id, kind, postings, reference=reference, memo=memo,
                 allow_negative=allow_negative, currency=currency, at=at,
                 request_hash=request_hash)
    for write in extra_writes or []:
        write(uow)
    return PostResult(movement_id, uow.commit(), list(postings))


def add_movement(
    uow: UnitOfWork,
    movement_id: str,
    kind: str,
    postings: list[Posting],
    *,
    reference: str | None = None,
    memo: str | None = None,
    allow_negative: bool = False,
    currency: str = "NOK",
    at: datetime | None = None,
    unchanged: dict[str, int | None] | None = None,
    request_hash: str | None = None,
) -> None:
    """The writes of one movement, for a caller's unit of work: its Movement
    item (REPLAY when posted before), ledger entries, balances, month totals.
    `unchanged` maps a fund to the version read: FundChanged if it moved."""
    if not postings or any(not isinstance(p.amount, int) for p in postings):
        raise ValueError("postings must carry whole øre")
    now = at or datetime.now(UTC)
    # No ClientRequestToken of our own: a retried request carries a new
    # timestamp; the Movement condition makes it safe (the unit of work's
    # token only covers its own retries of the identical request).
    uow.save(
        Movement(
            movement_id,
            kind=kind,
            created_at=now,
            entries=[{"fund_id": p.fund_id, "amount": p.amount} for p in postings],
            request_hash=request_hash,
        ),
        condition=Movement.movement_id.does_not_exist(),
        on_fail=REPLAY,
    )
    line = _Line(movement_id, kind, now, uow.actor, reference, memo, currency)
    for posting in postings:
        read = (unchanged or {}).get(posting.fund_id, -1)
        _add_posting(uow, posting, line, allow_negative, read)


def version_is(version: int | None) -> Any:
    """The condition that a fund's version is still the one read."""
    return Fund.version == version if version else Fund.version.does_not_exist()


class _Line(NamedTuple):
    movement_id: str
    kind: str
    now: datetime
    actor: Actor
    reference: str | None
    memo: str | None
    currency: str


def _add_posting(
    uow: UnitOfWork, posting: Posting, line: _Line, allow_negative: bool,
    read_version: int | None,
) -> None:
    uow.save(
        LedgerEntry(
            posting.fund_id,
            f"{line.now.isoformat(timespec='microseconds')}#{line.movement_id}",
            movement_id=line.movement_id,
            kind=line.kind,
            amount=posting.amount,
            currency=line.currency,
            created_at=line.now,
            actor=line.actor.user_id,
            reference=line.reference,
            memo=line.memo,
        ),
        condition=LedgerEntry.entry_id.does_not_exist(),
    )
    condition = Fund.fund_id.exists() & (Fund.currency == line.currency)
    if posting.amount < 0 and not allow_negative:
        condition &= Fund.balance >= -posting.amount
    if read_version != -1:
        condition &= version_is(read_version)
    uow.update(
        Fund(posting.fund_id),
        actions=[Fund.balance.add(posting.amount), Fund.version.add(1)],
        condition=condition,
        on_fail=lambda: _refused(posting.fund_id, line.currency, read_version),
    )
    column = FundMonth.income if posting.amount >= 0 else FundMonth.spending
    uow.update(
        FundMonth(posting.fund_id, line.now.strftime("%Y-%m")),
        actions=[column.add(abs(posting.amount))],
    )


def _refused(fund_id: str, currency: str, read_version: int | None) -> Exception:
    """Why a fund refused a posting: unknown, other currency, moved since it
    was read, or too little money."""
    fund = get_fund(fund_id)
    if fund.currency != currency:
        return Conflict()
    if read_version != -1 and fund.version != read_version:
        return FundChanged(fund=Names(fund.names, fund.fund_id))
    return FundExhausted(fund=Names(fund.names, fund.fund_id),
                         balance=format_nok(int(fund.balance)))


def ledger_page(
    fund_id: str, limit: int = 50, after: str | None = None
) -> tuple[list[LedgerEntry], str | None]:
    """One page of a fund's entries, newest first, and the key of the next page."""
    get_fund(fund_id)
    start = {"fund_id": {"S": fund_id}, "entry_id": {"S": after}} if after else None
    result = LedgerEntry.query(
        fund_id, scan_index_forward=False, limit=limit, last_evaluated_key=start
    )
    entries = list(result)
    last = result.last_evaluated_key
    return entries, (last["entry_id"]["S"] if last else None)


# Re-exported so callers find the recompute next to the ledger it checks.
from chalicelib.funds.reconcile import (  # noqa: E402
    FundDrift,
    last_reconciliation,
    nightly_reconciliation,
    reconcile,
    reconciliation_queued,
    request_reconciliation,
    run_requested_reconciliation,
)

__all__ = [
    "FundDrift",
    "FundChanged",
    "FundExhausted",
    "Posting",
    "add_movement",
    "PostResult",
    "UnknownFund",
    "get_fund",
    "movement_hash",
    "last_reconciliation",
    "ledger_page",
    "list_funds",
    "nightly_reconciliation",
    "post_movement",
    "reconcile",
    "reconciliation_queued",
    "request_reconciliation",
    "run_requested_reconciliation",
    "version_is",
]
