"""A hypothesis state machine: holds, expiries, releases, check-ins and
checkouts in any order keep free + held + occupied = total, none negative,
and agree with a simple model of what a coordinator expects."""
from datetime import UTC, datetime, timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from chalicelib.errors import DomainError
from chalicelib.shelters import registry, service
from tests.conftest import reset_tables
from tests.shelters.helpers import COORDINATOR, make_shelter


class BedMachine(RuleBasedStateMachine):
    @initialize()
    def start(self):
        reset_tables()
        self.total = 3
        make_shelter(total=self.total)
        self.now = datetime.now(UTC).replace(microsecond=0)
        # active (maybe expired) holds, in the order placed (ids are random)
        self.holds: dict[str, datetime] = {}
        self.stays: list[str] = []
        self.seq = 0

    def live_holds(self):
        return [h for h, expiry in self.holds.items() if expiry > self.now]

    def expected_free(self):
        return self.total - len(self.stays) - len(self.live_holds())

    @rule(hours=st.integers(1, 3))
    def place_hold(self, hours):
        self.seq += 1
        try:
            hold = service.place_hold("sh-test", f"K-2026-{self.seq:03d}", hours,
                                      COORDINATOR, now=self.now)
        except service.NoFreeBed:
            assert self.expected_free() == 0
            return
        assert self.expected_free() > 0
        self.holds[hold.hold_id] = hold.expires_at

    @rule(minutes=st.sampled_from([10, 59, 60, 61, 120]))
    def time_passes(self, minutes):
        self.now += timedelta(minutes=minutes)

    @precondition(lambda self: self.holds)
    @rule(data=st.data(), check_in=st.booleans())
    def use_a_hold(self, data, check_in):
        hold_id = data.draw(st.sampled_from(list(self.holds)))
        live = self.holds[hold_id] > self.now
        try:
            if check_in:
                stay = service.check_in(hold_id, COORDINATOR, now=self.now)
                self.stays.append(stay.stay_id)
            else:
                service.release_hold(hold_id, COORDINATOR, now=self.now)
        except service.HoldExpired:
            assert not live
        else:
            assert live
        del self.holds[hold_id]

    @precondition(lambda self: self.stays)
    @rule(data=st.data())
    def check_out(self, data):
        stay_id = data.draw(st.sampled_from(self.stays))
        service.check_out(stay_id, COORDINATOR, now=self.now)
        self.stays.remove(stay_id)

    @rule(total=st.integers(0, 5))
    def confirm_counts(self, total):
        occupied = len(self.stays)
        try:
            registry.confirm_counts("sh-test", total, occupied, COORDINATOR,
                                    now=self.now)
        except DomainError:
            assert total < occupied + len(self.live_holds())
            return
        self.total = total

    @invariant()
    def beds_add_up(self):
        counts = service.shelter_counts(service.get_shelter("sh-test"), self.now)
        assert counts.free + counts.held + counts.occupied == counts.total
        assert min(counts.free, counts.held, counts.occupied) >= 0
        assert (counts.held, counts.occupied) == (len(self.live_holds()),
                                                  len(self.stays))


BedMachine.TestCase.settings = settings(
    max_examples=30, stateful_step_count=15, deadline=None)
TestHoldsExpiriesAndStaysKeepTheInvariant = BedMachine.TestCase
