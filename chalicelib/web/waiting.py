"""Work waiting for someone, shown as a count beside its area in the staff
menu: payments waiting for a second person (finance, admin) and in-kind
pledges still to be received (everyone on staff), shelters whose counts are
too old to trust (coordinators, admin).

Each count is one Query with Select=COUNT on an index that holds only what
waits (the sparse pending-index; the open and partly-received partitions of
the pledges' status index; the shelters' counts-age index below the
cut-off), and it is read only for the roles that act on it. The area is
imported when its count is wanted, not before.
"""

from __future__ import annotations

import importlib
import logging
from typing import NamedTuple

from chalicelib.auth.roles import ADMIN, COORDINATOR, FINANCE, STAFF_ROLES, User
from chalicelib.errors import N_

log = logging.getLogger(__name__)
MAX_SHOWN = 99  # "99+" past it: the query stops counting there


class Waiting(NamedTuple):
    href: str  # the menu entry the count stands beside
    label: str  # a message id: what the count is, for screen readers
    roles: tuple[str, ...]
    counter: str  # "module:function", a function(limit) -> int


WAITING = (
    Waiting("/staff/disbursements", N_("waiting for approval"), (FINANCE, ADMIN),
            "chalicelib.disbursements.service:count_pending"),
    Waiting("/staff/inkind", N_("pledges to receive"), STAFF_ROLES,
            "chalicelib.inkind.needs:count_open_pledges"),
    Waiting("/staff/shelters", N_("shelters with unknown counts"), (COORDINATOR,),
            "chalicelib.shelters.search:count_stale"),
)


def counts(user: User) -> dict[str, tuple[int, str]]:
    """{menu href: (count, label)} of the work this user may act on; an
    area whose count cannot be read now is left out (the menu still shows)."""
    found: dict[str, tuple[int, str]] = {}
    for waiting in WAITING:
        if not user.has_any(waiting.roles):
            continue
        module, _, function = waiting.counter.partition(":")
        try:
            counter = getattr(importlib.import_module(module), function)
            count = int(counter(MAX_SHOWN + 1))
        except Exception:  # noqa: BLE001 - a badge never breaks the page
            log.warning("waiting count for %s not read", waiting.href)
            continue
        if count:
            found[waiting.href] = (count, waiting.label)
    return found
