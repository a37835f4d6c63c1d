"""Accepting a referral under the failures real DynamoDB answers (through
the fault-injecting proxy of tests/faults): the placement happens once."""
from __future__ import annotations

import threading
from collections import Counter

import pytest

from chalicelib.audit.models import AuditEntry
from chalicelib.referrals import service
from chalicelib.referrals.service import AlreadyPlaced
from chalicelib.shelters import service as beds
from tests.faults.proxy import fault_proxy
from tests.referrals.helpers import SHELTERS, make_shelters, partner, refer


@pytest.fixture
def faults(monkeypatch):
    monkeypatch.setenv("DB_RETRY_BUDGET_MS", "4000")
    with fault_proxy() as proxy:
        yield proxy


def accepts_audited() -> int:
    return sum(1 for e in AuditEntry.scan() if e.action == "accept")


def test_an_accept_meeting_a_transaction_conflict_is_tried_again_and_places_once(
        faults):
    make_shelters()
    referral = refer()
    faults.fail("TransactWriteItems", "TransactionConflict", times=2)
    placed = service.accept(partner("sh-a"), "sh-a", referral.referral_id)
    assert placed.status == "placed" and placed.placed_shelter == "sh-a"
    assert beds.shelter_counts(beds.get_shelter("sh-a")).held == 1
    assert accepts_audited() == 1


@pytest.mark.parametrize("fault", ["drop_after_commit", "error_after_commit"])
def test_an_accept_whose_answer_is_lost_after_commit_is_answered_as_placed_once(
        faults, fault):
    make_shelters()
    referral = refer()
    faults.fail("TransactWriteItems", fault)
    placed = service.accept(partner("sh-b"), "sh-b", referral.referral_id)
    assert placed.status == "placed" and placed.placed_shelter == "sh-b"
    assert beds.shelter_counts(beds.get_shelter("sh-b")).held == 1
    assert accepts_audited() == 1


def test_racing_accepts_through_conflicts_and_throttling_still_place_once(faults):
    import random

    make_shelters()
    referral = refer()
    faults.chaos(random.Random(17), rate=0.1)
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def run(index: int) -> None:
        shelter_id = SHELTERS[index % 3]
        barrier.wait()
        try:
            service.accept(partner(shelter_id, f"u-{index}"), shelter_id,
                           referral.referral_id)
            outcomes.append("placed")
        except AlreadyPlaced:
            outcomes.append("already_placed")
        except Exception as error:  # noqa: BLE001 - reported by the assertion
            outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    faults.calm()
    counted = Counter(outcomes)
    assert counted["placed"] == 1, counted
    assert set(counted) <= {"placed", "already_placed", "Busy"}, counted
    held = sum(beds.shelter_counts(beds.get_shelter(s)).held for s in SHELTERS)
    assert held == 1 and accepts_audited() == 1
