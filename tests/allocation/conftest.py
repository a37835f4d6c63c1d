"""Demo data plus some more emergency cash of our own."""

from __future__ import annotations

import pytest

from chalicelib.demo import load_demo_data
from tests.conftest import DEMO_PASSWORD

PAYMENTS = [  # client code, NOK, purpose, fund
    ("K-2025-031", 400, "food", "emergency-cash"),
    ("K-2025-031", 250, "clothes", "emergency-cash"),
    ("K-2025-044", 600, "food", "victims-children"),
    ("K-2025-012", 1200, "health_dental", "victims-children"),
    ("K-2025-027", 3000, "food", "emergency-cash"),  # waits for a second person
]


def pay_demo_cash() -> None:
    from chalicelib.auth.roles import User
    from chalicelib.disbursements import service

    actor = User("u-staff", "staff@demo.local", ("staff",)).actor
    for number, (code, nok, purpose, fund) in enumerate(PAYMENTS):
        request = service.validate({"client_code": code, "amount": nok * 100,
                                    "purpose": purpose, "method": "payment_card",
                                    "fund_id": fund})
        service.create(request, actor, idempotency_key=f"alloc-demo-{number}")


@pytest.fixture
def demo():
    load_demo_data(DEMO_PASSWORD)
    pay_demo_cash()
