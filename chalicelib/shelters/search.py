"""Reading maintained state: "a bed tonight" search, the summary for the
allocation view and bed-night statistics. None of it reads hold or stay
history, so its cost does not grow with the years."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.core import vocabulary
from chalicelib.errors import N_, ValidationFailed
from chalicelib.shelters import rules
from chalicelib.shelters.models import COUNTS_BOARD, BedNights, Shelter, counts_key
from chalicelib.shelters.registry import list_shelters
from chalicelib.shelters.service import holds_map
from chalicelib.shelters.settings import counts_fresh_for

EXPIRING_WITHIN = timedelta(hours=2)


def parse_need(query: dict[str, str]) -> rules.Need:
    """Search filters from a query string; bad values are named, not guessed."""
    errors: dict[str, str] = {}
    gender = query.get("gender") or None
    if gender and gender not in rules.GENDERS:
        errors["gender"] = N_("Choose woman, man or trans.")
    children = 0
    if query.get("children"):
        try:
            children = int(query["children"])
        except ValueError:
            children = -1
        if not 0 <= children <= 20:
            errors["children"] = rules.BAD_NUMBER
    region = vocabulary.find_county(query.get("region"))
    if query.get("region", "").strip() and region is None:
        errors["region"] = vocabulary.BAD_COUNTY
    language = vocabulary.find_language(query.get("language"))
    if query.get("language", "").strip() and language is None:
        errors["language"] = vocabulary.BAD_LANGUAGE
    if errors:
        raise ValidationFailed(fields=errors)
    return rules.Need(
        region=region,
        gender=gender,
        children=max(children, 0),
        wheelchair=query.get("wheelchair") in ("1", "true", "on", "yes"),
        language=language,
        asylum=query.get("asylum") in ("1", "true", "on", "yes"),
    )


def region_of(shelter: Shelter) -> vocabulary.Region:
    """The shelter's county today (an old county read by its municipality)."""
    return vocabulary.county_of(shelter.region, shelter.municipality)


def criteria_of(shelter: Shelter) -> rules.Criteria:
    accepts = {gender for gender, flag in (
        ("woman", shelter.accepts_women), ("man", shelter.accepts_men),
        ("trans", shelter.accepts_trans)) if flag}
    return rules.Criteria(
        regions=frozenset(region_of(shelter).candidates), accepts=frozenset(accepts),
        children_max=int(shelter.children_max or 0), wheelchair=shelter.wheelchair,
        languages=frozenset(shelter.languages or ()), asylum=shelter.asylum)


def availability_row(shelter: Shelter, now: datetime) -> dict[str, Any]:
    """What the board and the API show of a shelter: never its address. A
    count older than the setting is unknown: `free` is None, `last_free`
    what the old count and today's holds would leave."""
    counts = rules.counts(shelter.total, shelter.occupied, holds_map(shelter), now)
    stale = rules.is_stale(shelter.confirmed_at, now, counts_fresh_for())
    return {
        "shelter_id": shelter.shelter_id, "name": shelter.name,
        "organisation": shelter.organisation, "type": shelter.kind,
        **_region_fields(region_of(shelter)), "municipality": shelter.municipality,
        "total": counts.total, "occupied": counts.occupied, "held": counts.held,
        "free": None if stale else counts.free, "last_free": counts.free,
        "confirmed_at": shelter.confirmed_at.isoformat() if shelter.confirmed_at
        else None,
        "stale": stale,
        "children_max": int(shelter.children_max or 0),
        "wheelchair": shelter.wheelchair, "asylum": shelter.asylum,
        "languages": sorted(shelter.languages or ()),
        "accepts": sorted(criteria_of(shelter).accepts),
        "max_stay_days": shelter.max_stay_days,
    }


def _region_fields(region: vocabulary.Region) -> dict[str, Any]:
    # An old county not yet placed keeps what was stored, flagged.
    return {"region": region.code or region.shown, "region_name": region.shown,
            "region_outdated": region.needs_update}


def find_beds(need: rules.Need, now: datetime | None = None) -> list[dict[str, Any]]:
    """Shelters that meet the hard needs, those with a free bed first, then
    by fit (region, language, fresh counts) and by the number of free beds."""
    moment = now or datetime.now(UTC)
    results = []
    for shelter in list_shelters():
        criteria = criteria_of(shelter)
        if rules.unmet_requirements(need, criteria):
            continue
        row = availability_row(shelter, moment)
        row["score"] = rules.fit_score(need, criteria, row["stale"])
        row["matches"] = {
            "region": bool(need.region) and need.region in criteria.regions,
            "language": bool(need.language) and need.language in criteria.languages,
        }
        results.append(row)
    results.sort(key=lambda r: (*rules.board_order(r["free"], r["score"]), r["name"]))
    return results


def beds_tonight_summary(now: datetime | None = None) -> dict[str, Any]:
    """Free beds by region and shelter type, shelters with stale counts, and
    holds expiring within two hours; from the registry's maintained state."""
    moment = now or datetime.now(UTC)
    soon = (moment + EXPIRING_WITHIN).timestamp()
    by_region: dict[str, dict[str, int]] = {}
    stale = expiring = 0
    for shelter in list_shelters():
        holds = rules.active_holds(holds_map(shelter), moment)
        free = max(int(shelter.total - shelter.occupied) - len(holds), 0)
        place = region_of(shelter)
        region = by_region.setdefault(place.code or place.shown, {})
        region[shelter.kind] = region.get(shelter.kind, 0) + free
        stale += rules.is_stale(shelter.confirmed_at, moment, counts_fresh_for())
        expiring += sum(1 for expiry in holds.values() if expiry <= soon)
    return {
        "generated_at": moment.isoformat(),
        "free_by_region": {r: sum(kinds.values()) for r, kinds in by_region.items()},
        "free_by_region_and_type": by_region,
        "free_total": sum(sum(kinds.values()) for kinds in by_region.values()),
        "stale_shelters": stale,
        "holds_expiring_within_2h": expiring,
    }


def count_stale(limit: int, now: datetime | None = None) -> int:
    """Shelters whose counts are unknown (never or too long ago confirmed),
    up to `limit`: one COUNT query on the counts-age index (the menu badge)."""
    cutoff = (now or datetime.now(UTC)) - counts_fresh_for()
    return int(Shelter.by_counts_age.count(
        COUNTS_BOARD, range_key_condition=Shelter.counts_at < counts_key(cutoff),
        limit=limit))


def bed_nights(year: int) -> dict[str, Any]:
    """Bed-nights of finished stays in `year`: per shelter and per type, per month."""
    by_shelter: dict[str, dict[str, int]] = {}
    by_type: dict[str, dict[str, int]] = {}
    for item in BedNights.query(str(year)):
        scope, name, month = item.key.split("#", 2)
        target = by_shelter if scope == "shelter" else by_type
        target.setdefault(name, {})[month] = int(item.nights)
    return {"year": year, "by_shelter": by_shelter, "by_type": by_type}
