"""Demo shelters from the annual report, with invented addresses and
contacts, confirmed counts and a few holds and stays (client codes only)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.audit.service import SYSTEM
from chalicelib.shelters import registry, service
from chalicelib.shelters.models import Shelter

# id, name, organisation, kind, region, municipality, total, occupied,
# (women, men, trans), children, wheelchair, languages, asylum, max days
SHELTERS = [
    ("oslo-akutt-1", "Oslo Krisesenter, akuttrom 1", "Oslo Krisesenter",
     "emergency_room", "oslo", "Oslo", 1, 0, (1, 1, 1), 0, 1, "nb en es", 1, 14),
    ("oslo-akutt-2", "Oslo Krisesenter, akuttrom 2", "Oslo Krisesenter",
     "emergency_room", "oslo", "Oslo", 1, 0, (1, 1, 1), 1, 0, "nb en pt", 1, 14),
    ("lauras-hus", "Lauras Hus", "Kirkens Bymisjon", "specialised", "oslo",
     "Oslo", 8, 5, (1, 0, 1), 2, 0, "nb en es ro", 1, 180),
    ("marita-women", "Marita Women", "Maritastiftelsen", "specialised", "oslo",
     "Oslo", 6, 4, (1, 0, 1), 0, 0, "nb en es pt", 0, 120),
    ("safe-house-filemon", "Safe House Filemon", "Frelsesarmeen", "specialised",
     "oslo", "Oslo", 10, 7, (0, 1, 0), 0, 1, "nb en ro vi", 1, 180),
    ("treff-mottak", "Treff Mottak", "The help centre", "asylum_reception",
     "akershus", "Lillestrøm", 12, 11, (1, 1, 1), 3, 1, "nb en es vi", 1, None),
    ("nav-flat-grunerlokka", "NAV-leilighet Grünerløkka", "NAV Grünerløkka",
     "flat", "oslo", "Oslo", 4, 2, (1, 1, 1), 3, 0, "nb en", 1, 90),
    ("krisesenter-bergen", "Bergen Krisesenter", "Bergen Krisesenter",
     "crisis_centre", "vestland", "Bergen", 9, 6, (1, 1, 1), 2, 1, "nb en es", 1, 60),
    ("krisesenter-stavanger", "Krisesenteret i Stavanger", "Krisesenteret i Stavanger",
     "crisis_centre", "rogaland", "Stavanger", 7, 7, (1, 1, 0), 2, 1, "nb en", 1, 60),
    ("krisesenter-salten", "Krisesenteret i Salten", "Krisesenteret i Salten",
     "crisis_centre", "nordland", "Bodø", 5, 2, (1, 1, 1), 2, 0, "nb en", 1, 60),
]
HOLDS = [("lauras-hus", "K-2025-031", 3), ("krisesenter-bergen", "K-2025-044", 30)]
STAYS = [("marita-women", "K-2025-012", 20), ("safe-house-filemon", "K-2025-027", 9)]


def _fields(row) -> dict:
    (_, name, org, kind, region, municipality, _total, _occ, (women, men, trans),
     children, wheelchair, languages, asylum, max_days) = row
    return registry.parse_shelter({
        "name": name, "organisation": org, "kind": kind, "region": region,
        "municipality": municipality, "accepts_women": women, "accepts_men": men,
        "accepts_trans": trans, "children_max": children, "wheelchair": wheelchair,
        "languages": languages, "asylum": asylum, "max_stay_days": max_days,
    })


def load() -> None:
    now = datetime.now(UTC)
    for number, row in enumerate(SHELTERS, start=1):
        shelter_id, total, occupied = row[0], row[6], row[7]
        try:
            Shelter.get(shelter_id)
            continue  # loaded before: leave live state alone
        except Shelter.DoesNotExist:
            pass
        postcode = 1000 + number * 111
        secret = {"address": f"Demoveien {number * 7}, {postcode} (invented)",
                  "contact": f"+47 400 00 {number:03d} (invented)"}
        registry.create_shelter(_fields(row), secret, total, SYSTEM, shelter_id)
        # Stavanger confirmed two days ago: the board flags it as stale.
        when = now - timedelta(days=2) if "stavanger" in shelter_id else now
        registry.confirm_counts(shelter_id, total, occupied, SYSTEM, now=when)
    for shelter_id, code, hours in HOLDS:
        service.place_hold(shelter_id, code, hours, SYSTEM, request_key=f"demo-{code}")
    for shelter_id, code, days in STAYS:
        start = now - timedelta(days=days)
        hold = service.place_hold(shelter_id, code, 4, SYSTEM, now=start,
                                  request_key=f"demo-{code}")
        if service.hold_state(hold, start) == "active":
            service.check_in(hold.hold_id, SYSTEM, now=start)
