"""Racing accepts of one referral: exactly one shelter wins, every other
answer is "already placed", and exactly one bed is held."""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections import Counter

from chalicelib.auth.roles import SHELTER
from chalicelib.referrals import service
from chalicelib.referrals.service import AlreadyPlaced
from chalicelib.shelters import service as beds
from tests.conftest import token_for
from tests.referrals.helpers import SHELTERS, make_shelters, partner, refer


def race(action, count: int) -> Counter:
    barrier = threading.Barrier(count)
    outcomes: list[str] = []

    def run(index: int) -> None:
        barrier.wait()
        try:
            outcomes.append(action(index))
        except AlreadyPlaced:
            outcomes.append("already_placed")
        except Exception as error:  # noqa: BLE001 - reported by the assertion
            outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Counter(outcomes)


def held_in_total() -> int:
    return sum(beds.shelter_counts(beds.get_shelter(s)).held for s in SHELTERS)


def test_nine_partners_of_three_shelters_accepting_at_once_place_the_person_once():
    make_shelters()
    referral = refer()

    def accept(index: int) -> str:
        shelter_id = SHELTERS[index % 3]
        service.accept(partner(shelter_id, f"u-{index}"), shelter_id,
                       referral.referral_id)
        return "placed"

    outcomes = race(accept, 9)
    assert outcomes == Counter({"placed": 1, "already_placed": 8})
    placed = service.get_referral(referral.referral_id)
    assert placed.status == "placed" and held_in_total() == 1
    statuses = Counter(o.status for o in service.offers_of(referral.referral_id))
    assert statuses == Counter({"accepted": 1, "withdrawn": 2})


def test_an_accept_racing_a_decline_of_the_same_referral_keeps_both_consistent():
    make_shelters()
    referral = refer()

    def answer(index: int) -> str:
        shelter_id = SHELTERS[index]
        user = partner(shelter_id)
        if index == 0:
            service.accept(user, shelter_id, referral.referral_id)
            return "placed"
        service.decline(user, shelter_id, referral.referral_id, "no_bed")
        return "declined"

    outcomes = race(answer, 3)
    placed = service.get_referral(referral.referral_id)
    assert outcomes["placed"] == 1 and placed.status == "placed"
    statuses = Counter(o.status for o in service.offers_of(referral.referral_id))
    assert statuses["accepted"] == 1
    assert statuses["declined"] == outcomes["declined"]
    assert statuses["withdrawn"] == outcomes["already_placed"]
    assert held_in_total() == 1


def test_racing_accepts_over_http_give_one_200_and_409_already_placed_to_the_rest(
        live_server):
    make_shelters()
    referral = refer()
    tokens = [token_for(SHELTER, f"u-{i}", [SHELTERS[i % 3]]) for i in range(6)]

    def accept(index: int) -> str:
        shelter_id = SHELTERS[index % 3]
        request = urllib.request.Request(
            f"{live_server}/api/partner/shelters/{shelter_id}/referrals/"
            f"{referral.referral_id}/accept", method="POST", data=b"",
            headers={"Authorization": f"Bearer {tokens[index]}"})
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return str(answer.status)
        except urllib.error.HTTPError as error:
            return f"{error.code} {json.loads(error.read())['error']['code']}"

    outcomes = race(accept, 6)
    assert outcomes == Counter({"200": 1, "409 already_placed": 5})
    assert held_in_total() == 1
