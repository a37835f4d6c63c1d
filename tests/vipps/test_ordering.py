"""Any order and any repetition of Vipps's events, mixed with return-page
checks and reconciliation runs, gives the totals of one clean delivery
(property-based, against moto's DynamoDB and the local test Vipps). Each
example uses its own references, so examples need no table reset."""
from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.donations.crediting import now
from chalicelib.donations.models import Donation
from chalicelib.vipps import payments, webhook
from chalicelib.vipps.reconcile import reconcile
from tests.donations.conftest import balance
from tests.vipps.conftest import webhook_event

RUNS = itertools.count()
PAID, ABORTED = 300_00, 120_00


def pending(reference: str, amount: int) -> None:
    Donation(reference, version=1, status="pending", credited=False, amount=amount,
             currency="NOK", channel="vipps", frequency="once", fund_id="general",
             lang="en", vipps_open="open",
             opened_at=now().isoformat(timespec="seconds")).save()


def steps(paid: str, aborted: str) -> list[tuple[str, object]]:
    """What can happen to a paid and an aborted payment, in any order."""
    def event(reference, name, value):
        return ("event", webhook_event(reference, name, value, psp=f"p-{name}"))

    return [event(paid, "CREATED", PAID), event(paid, "AUTHORIZED", PAID),
            event(paid, "CAPTURED", PAID), event(aborted, "CREATED", ABORTED),
            event(aborted, "ABORTED", ABORTED), ("return page", paid),
            ("return page", aborted), ("reconcile", None)]


def run(local_vipps, order: list[int] | None) -> dict:
    tag = next(RUNS)
    paid, aborted = f"gave-paid-{tag:06d}", f"gave-aborted-{tag:06d}"
    for reference, amount in ((paid, PAID), (aborted, ABORTED)):
        pending(reference, amount)
        local_vipps.payments[reference] = {"state": "CREATED", "amount": amount,
                                           "captured": 0}
    local_vipps.approve(paid)  # the donors acted before anything arrived
    local_vipps.end(aborted, "ABORTED")
    before = balance("general")
    actions = steps(paid, aborted)
    for index in range(len(actions)) if order is None else order:
        kind, what = actions[index]
        if kind == "event":
            webhook.handle(what)  # type: ignore[arg-type]
        elif kind == "return page":
            payments.confirm(str(what))
        else:
            reconcile(datetime.now(UTC) + timedelta(minutes=16))
    captures = [k for k in local_vipps.capture_keys if k.endswith(f"{tag:06d}")]
    return {"fund": balance("general") - before, "captures": len(captures),
            "donations": [(d.status, bool(d.credited), int(d.amount)) for d in
                          (Donation.get(paid), Donation.get(aborted))]}


def test_one_clean_delivery_credits_the_paid_gift_and_closes_the_aborted(
        funds, local_vipps):
    assert run(local_vipps, None) == {
        "fund": PAID, "captures": 1,
        "donations": [("credited", True, PAID), ("aborted", False, ABORTED)]}


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_shuffled_and_repeated_steps_give_the_clean_totals(funds, local_vipps, data):
    size = len(steps("a", "b"))
    counts = data.draw(st.lists(st.integers(1, 3), min_size=size, max_size=size))
    order = data.draw(st.permutations(
        [i for i, count in enumerate(counts) for _ in range(count)]))
    result = run(local_vipps, order)
    assert result["fund"] == PAID
    assert result["donations"] == [("credited", True, PAID),
                                   ("aborted", False, ABORTED)]
    assert result["captures"] <= 1  # a CAPTURED event first needs no capture
