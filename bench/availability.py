"""Availability search over 200 shelters with 1x and 10x the history of holds,
stays and referrals (with their offers and monthly counts), and live
referrals accepted through the service: the DynamoDB request count must not
change (no Scan of history, no referral read) and the time ratio should stay
at or below 1.2.

    .venv/bin/python bench/availability.py
"""
from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import counting_requests, median_seconds, start_stack  # noqa: E402

SHELTERS = 200
REGIONS = ["Oslo", "Akershus", "Vestland", "Rogaland", "Nordland", "Troms", "Agder"]


def build_shelters() -> None:
    from chalicelib.audit.service import SYSTEM
    from chalicelib.shelters import registry

    for number in range(SHELTERS):
        fields = registry.parse_shelter({
            "name": f"Shelter {number:03d}", "kind": "crisis_centre",
            "region": REGIONS[number % len(REGIONS)], "accepts_women": "1",
            "accepts_men": str(number % 2), "children_max": number % 4,
            "languages": "nb en es" if number % 3 else "nb en",
        })
        registry.create_shelter(fields, {"address": "-", "contact": "-"}, 4000,
                                SYSTEM, shelter_id=f"sh-{number:03d}")


def add_history(rounds: int) -> None:
    """Each round: per shelter one finished stay and the hold it came from.
    Written in batches (moto copies every table on each transaction, which
    would make building 2,000 stays take very long); the search under test
    reads only the registry, whatever wrote the history."""
    from chalicelib.shelters.models import Hold, Stay

    start = datetime.now(UTC) - timedelta(days=400)
    for round_number in range(rounds):
        moment = start + timedelta(days=round_number)
        with Hold.batch_write() as holds, Stay.batch_write() as stays:
            for number in range(SHELTERS):
                serial = f"{round_number:03d}{number:03d}"
                code = f"K-2025-{(round_number * SHELTERS + number) % 10000:04d}"
                shelter_id = f"sh-{number:03d}"
                holds.save(Hold(f"H-{serial}", shelter_id=shelter_id,
                                client_code=code, created_at=moment,
                                expires_at=moment + timedelta(hours=4),
                                status="checked_in", created_by="bench",
                                stay_id=f"S-{serial}"))
                stays.save(Stay(f"S-{serial}", shelter_id=shelter_id,
                                client_code=code, hold_id=f"H-{serial}",
                                started_at=moment,
                                ended_at=moment + timedelta(days=2), nights=2))


REFERRALS_PER_ROUND = 40


def add_referral_history(rounds: int, first_round: int = 0) -> None:
    """Each round: answered referrals, three offers each, and their counts
    (batch writes, as for the stays)."""
    from chalicelib.referrals.models import Offer, Referral, ReferralCounts

    start = datetime.now(UTC) - timedelta(days=400)
    for round_number in range(first_round, first_round + rounds):
        moment = start + timedelta(days=round_number)
        month = moment.strftime("%Y-%m")
        with Referral.batch_write() as referrals, Offer.batch_write() as offers:
            for number in range(REFERRALS_PER_ROUND):
                referral_id = f"R-{round_number:03d}{number:03d}"
                ids = [f"sh-{(number + k) % SHELTERS:03d}" for k in range(3)]
                referrals.save(Referral(
                    referral_id, client_code=f"K-2025-{number:04d}", gender="woman",
                    urgency="tonight", shelters=set(ids), status="placed",
                    month=month, created_at=moment, created_by="bench",
                    placed_shelter=ids[0], placed_at=moment))
                for k, shelter_id in enumerate(ids):
                    offers.save(Offer(referral_id, shelter_id,
                                      shelter_kind="crisis_centre", sent_at=moment,
                                      gender="woman", urgency="tonight",
                                      status="accepted" if k == 0 else "withdrawn"))
        ReferralCounts(moment.strftime("%Y"), f"sent#{month}").update(
            actions=[ReferralCounts.number.add(REFERRALS_PER_ROUND)])


def add_live_referrals() -> None:
    """Open referrals and accepted ones through the real service (the
    accepted hold their bed in the shelter's map, as the search reads it)."""
    from chalicelib.audit.service import SYSTEM
    from chalicelib.auth.roles import SHELTER, User
    from chalicelib.referrals import rules, service

    needs = rules.parse_needs({"gender": "woman", "urgency": "tonight"})
    for number in range(5, SHELTERS, 20):
        ids = [f"sh-{number:03d}", f"sh-{number + 1:03d}"]
        referral = service.send_referral(f"K-2026-{number:04d}", needs, ids, SYSTEM)
        if number % 40 == 5:
            partner = User("bench-partner", "p@bench", (SHELTER,), shelters=(ids[0],))
            service.accept(partner, ids[0], referral.referral_id)


def add_live_holds() -> None:
    """A few live holds through the real service, so the search counts them."""
    from chalicelib.audit.service import SYSTEM
    from chalicelib.shelters import service

    for number in range(0, SHELTERS, 10):
        service.place_hold(f"sh-{number:03d}", "K-2025-0001", 4, SYSTEM)


def measure(label: str) -> tuple[int, float]:
    from chalicelib.shelters import search

    need = search.parse_need({"region": "Oslo", "gender": "woman", "language": "es"})
    with counting_requests() as counter:
        results = search.find_beds(need)
    seconds = median_seconds(lambda: search.find_beds(need), repeat=9)
    print(f"{label}: {len(results)} results, {counter.count} DynamoDB requests, "
          f"{seconds * 1000:.1f} ms median")
    return counter.count, seconds


def main() -> None:
    start_stack()
    build_shelters()
    add_live_holds()
    add_live_referrals()
    add_history(1)
    add_referral_history(1)
    requests_1x, time_1x = measure(
        f"1x history (200 stays, {REFERRALS_PER_ROUND} referrals)")
    add_history(9)
    add_referral_history(9, first_round=1)
    requests_10x, time_10x = measure(
        f"10x history (2000 stays, {REFERRALS_PER_ROUND * 10} referrals)")
    ratio = time_10x / time_1x
    print(f"requests 1x={requests_1x} 10x={requests_10x}; time ratio 10x/1x = "
          f"{ratio:.2f} (goal: same requests, ratio <= 1.2)")
    if requests_10x != requests_1x or ratio > 1.2:
        sys.exit(1)


if __name__ == "__main__":
    main()
