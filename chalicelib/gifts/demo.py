"""Demo offline gifts (fictional givers); idempotent by bank/Vipps reference."""

from __future__ import annotations

from chalicelib.audit.service import Actor
from chalicelib.funds import demo as funds_demo
from chalicelib.gifts.service import GiftInput, record_gift

FINANCE = Actor("demo-finance", ("finance",))
DEMO_GIFTS = [
    # fund, channel, reference, date, NOK, name, thank by name
    (
        "victims-children",
        "bank",
        "DEMO-BANK-0001",
        "2025-05-12",
        100_000,
        "Demoforeningen for solidaritet",
        True,
    ),
    (
        "general",
        "bank",
        "DEMO-BANK-0002",
        "2025-09-01",
        25_000,
        "Demo fagforening avd. 1",
        True,
    ),
    ("christmas", "vipps", "DEMO-VIPPS-0001", "2025-12-03", 500, "", False),
    ("christmas", "vipps", "DEMO-VIPPS-0002", "2025-12-04", 250, "Kari (demo)", False),
    ("general", "vipps", "DEMO-VIPPS-0003", "2025-12-05", 1_000, "", False),
]


def load() -> None:
    funds_demo.load()
    for fund, channel, reference, day, nok, name, thank in DEMO_GIFTS:
        record_gift(
            GiftInput(
                fund, channel, reference, day, nok * 100, name or None, None, thank
            ),
            FINANCE,
        )
