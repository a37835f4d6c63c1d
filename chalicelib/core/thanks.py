"""Who gave money and agreed to be thanked: each money area registers a
provider, the thank-you list (in-kind area) asks them all.

    register_money_givers(lambda year: [ThankedGiver("Church X", 100_000, "bank")])
"""
from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple


class ThankedGiver(NamedTuple):
    name: str  # the name the giver agreed to be thanked by
    amount: int  # øre given in the year
    channel: str  # stripe, bank, vipps


Provider = Callable[[int], list[ThankedGiver]]
_PROVIDERS: dict[str, Provider] = {}


def register_money_givers(area: str, provider: Provider) -> None:
    _PROVIDERS[area] = provider


def money_givers(year: int) -> list[ThankedGiver]:
    """Every money giver of `year` who agreed to be thanked, from every area."""
    from chalicelib.web.lazy import load_all_areas

    load_all_areas()  # providers register when their area's routes load
    givers: list[ThankedGiver] = []
    for area in sorted(_PROVIDERS):
        givers.extend(_PROVIDERS[area](year))
    return givers
