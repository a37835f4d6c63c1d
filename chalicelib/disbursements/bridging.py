"""Bridging: the date the welfare office is expected to pay a client, so
staff see who is being bridged with emergency money until then."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import NamedTuple

from chalicelib.audit.service import Actor, record
from chalicelib.core.clock import oslo_date
from chalicelib.disbursements.models import Bridging
from chalicelib.disbursements.service import check_client_code, client_total_30_days
from chalicelib.errors import N_, ValidationFailed


class Bridged(NamedTuple):
    client_code: str
    expected_payout: str
    days_left: int
    paid_30_days: int  # øre


def set_payout_date(client_code: str, payout: str, actor: Actor) -> Bridging:
    code = check_client_code(client_code)
    try:
        day = date.fromisoformat(payout.strip())
    except ValueError:
        raise ValidationFailed(
            {"expected_payout": N_("Give a date as YYYY-MM-DD.")}
        ) from None
    item = Bridging(
        code,
        expected_payout=day.isoformat(),
        updated_by=actor.user_id,
        updated_at=datetime.now(UTC),
    )
    item.save()
    record(actor, "update", "client", code)
    return item


def payout_date(client_code: str) -> str | None:
    try:
        return str(Bridging.get(client_code).expected_payout)
    except Bridging.DoesNotExist:
        return None


def bridged_now(actor: Actor, today: date | None = None) -> list[Bridged]:
    """Clients whose welfare payout is still to come, soonest first. Each
    client shown is audit-logged. The table holds a few dozen items."""
    today = today or oslo_date()
    rows = []
    for item in Bridging.scan():
        payout = date.fromisoformat(item.expected_payout)
        if payout >= today:
            record(actor, "read", "client", item.client_code)
            rows.append(
                Bridged(
                    item.client_code,
                    item.expected_payout,
                    (payout - today).days,
                    client_total_30_days(item.client_code),
                )
            )
    return sorted(rows, key=lambda row: (row.expected_payout, row.client_code))
