"""Demo funds from the annual report, with opening balances posted through
the ledger (so reconciliation stays at zero)."""

from __future__ import annotations

from chalicelib.audit.service import SYSTEM
from chalicelib.db import put_if_absent
from chalicelib.funds.models import Fund
from chalicelib.funds.service import Posting, post_movement

HEALTH = {
    "health_gynaecologist",
    "health_mental",
    "health_physiotherapy",
    "health_dental",
}
DEMO_FUNDS = [
    # fund_id, names (nb, en, es), restricted, public, purposes, opening NOK
    (
        "general",
        (
            "Der behovet er størst",
            "Where the need is greatest",
            "Donde más se necesita",
        ),
        False,
        True,
        None,
        250_000,
    ),
    (
        "victims-children",
        ("Ofre og deres barn", "Victims and their children", "Víctimas y sus hijos"),
        True,
        True,
        {"food", "clothes", "transport", "other"} | HEALTH,
        100_000,
    ),
    (
        "christmas",
        ("Jul", "Christmas", "Navidad"),
        True,
        True,
        {"food", "clothes", "other"},
        15_000,
    ),
    (
        "vocational",
        ("Yrkesopplæring", "Vocational training", "Formación profesional"),
        True,
        True,
        {"transport", "other"},
        40_000,
    ),
    (
        "emergency-cash",
        ("Nødhjelp kontanter", "Emergency cash", "Efectivo de emergencia"),
        True,
        False,
        {"food", "clothes", "transport", "gym", "other"} | HEALTH,
        60_000,
    ),
]


def load() -> None:
    for fund_id, (nb, en, es), restricted, public, purposes, opening in DEMO_FUNDS:
        put_if_absent(
            Fund(
                fund_id,
                names={"nb": nb, "en": en, "es": es},
                restricted=restricted,
                public=public,
                purposes=purposes,
                balance=0,
            )
        )
        # Idempotent by movement id: loading twice posts once.
        post_movement(
            f"opening-{fund_id}",
            "opening",
            [Posting(fund_id, opening * 100)],
            SYSTEM,
            memo="Inngående saldo (demo)",  # staff write memos in bokmål
        )
