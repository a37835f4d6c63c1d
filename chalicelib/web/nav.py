"""Links on the staff home; each area registers its own in its routes module:

add_staff_link("/staff/funds", N_("Funds and campaigns"), (ADMIN, FINANCE))

`python -m devtools.routes` writes them all to staff_links.json (a test keeps
it current), which the staff home reads instead of importing every area.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from chalicelib.auth.roles import User


class StaffLink(NamedTuple):
    href: str
    label: str  # a message id, translated in the template
    roles: tuple[str, ...]
    order: int = 50


_LINKS: dict[str, StaffLink] = {}
LINKS_FILE = Path(__file__).with_name("staff_links.json")


def add_staff_link(
    href: str, label: str, roles: tuple[str, ...], order: int = 50
) -> None:
    _LINKS[href] = StaffLink(href, label, roles, order)


def registered() -> dict[str, StaffLink]:
    """The links the modules loaded in this process have added."""
    return dict(_LINKS)


@lru_cache(maxsize=1)
def _listed() -> tuple[StaffLink, ...]:
    entries = json.loads(LINKS_FILE.read_text(encoding="utf-8"))
    return tuple(StaffLink(e["href"], e["label"], tuple(e["roles"]), e["order"])
                 for e in entries)


def staff_links(user: User) -> list[StaffLink]:
    """The links this user may follow, in a stable order: every area's (from
    staff_links.json), without importing the areas."""
    every = {link.href: link for link in _listed()} | _LINKS
    links = [link for link in every.values() if user.has_any(link.roles)]
    return sorted(links, key=lambda link: (link.order, link.href))
