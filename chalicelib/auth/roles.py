"""Roles and who counts as staff. `admin` passes every role check."""

from __future__ import annotations

from typing import NamedTuple

from chalicelib.audit.service import Actor
from chalicelib.errors import N_

ADMIN = "admin"
FINANCE = "finance"
STAFF = "staff"
COORDINATOR = "coordinator"
VOLUNTEER = "volunteer"
# A partner shelter's own people: only the shelters named in `User.shelters`.
SHELTER = "shelter"
ALL_ROLES = (ADMIN, FINANCE, STAFF, COORDINATOR, VOLUNTEER, SHELTER)
# Employees: everyone who may open the staff pages (volunteers are not staff).
STAFF_ROLES = (STAFF, FINANCE, COORDINATOR, ADMIN)
ANY_USER = ALL_ROLES
# A role as pages name it (the audit log's "who", a user's roles).
ROLE_NAMES = {ADMIN: N_("Administrator"), FINANCE: N_("Finance"), STAFF: N_("Staff"),
              COORDINATOR: N_("Coordinator"), VOLUNTEER: N_("Volunteer (role)"),
              SHELTER: N_("Partner shelter")}


class User(NamedTuple):
    user_id: str
    email: str
    roles: tuple[str, ...]
    session_id: str = ""
    shelters: tuple[str, ...] = ()  # the shelters a `shelter` user works for

    def may_act_for(self, shelter_id: str) -> bool:
        """Admins act for every shelter, partners only for their own."""
        return ADMIN in self.roles or (
            SHELTER in self.roles and shelter_id in self.shelters)

    @property
    def actor(self) -> Actor:
        return Actor(self.user_id, self.roles)

    def has_any(self, roles: tuple[str, ...] | list[str]) -> bool:
        return ADMIN in self.roles or any(role in self.roles for role in roles)

    @property
    def is_staff(self) -> bool:
        return self.has_any(STAFF_ROLES)
