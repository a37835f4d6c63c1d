"""Creating and editing funds, transfers and adjustments between them. Balances
change only through the ledger (`post_movement`)."""

from __future__ import annotations

import re
import time

from chalicelib import privacy
from chalicelib.audit.service import Actor
from chalicelib.errors import N_, Conflict, Names, ValidationFailed
from chalicelib.funds import rules
from chalicelib.funds.models import Fund
from chalicelib.funds.purposes import PURPOSES
from chalicelib.funds.service import (
    Posting,
    PostResult,
    get_fund,
    post_movement,
)
from chalicelib.uow import UnitOfWork

FUND_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
LANGS = ("nb", "en", "es")
_CACHE: dict[str, tuple[float, Fund]] = {}
CACHE_SECONDS = 30.0


class FundExists(Conflict):
    code = "fund_exists"
    message = N_("A fund with the id %(fund)s exists already.")


def cached_fund(fund_id: str) -> Fund:
    """A fund's settings (names, purposes), at most 30 s old. Never trust its
    balance: the ledger transaction checks that."""
    hit = _CACHE.get(fund_id)
    if hit and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    fund = get_fund(fund_id)
    _CACHE[fund_id] = (time.monotonic(), fund)
    return fund


def forget_cached_funds() -> None:
    _CACHE.clear()


def _check_settings(names: dict[str, str], purposes: set[str], public: bool,
                    restricted: bool) -> None:
    fields: dict[str, str] = {}
    if not all(names.get(lang, "").strip() for lang in LANGS):
        fields["names"] = N_("Give the fund a name in Norwegian, English and Spanish.")
    if purposes - set(PURPOSES):
        fields["purposes"] = N_("Choose purposes from the list.")
    elif restricted and not purposes:
        fields["purposes"] = N_("A restricted fund pays only its purposes: choose "
                                "at least one.")
    # Donors read a public fund's names; staff read the others.
    audience = privacy.PUBLIC if public else privacy.STAFF
    identity = privacy.refusals({f"name_{k}": v for k, v in names.items()}, audience)
    privacy.refuse(fields, identity)


def create_fund(
    fund_id: str,
    names: dict[str, str],
    actor: Actor,
    *,
    restricted: bool = False,
    public: bool = False,
    purposes: set[str] | None = None,
) -> Fund:
    """Create an empty fund; its money comes later through the ledger."""
    if not FUND_ID.match(fund_id or ""):
        raise ValidationFailed(
            {"fund_id": N_("Use 2-40 lower-case letters, digits and dashes.")}
        )
    _check_settings(names, purposes or set(), public, restricted)
    fund = Fund(
        fund_id,
        names={lang: names[lang].strip() for lang in LANGS},
        restricted=restricted,
        public=public,
        purposes=purposes or None,
        balance=0,
    )
    uow = UnitOfWork(actor, ("create", "fund", fund_id))
    uow.save(fund, condition=Fund.fund_id.does_not_exist(),
             on_fail=FundExists(fund=fund_id))
    uow.commit()
    forget_cached_funds()
    return fund


def update_fund(
    fund_id: str,
    names: dict[str, str],
    actor: Actor,
    *,
    restricted: bool,
    public: bool,
    purposes: set[str],
    active: bool = True,
) -> Fund:
    """Change a fund's names and rules; never its balance. Its rules
    (restricted, purposes) change at once only while it is empty; with money
    in it the change waits for a second person (`rules.approve`)."""
    _check_settings(names, purposes, public, restricted)
    fund = get_fund(fund_id)
    actions = [
        Fund.names.set({lang: names[lang].strip() for lang in LANGS}),
        Fund.public.set(public),
        Fund.active.set(active),
    ]
    condition = Fund.fund_id.exists()
    action = "update"
    if rules.rules_of(fund) != (restricted, frozenset(purposes)):
        if int(fund.balance):
            actions += rules.request_actions(restricted, purposes, actor)
            action = "request_rules_change"
        else:
            actions += rules.rule_actions(restricted, purposes)
            condition &= Fund.balance == 0
    uow = UnitOfWork(actor, (action, "fund", fund_id))
    uow.update(fund, actions=actions, condition=condition,
               on_fail=lambda: _not_updated(fund_id))
    uow.commit()
    forget_cached_funds()
    return get_fund(fund_id)


class MoneyArrived(Conflict):
    code = "money_arrived"
    message = N_("Money arrived in the fund while you edited it: its rules now "
                 "need a second person. Save again to ask for approval.")


def _not_updated(fund_id: str) -> Exception:
    get_fund(fund_id)  # UnknownFund when it is gone
    return MoneyArrived()


class RestrictedMoney(Conflict):
    code = "restricted_money"
    message = N_(
        "Money in %(source)s is earmarked: it may only go to a fund with the "
        "same purposes or fewer."
    )


def may_receive(source: Fund, target: Fund) -> bool:
    """Unrestricted money may go anywhere; restricted money only to a
    restricted fund whose purposes are among the source's."""
    if target.restricted and not target.purposes:
        return False  # it could pay nothing, until someone clears "restricted"
    if not source.restricted:
        return True
    if not target.restricted:
        return False
    return set(target.purposes or ()) <= set(source.purposes or ())


def transfer(
    movement_id: str,
    from_fund: str,
    to_fund: str,
    amount: int,
    actor: Actor,
    reason: str,
    request_hash: str | None = None,
) -> PostResult:
    """Move money between funds in one ledger movement (no overdraft);
    restricted money stays restricted (RestrictedMoney). `request_hash`: see
    chalicelib.idempotency (kept on the movement)."""
    if from_fund == to_fund:
        raise ValidationFailed({"to_fund": N_("Choose two different funds.")})
    privacy.guard_texts({"reason": reason}, privacy.STAFF)
    source, target = get_fund(from_fund), get_fund(to_fund)
    if "cash_box" in (source.kind, target.kind):
        raise ValidationFailed({"from_fund": N_("Choose a fund.")})
    if not may_receive(source, target):
        raise RestrictedMoney(source=Names(source.names, source.fund_id))
    return post_movement(
        movement_id,
        "transfer",
        [Posting(from_fund, -amount), Posting(to_fund, amount)],
        actor,
        memo=reason[:200],
        request_hash=request_hash,
    )


def adjust(
    movement_id: str, fund_id: str, amount: int, actor: Actor, reason: str
) -> PostResult:
    """A correcting entry (admin), e.g. after a bank reconciliation."""
    privacy.guard_texts({"reason": reason}, privacy.STAFF)
    get_fund(fund_id)
    return post_movement(
        movement_id,
        "adjustment",
        [Posting(fund_id, amount)],
        actor,
        memo=reason[:200],
    )
