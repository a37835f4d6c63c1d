"""Funds and their ledger. Every money movement of every area goes through
`post_movement`: entries, balances and monthly totals change in one DynamoDB
transaction, a fund never goes below zero unless told to, and a repeated
movement id changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.audit.service import Actor
from chalicelib.db import is_condition_failure, transaction
from chalicelib.errors import N_, Conflict, NotFound
from chalicelib.funds.models import Fund, FundMonth, LedgerEntry, Movement
from chalicelib.money import format_nok


class FundExhausted(Conflict):
    code = "fund_exhausted"
    message = N_("The fund %(fund)s has only %(balance)s left.")


class UnknownFund(NotFound):
    code = "unknown_fund"
    message = N_("There is no fund %(fund)s.")


@dataclass(frozen=True)
class Posting:
    fund_id: str
    amount: int  # øre; negative takes money out


@dataclass
class PostResult:
    movement_id: str
    created: bool  # False when this movement id had already been posted
    entries: list[Posting] = field(default_factory=list)


ExtraWrite = Callable[[TransactWrite], None]


def get_fund(fund_id: str) -> Fund:
    try:
        return Fund.get(fund_id)
    except Fund.DoesNotExist:
        raise UnknownFund(fund=fund_id) from None


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
    return sorted(funds, key=lambda fund: fund.fund_id)


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
) -> PostResult:
    """Post one movement. `extra_writes` add the caller's own records (a
    donation, a disbursement) to the same transaction. Raises FundExhausted
    when a fund would go below zero and `allow_negative` is false."""
    if not postings or any(not isinstance(p.amount, int) for p in postings):
        raise ValueError("postings must carry whole øre")
    now = at or datetime.now(UTC)
    month = now.strftime("%Y-%m")
    try:
        # No ClientRequestToken: a retry carries a new timestamp, which DynamoDB
        # would refuse as a token mismatch; the Movement condition makes it safe.
        with transaction() as tx:
            tx.save(
                Movement(
                    movement_id,
                    kind=kind,
                    created_at=now,
                    entries=[
                        {"fund_id": p.fund_id, "amount": p.amount} for p in postings
                    ],
                ),
                condition=Movement.movement_id.does_not_exist(),
            )
            for posting in postings:
                _add_posting(
                    tx,
                    posting,
                    movement_id,
                    kind,
                    now,
                    month,
                    actor,
                    reference,
                    memo,
                    allow_negative,
                    currency,
                )
            for write in extra_writes or []:
                write(tx)
    except TransactWriteError as error:
        return _explain_failure(error, movement_id, postings, allow_negative)
    return PostResult(movement_id, True, list(postings))


def _add_posting(
    tx: TransactWrite,
    posting: Posting,
    movement_id: str,
    kind: str,
    now: datetime,
    month: str,
    actor: Actor,
    reference: str | None,
    memo: str | None,
    allow_negative: bool,
    currency: str,
) -> None:
    tx.save(
        LedgerEntry(
            posting.fund_id,
            f"{now.isoformat(timespec='microseconds')}#{movement_id}",
            movement_id=movement_id,
            kind=kind,
            amount=posting.amount,
            currency=currency,
            created_at=now,
            actor=actor.user_id,
            reference=reference,
            memo=memo,
        ),
        condition=LedgerEntry.entry_id.does_not_exist(),
    )
    condition = Fund.fund_id.exists() & (Fund.currency == currency)
    if posting.amount < 0 and not allow_negative:
        condition &= Fund.balance >= -posting.amount
    tx.update(
        Fund(posting.fund_id),
        actions=[Fund.balance.add(posting.amount)],
        condition=condition,
    )
    column = FundMonth.income if posting.amount >= 0 else FundMonth.spending
    tx.update(
        FundMonth(posting.fund_id, month), actions=[column.add(abs(posting.amount))]
    )


def _explain_failure(
    error: TransactWriteError, movement_id: str, postings: list[Posting],
    allow_negative: bool,
) -> PostResult:
    if not is_condition_failure(error):
        raise error
    reasons = error.cancellation_reasons or []
    if reasons and reasons[0] and reasons[0].code == "ConditionalCheckFailed":
        return PostResult(movement_id, False, list(postings))  # posted before
    for posting in [p for p in postings if p.amount < 0 and not allow_negative]:
        fund = get_fund(posting.fund_id)
        if fund.balance < -posting.amount:
            raise FundExhausted(
                fund=fund.name("en"), balance=format_nok(int(fund.balance))
            )
    raise Conflict()


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
    "FundExhausted",
    "Posting",
    "PostResult",
    "UnknownFund",
    "get_fund",
    "last_reconciliation",
    "ledger_page",
    "list_funds",
    "nightly_reconciliation",
    "post_movement",
    "reconcile",
    "reconciliation_queued",
    "request_reconciliation",
    "run_requested_reconciliation",
]
