"""Earmarks stay earmarked: a fund's restriction and purposes (its rules)
change at once only while it is empty. With money in it, a change waits on
the fund (`pending_rules`) until a second person approves it; asking,
approving and cancelling are each audit-logged in the same transaction."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from chalicelib.audit.service import Actor
from chalicelib.errors import N_, Conflict, Forbidden, NotFound
from chalicelib.funds.models import Fund
from chalicelib.funds.service import get_fund
from chalicelib.uow import UnitOfWork


class NoRulesChange(NotFound):
    code = "no_rules_change"
    message = N_("No change of this fund's rules is waiting for approval.")


class OwnRulesChange(Forbidden):
    code = "own_rules_change"
    message = N_("A second person must approve a change you asked for.")


class RulesChangeChanged(Conflict):
    code = "rules_change_changed"
    message = N_("The waiting change of this fund's rules was changed or decided "
                 "meanwhile. Reload the page.")


def rules_of(fund: Fund) -> tuple[bool, frozenset[str]]:
    return bool(fund.restricted), frozenset(fund.purposes or ())


def pending(fund: Fund) -> dict[str, Any] | None:
    """The waiting change: restricted, purposes, requested_by, requested_at."""
    return json.loads(fund.pending_rules) if fund.pending_rules else None


def rule_actions(restricted: bool, purposes: set[str] | frozenset[str]) -> list[Any]:
    return [
        Fund.restricted.set(restricted),
        Fund.purposes.set(set(purposes)) if purposes else Fund.purposes.remove(),
        Fund.pending_rules.remove(),
    ]


def request_actions(restricted: bool, purposes: set[str], actor: Actor) -> list[Any]:
    """The update that leaves a change waiting for a second person."""
    change = {"restricted": restricted, "purposes": sorted(purposes),
              "requested_by": actor.user_id,
              "requested_at": datetime.now(UTC).isoformat(timespec="seconds")}
    return [Fund.pending_rules.set(json.dumps(change, sort_keys=True))]


def _decide(fund_id: str, actor: Actor, action: str) -> Fund:
    fund = get_fund(fund_id)
    change = pending(fund)
    if change is None:
        raise NoRulesChange()
    uow = UnitOfWork(actor, (action, "fund", fund_id))
    if action == "approve_rules_change":
        if change["requested_by"] == actor.user_id:
            raise OwnRulesChange()
        actions = rule_actions(bool(change["restricted"]), set(change["purposes"]))
    else:
        actions = [Fund.pending_rules.remove()]
    uow.update(fund, actions=actions,
               condition=Fund.pending_rules == fund.pending_rules,
               on_fail=RulesChangeChanged())
    uow.commit()
    from chalicelib.funds.admin import forget_cached_funds

    forget_cached_funds()
    return get_fund(fund_id)


def approve(fund_id: str, actor: Actor) -> Fund:
    """Apply the waiting change; never by the person who asked for it."""
    return _decide(fund_id, actor, "approve_rules_change")


def cancel(fund_id: str, actor: Actor) -> Fund:
    """Drop the waiting change (the asker or any second person)."""
    return _decide(fund_id, actor, "cancel_rules_change")


__all__ = ["NoRulesChange", "OwnRulesChange", "RulesChangeChanged", "approve",
           "cancel", "pending", "request_actions", "rule_actions", "rules_of"]
