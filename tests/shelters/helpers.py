"""Small builders for shelter tests."""
from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.audit.service import Actor
from chalicelib.shelters import registry

COORDINATOR = Actor("u-coordinator", ("coordinator",))
SECRET_ADDRESS = "Hemmeligveien 17, 0450 Oslo"
SECRET_CONTACT = "+47 400 00 017"


def make_shelter(shelter_id: str = "sh-test", total: int = 3, occupied: int = 0,
                 confirm: bool = True, **criteria) -> str:
    fields = registry.parse_shelter({
        "name": criteria.pop("name", f"Shelter {shelter_id}"),
        "organisation": "Test org", "kind": criteria.pop("kind", "crisis_centre"),
        "region": criteria.pop("region", "Oslo"), "municipality": "Oslo",
        "accepts_women": "1", **criteria,
    })
    registry.create_shelter(
        fields, {"address": SECRET_ADDRESS, "contact": SECRET_CONTACT}, total,
        COORDINATOR, shelter_id=shelter_id)
    if confirm:
        registry.confirm_counts(shelter_id, total, occupied, COORDINATOR,
                                now=datetime.now(UTC))
    return shelter_id
