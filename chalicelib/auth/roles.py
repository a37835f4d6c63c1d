"""Roles and who counts as staff. `admin` passes every role check."""

from __future__ import annotations

from typing import NamedTuple

from chalicelib.audit.service import Actor

ADMIN = "admin"
FINANCE = "finance"
STAFF = "staff"
COORDINATOR = "coordinator"
VOLUNTEER = "volunteer"
ALL_ROLES = (ADMIN, FINANCE, STAFF, COORDINATOR, VOLUNTEER)
# Employees: everyone who may open the staff pages (volunteers are not staff).
STAFF_ROLES = (STAFF, FINANCE, COORDINATOR, ADMIN)
ANY_USER = ALL_ROLES


class User(NamedTuple):
    user_id: str
    email: str
    roles: tuple[str, ...]
    session_id: str = ""

    @property
    def actor(self) -> Actor:
        return Actor(self.user_id, self.roles)

    def has_any(self, roles: tuple[str, ...] | list[str]) -> bool:
        return ADMIN in self.roles or any(role in self.roles for role in roles)

    @property
    def is_staff(self) -> bool:
        return self.has_any(STAFF_ROLES)
