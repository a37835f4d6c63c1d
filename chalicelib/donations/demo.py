"""Demo campaigns and a few card gifts, credited through the same webhook
handling as real ones (idempotent by event id: loading twice counts once)."""

from __future__ import annotations

from datetime import date

from chalicelib.db import put_if_absent
from chalicelib.donations.models import Campaign
from chalicelib.donations.webhook import handle_event
from chalicelib.funds import demo as funds_demo


def _campaigns(year: int) -> list[Campaign]:
    return [
        Campaign(f"christmas-{year}", names={
            "nb": f"Julaksjonen {year}", "en": f"Christmas appeal {year}",
            "es": f"Campaña de Navidad {year}"}, fund_id="christmas",
            goal=150_000_00, starts=f"{year}-11-01", ends=f"{year}-12-31",
            active=True, raised=0, donors=0),
        Campaign(f"children-{year}", names={
            "nb": "Trygg start for barna", "en": "A safe start for the children",
            "es": "Un comienzo seguro para los niños"}, fund_id="victims-children",
            goal=100_000_00, starts=f"{year}-01-01", ends=f"{year}-12-31",
            active=True, raised=0, donors=0),
    ]


def _gift(n: int, amount_nok: int, meta: dict[str, str]) -> dict:
    session = {
        "id": f"cs_demo_{n}", "object": "checkout.session", "mode": "payment",
        "payment_status": "paid", "amount_total": amount_nok * 100, "currency": "nok",
        "payment_intent": f"pi_demo_{n}", "customer_details": {"email": None},
        "metadata": {"lang": "nb", "thanks": "0", **meta},
    }
    return {"id": f"evt_demo_{n}", "type": "checkout.session.completed",
            "livemode": False,
            "data": {"object": session}}


def load() -> None:
    funds_demo.load()  # idempotent; the gifts need their funds first
    year = date.today().year
    for campaign in _campaigns(year):
        put_if_absent(campaign)
    gifts = [
        _gift(1, 500, {"fund_id": "christmas", "campaign_id": f"christmas-{year}"}),
        _gift(2, 1000, {"fund_id": "christmas", "campaign_id": f"christmas-{year}",
                        "thanks": "1", "thanks_name": "Sankt Olav menighet"}),
        _gift(3, 200, {"fund_id": "general"}),
        _gift(4, 2500, {"fund_id": "victims-children",
                        "campaign_id": f"children-{year}", "thanks": "1",
                        "thanks_name": "Kvinneklubben Lyngen"}),
    ]
    for event in gifts:
        handle_event(event)
