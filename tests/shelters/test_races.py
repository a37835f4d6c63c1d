"""Many coordinators at once on the last beds: exactly the free number win."""
import threading
from collections import Counter

from chalicelib.audit.service import Actor
from chalicelib.shelters import service
from chalicelib.shelters.service import NoFreeBed, shelter_counts
from tests.shelters.helpers import COORDINATOR, make_shelter


def race(action, count):
    barrier = threading.Barrier(count)
    outcomes: list[str] = []

    def run(index):
        barrier.wait()
        try:
            action(index)
            outcomes.append("ok")
        except NoFreeBed:
            outcomes.append("no_free_bed")
        except Exception as error:  # noqa: BLE001 - reported by the assertion
            outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Counter(outcomes)


def test_twelve_simultaneous_holds_on_three_free_beds_give_exactly_three():
    make_shelter(total=5, occupied=2)

    def hold(index):
        actor = Actor(f"u-coordinator-{index}", ("coordinator",))
        service.place_hold("sh-test", f"K-2025-{index:03d}", 4, actor)

    outcomes = race(hold, 12)
    assert outcomes == Counter({"ok": 3, "no_free_bed": 9})
    counts = shelter_counts(service.get_shelter("sh-test"))
    assert (counts.held, counts.occupied, counts.free) == (3, 2, 0)


def test_checking_in_while_others_hold_the_last_bed_never_overbooks():
    make_shelter(total=2)
    first = service.place_hold("sh-test", "K-2025-001", 4, COORDINATOR)

    def act(index):
        if index == 0:
            service.check_in(first.hold_id, COORDINATOR)
        else:
            service.place_hold("sh-test", f"K-2025-{index:03d}", 4, COORDINATOR)

    outcomes = race(act, 6)
    assert outcomes == Counter({"ok": 2, "no_free_bed": 4})
    counts = shelter_counts(service.get_shelter("sh-test"))
    assert (counts.occupied, counts.held, counts.free) == (1, 1, 0)
