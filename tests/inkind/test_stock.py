"""Stock per item and location, moved only by recorded movements."""
from __future__ import annotations

import threading

import pytest

from chalicelib.errors import ValidationFailed
from chalicelib.inkind import service, stock
from chalicelib.inkind.catalogue import ItemExpired, UnknownItem
from chalicelib.inkind.stock import InsufficientStock
from tests.inkind.helpers import (
    STAFF,
    add_items,
    movement_count,
    receive,
    sum_of_movements,
)


@pytest.fixture(autouse=True)
def items():
    add_items()


def test_received_gifts_show_up_per_item_and_location():
    receive("hygiene-pack", 40, "office")
    receive("hygiene-pack", 5, "storage")
    assert stock.quantity("hygiene-pack", "office") == 40
    assert stock.quantity("hygiene-pack", "storage") == 5
    line = next(x for x in stock.stock_overview() if x.item.item_id == "hygiene-pack")
    assert line.total == 45 and not line.low


def test_a_distribution_larger_than_the_stock_is_refused_and_writes_nothing():
    receive("hygiene-pack", 3)
    before = movement_count()
    with pytest.raises(InsufficientStock) as refused:
        service.distribute("d-1", "hygiene-pack", 4, "office", STAFF,
                           shelter_id="crisis-centre-oslo")
    assert refused.value.code == "insufficient_stock" and refused.value.status == 409
    assert refused.value.params["available"] == 3
    assert stock.quantity("hygiene-pack", "office") == 3
    assert movement_count() == before


def test_stock_at_another_location_does_not_count_for_a_distribution():
    receive("hygiene-pack", 10, "storage")
    with pytest.raises(InsufficientStock):
        service.distribute("d-1", "hygiene-pack", 1, "office", STAFF,
                           client_code="K-2025-031")


def test_the_same_distribution_sent_twice_takes_the_items_once():
    receive("hygiene-pack", 10)
    first = service.distribute("d-1", "hygiene-pack", 4, "office", STAFF,
                               client_code="K-2025-031")
    again = service.distribute("d-1", "hygiene-pack", 4, "office", STAFF,
                               client_code="K-2025-031")
    assert first.created and not again.created
    assert stock.quantity("hygiene-pack", "office") == 6


def test_concurrent_distributions_of_the_last_items_give_out_exactly_the_stock():
    receive("hygiene-pack", 5)
    outcomes: list[str] = []
    lock = threading.Lock()

    def give(n: int) -> None:
        try:
            service.distribute(f"d-race-{n}", "hygiene-pack", 1, "office", STAFF,
                               shelter_id="crisis-centre-oslo")
            result = "ok"
        except InsufficientStock:
            result = "refused"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=give, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 5
    assert outcomes.count("refused") == 7
    assert stock.quantity("hygiene-pack", "office") == 0
    assert sum_of_movements().get(("hygiene-pack", "office"), 0) == 0


@pytest.mark.parametrize("quantity", [0, -3, "2.5", "", None, True])
def test_zero_negative_or_odd_quantities_are_refused_and_nothing_is_written(quantity):
    receive("hygiene-pack", 10)
    before = movement_count()
    with pytest.raises(ValidationFailed) as refused:
        service.distribute("d-1", "hygiene-pack", quantity, "office", STAFF,
                           client_code="K-2025-031")
    assert "quantity" in refused.value.fields
    with pytest.raises(ValidationFailed):
        receive("soap", quantity)
    assert movement_count() == before


def test_unknown_items_are_refused():
    with pytest.raises(UnknownItem):
        receive("gold-bars", 1)
    with pytest.raises(UnknownItem):
        service.distribute("d-1", "gold-bars", 1, "office", STAFF,
                           client_code="K-2025-031")
    assert movement_count() == 0


def test_expired_tickets_cannot_be_given_out():
    receive("old-ticket", 4)
    with pytest.raises(ItemExpired) as refused:
        service.distribute("d-1", "old-ticket", 1, "office", STAFF,
                           client_code="K-2025-031")
    assert refused.value.status == 409
    assert stock.quantity("old-ticket", "office") == 4


def test_a_distribution_needs_exactly_one_well_formed_recipient():
    receive("hygiene-pack", 10)
    for recipient in ({}, {"client_code": "K-2025-031", "shelter_id": "oslo"},
                      {"client_code": "Maria Olsen"}, {"shelter_id": "Oslo krisesenter!"}):
        with pytest.raises(ValidationFailed):
            service.distribute("d-1", "hygiene-pack", 1, "office", STAFF, **recipient)
    assert stock.quantity("hygiene-pack", "office") == 10


def test_tickets_to_a_client_count_accompanying_children():
    from datetime import UTC, datetime

    from chalicelib.inkind.models import YearTotal

    receive("festival-ticket", 6)
    service.distribute("d-1", "festival-ticket", 3, "office", STAFF,
                       client_code="K-2025-031", children=2)
    total = YearTotal.get(str(datetime.now(UTC).year), "festival-ticket")
    assert (total.distributed, total.people) == (3, 3)
    with pytest.raises(ValidationFailed):
        service.distribute("d-2", "festival-ticket", 1, "office", STAFF,
                           shelter_id="crisis-centre-oslo", children=1)


def test_assembling_kits_uses_up_their_items():
    receive("soap", 5, "storage")
    receive("towel", 3, "storage")
    service.assemble_kits("a-1", "welcome-bag", 2, "storage", STAFF)
    assert stock.quantity("welcome-bag", "storage") == 2
    assert stock.quantity("soap", "storage") == 1
    assert stock.quantity("towel", "storage") == 1
    with pytest.raises(InsufficientStock):
        service.assemble_kits("a-2", "welcome-bag", 1, "storage", STAFF)
    assert stock.quantity("welcome-bag", "storage") == 2


def test_transfers_move_units_and_write_offs_need_a_reason():
    receive("hygiene-pack", 10, "storage")
    service.transfer("t-1", "hygiene-pack", 4, "storage", "office", STAFF)
    assert stock.quantity("hygiene-pack", "office") == 4
    assert stock.quantity("hygiene-pack", "storage") == 6
    with pytest.raises(ValidationFailed):
        service.write_off("w-1", "hygiene-pack", 1, "office", "  ", STAFF)
    service.write_off("w-1", "hygiene-pack", 1, "office", "Water damage", STAFF)
    assert stock.quantity("hygiene-pack", "office") == 3
    with pytest.raises(InsufficientStock):
        service.transfer("t-2", "hygiene-pack", 7, "storage", "office", STAFF)


def test_an_item_at_or_below_its_threshold_is_flagged_low():
    receive("hygiene-pack", 5)
    line = next(x for x in stock.stock_overview() if x.item.item_id == "hygiene-pack")
    assert line.low
