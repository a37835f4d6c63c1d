"""Holds, check-ins and checkouts through the service, against moto."""
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.shelters import registry, service
from chalicelib.shelters.service import (
    HoldExpired,
    HoldNotActive,
    NoFreeBed,
    StayEnded,
    shelter_counts,
)
from tests.shelters.helpers import COORDINATOR, make_shelter


def counts(shelter_id, now=None):
    return shelter_counts(service.get_shelter(shelter_id), now)


def test_a_hold_takes_a_free_bed_and_releasing_gives_it_back():
    make_shelter(total=2)
    hold = service.place_hold("sh-test", "K-2025-031", 4, COORDINATOR)
    assert (counts("sh-test").free, counts("sh-test").held) == (1, 1)
    service.release_hold(hold.hold_id, COORDINATOR)
    assert (counts("sh-test").free, counts("sh-test").held) == (2, 0)


def test_an_expired_hold_frees_its_bed_without_any_clean_up():
    make_shelter(total=1)
    service.place_hold("sh-test", "K-2025-031", 1, COORDINATOR)
    later = datetime.now(UTC) + timedelta(hours=1, minutes=1)
    assert counts("sh-test", later).free == 1
    hold = service.place_hold("sh-test", "K-2025-032", 2, COORDINATOR, now=later)
    assert hold.client_code == "K-2025-032"


def test_a_full_shelter_refuses_a_hold_with_no_free_bed():
    make_shelter(total=1)
    service.place_hold("sh-test", "K-2025-031", 4, COORDINATOR)
    with pytest.raises(NoFreeBed):
        service.place_hold("sh-test", "K-2025-032", 4, COORDINATOR)
    assert counts("sh-test").free == 0


def test_check_in_turns_the_hold_into_a_stay_and_checkout_frees_the_bed():
    make_shelter(total=2)
    hold = service.place_hold("sh-test", "K-2025-031", 4, COORDINATOR)
    stay = service.check_in(hold.hold_id, COORDINATOR)
    c = counts("sh-test")
    assert (c.occupied, c.held, c.free) == (1, 0, 1)
    service.check_out(stay.stay_id, COORDINATOR)
    assert counts("sh-test").free == 2
    with pytest.raises(StayEnded):
        service.check_out(stay.stay_id, COORDINATOR)


def test_an_expired_or_released_hold_cannot_be_checked_in():
    make_shelter(total=2)
    expired = service.place_hold("sh-test", "K-2025-031", 1, COORDINATOR)
    with pytest.raises(HoldExpired):
        service.check_in(expired.hold_id, COORDINATOR,
                         now=datetime.now(UTC) + timedelta(hours=2))
    released = service.place_hold("sh-test", "K-2025-032", 1, COORDINATOR)
    service.release_hold(released.hold_id, COORDINATOR)
    with pytest.raises(HoldNotActive):
        service.check_in(released.hold_id, COORDINATOR)
    assert counts("sh-test").occupied == 0


def test_the_same_request_key_places_one_hold_only():
    make_shelter(total=3)
    first = service.place_hold("sh-test", "K-2025-031", 4, COORDINATOR,
                               request_key="abc")
    again = service.place_hold("sh-test", "K-2025-031", 4, COORDINATOR,
                               request_key="abc")
    assert first.hold_id == again.hold_id
    assert counts("sh-test").held == 1


def test_checkout_adds_bed_nights_per_month_of_the_stay():
    make_shelter(total=2, kind="specialised")
    start = datetime(2026, 1, 30, 20, tzinfo=UTC)
    hold = service.place_hold("sh-test", "K-2025-031", 4, COORDINATOR, now=start)
    stay = service.check_in(hold.hold_id, COORDINATOR, now=start)
    service.check_out(stay.stay_id, COORDINATOR, now=datetime(2026, 2, 3, 9,
                                                               tzinfo=UTC))
    from chalicelib.shelters.search import bed_nights

    stats = bed_nights(2026)
    assert stats["by_shelter"]["sh-test"] == {"2026-01": 2, "2026-02": 2}
    assert stats["by_type"]["specialised"] == {"2026-01": 2, "2026-02": 2}


def test_counts_cannot_be_confirmed_below_what_is_held_or_occupied():
    make_shelter(total=3)
    hold = service.place_hold("sh-test", "K-2025-031", 4, COORDINATOR)
    service.check_in(hold.hold_id, COORDINATOR)
    service.place_hold("sh-test", "K-2025-032", 4, COORDINATOR)
    with pytest.raises(registry.CountsBelowCommitments):
        registry.confirm_counts("sh-test", 3, 0, COORDINATOR)
    with pytest.raises(registry.CountsBelowCommitments):
        registry.confirm_counts("sh-test", 1, 1, COORDINATOR)
    c = counts("sh-test")
    assert (c.total, c.occupied, c.held) == (3, 1, 1)


def test_the_summary_counts_free_beds_by_region_and_holds_expiring_soon():
    make_shelter("sh-oslo", total=3, region="Oslo", kind="emergency_room")
    make_shelter("sh-bodo", total=2, region="Nordland", confirm=False)
    service.place_hold("sh-oslo", "K-2025-031", 1, COORDINATOR)
    service.place_hold("sh-oslo", "K-2025-032", 24, COORDINATOR)
    from chalicelib.shelters.search import beds_tonight_summary

    summary = beds_tonight_summary()
    assert summary["free_by_region"] == {"oslo": 1, "nordland": 2}
    assert summary["free_by_region_and_type"]["oslo"] == {"emergency_room": 1}
    assert (summary["stale_shelters"], summary["holds_expiring_within_2h"]) == (1, 1)
    later = beds_tonight_summary(datetime.now(UTC) + timedelta(hours=2))
    assert later["free_by_region"]["oslo"] == 2
