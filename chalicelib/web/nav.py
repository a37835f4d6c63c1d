"""Links on the staff home; each area registers its own in its routes module:

add_staff_link("/staff/funds", N_("Funds and campaigns"), (ADMIN, FINANCE))
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.auth.roles import User


@dataclass(frozen=True)
class StaffLink:
    href: str
    label: str  # a message id, translated in the template
    roles: tuple[str, ...]
    order: int = 50


_LINKS: dict[str, StaffLink] = {}


def add_staff_link(
    href: str, label: str, roles: tuple[str, ...], order: int = 50
) -> None:
    _LINKS[href] = StaffLink(href, label, roles, order)


def staff_links(user: User) -> list[StaffLink]:
    """The links this user may follow, in a stable order."""
    from chalicelib.web.lazy import load_all_areas

    load_all_areas()  # each area adds its links when its routes load
    links = [link for link in _LINKS.values() if user.has_any(link.roles)]
    return sorted(links, key=lambda link: (link.order, link.href))
