"""Whatever staff do, stock equals the sum of the movements and never goes
below zero (a hypothesis state machine against moto)."""
from __future__ import annotations

import itertools

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from chalicelib.inkind import service, stock
from chalicelib.inkind.models import StockMovement, YearTotal
from chalicelib.inkind.stock import InsufficientStock
from tests.inkind.helpers import STAFF, add_items, receive, sum_of_movements

ITEMS = st.sampled_from(["soap", "towel", "hygiene-pack"])
LOCATIONS = st.sampled_from(["office", "storage"])
COUNTS = st.integers(min_value=1, max_value=6)
ids = itertools.count()


class StockMachine(RuleBasedStateMachine):
    @initialize()
    def empty_catalogue(self):
        for model in (stock.Stock, StockMovement, YearTotal):  # only this area's
            with model.batch_write() as batch:
                for row in model.scan():
                    batch.delete(row)
        add_items()
        self.expected: dict[tuple[str, str], int] = {}

    def _add(self, item, location, delta):
        key = (item, location)
        self.expected[key] = self.expected.get(key, 0) + delta

    @rule(item=ITEMS, location=LOCATIONS, count=COUNTS)
    def receive_gifts(self, item, location, count):
        receive(item, count, location, receipt_id=f"r-{next(ids)}")
        self._add(item, location, count)

    @rule(item=ITEMS, location=LOCATIONS, count=COUNTS)
    def distribute(self, item, location, count):
        enough = self.expected.get((item, location), 0) >= count
        try:
            service.distribute(f"d-{next(ids)}", item, count, location, STAFF,
                               shelter_id="crisis-centre-oslo")
        except InsufficientStock:
            assert not enough
            return
        assert enough
        self._add(item, location, -count)

    @rule(item=ITEMS, count=COUNTS, source=LOCATIONS, to=LOCATIONS)
    def transfer(self, item, count, source, to):
        if source == to:
            return
        try:
            service.transfer(f"t-{next(ids)}", item, count, source, to, STAFF)
        except InsufficientStock:
            assert self.expected.get((item, source), 0) < count
            return
        self._add(item, source, -count)
        self._add(item, to, count)

    @rule(count=st.integers(min_value=1, max_value=3), location=LOCATIONS)
    def assemble(self, count, location):
        try:
            service.assemble_kits(f"a-{next(ids)}", "welcome-bag", count, location,
                                  STAFF)
        except InsufficientStock:
            assert (self.expected.get(("soap", location), 0) < 2 * count
                    or self.expected.get(("towel", location), 0) < count)
            return
        self._add("soap", location, -2 * count)
        self._add("towel", location, -count)
        self._add("welcome-bag", location, count)

    @invariant()
    def stock_is_the_sum_of_movements_and_never_negative(self):
        if not hasattr(self, "expected"):
            return
        rows = {(r.item_id, r.location): int(r.quantity) for r in stock.Stock.scan()}
        assert all(quantity >= 0 for quantity in rows.values())
        nonzero = {k: v for k, v in rows.items() if v}
        assert nonzero == sum_of_movements()
        assert nonzero == {k: v for k, v in self.expected.items() if v}


StockMachine.TestCase.settings = settings(
    max_examples=25, stateful_step_count=8, deadline=None,
    suppress_health_check=list(HealthCheck),
)
test_stock_equals_the_sum_of_movements = StockMachine.TestCase
