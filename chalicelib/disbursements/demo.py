"""Demo disbursements, a cash box and bridging dates. Client codes only;
ids come from fixed idempotency keys, so loading twice changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from chalicelib.audit.service import Actor
from chalicelib.db import put_if_absent
from chalicelib.disbursements import cashbox, service
from chalicelib.disbursements.models import Bridging
from chalicelib.funds import demo as funds_demo
from chalicelib.funds.admin import FundExists
from chalicelib.funds.models import Fund

STAFF = Actor("demo-staff", ("staff",))
FINANCE = Actor("demo-finance", ("finance",))
DEMO_PAYMENTS = [
    # key, client code, NOK, purpose, method, fund, cash box, note
    ("demo-1", "K-2025-031", 800, "food", "cash", "", "cashbox-oslo", None),
    ("demo-2", "K-2025-031", 600, "clothes", "cash", "", "cashbox-oslo", None),
    (
        "demo-3",
        "K-2025-027",
        450,
        "health_dental",
        "payment_card",
        "victims-children",
        None,
        None,
    ),
    (
        "demo-4",
        "K-2025-019",
        350,
        "transport",
        "payment_card",
        "vocational",
        None,
        None,
    ),
    (
        "demo-5",
        "K-2025-033",
        2_500,
        "other",
        "bank_transfer",
        "general",
        None,
        "Deposit for a room",
    ),
]


def _box() -> None:
    try:
        cashbox.create_box(
            "oslo",
            {"nb": "Kontantkasse Oslo", "en": "Oslo cash box", "es": "Caja de Oslo"},
            "emergency-cash",
            FINANCE,
        )
    except FundExists:
        return
    cashbox.top_up("cashbox-oslo", 5_000_00, FINANCE, "topup-demo-oslo")


def load() -> None:
    funds_demo.load()
    if Fund.count("cashbox-oslo") == 0:
        _box()
    for key, code, nok, purpose, method, fund, box, note in DEMO_PAYMENTS:
        request = service.Request(code, nok * 100, purpose, method, fund, note, box)
        service.create(request, STAFF, key)
    for code, days in (("K-2025-031", 9), ("K-2025-033", 16)):
        put_if_absent(
            Bridging(
                code,
                expected_payout=(date.today() + timedelta(days=days)).isoformat(),
                updated_by=STAFF.user_id,
                updated_at=datetime.now(UTC),
            )
        )
