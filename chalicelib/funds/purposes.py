"""What money may be spent on. Restricted funds list the purposes they pay."""

from __future__ import annotations

from chalicelib.errors import N_

PURPOSES: dict[str, str] = {
    "food": N_("Food"),
    "clothes": N_("Clothes"),
    "transport": N_("Transport"),
    "health_gynaecologist": N_("Health: gynaecologist"),
    "health_mental": N_("Health: mental health"),
    "health_physiotherapy": N_("Health: physiotherapy"),
    "health_dental": N_("Health: dental"),
    "gym": N_("Gym training"),
    "other": N_("Other"),
}


def fund_pays(restricted: bool, purposes: set[str] | None, purpose: str) -> bool:
    """True when a fund may pay `purpose`: unrestricted funds pay everything."""
    return not restricted or purpose in (purposes or set())
