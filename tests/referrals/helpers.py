"""Small builders for referral tests: three partner shelters and a referral."""
from __future__ import annotations

from chalicelib.auth.roles import SHELTER, User
from chalicelib.referrals import rules, service
from tests.shelters.helpers import COORDINATOR, make_shelter

SHELTERS = ("sh-a", "sh-b", "sh-c")
NEEDS = {"gender": "woman", "children": "1", "language": "es", "urgency": "tonight"}


def make_shelters() -> None:
    make_shelter("sh-a", total=3, occupied=1, name="House A", children_max=2)
    make_shelter("sh-b", total=2, occupied=0, name="House B", children_max=2,
                 kind="emergency_room")
    make_shelter("sh-c", total=4, occupied=0, name="House C", children_max=3)


def partner(shelter_id: str, user_id: str | None = None) -> User:
    return User(user_id or f"u-partner-{shelter_id}", "p@demo.local", (SHELTER,),
                shelters=(shelter_id,))


def refer(shelters=SHELTERS, code: str = "K-2026-101", **needs):
    return service.send_referral(code, rules.parse_needs({**NEEDS, **needs}),
                                 list(shelters), COORDINATOR)
