"""Small builders shared by the in-kind tests."""
from __future__ import annotations

from chalicelib.audit.service import Actor
from chalicelib.inkind import catalogue, service
from chalicelib.inkind.models import StockMovement
from chalicelib.inkind.service import ReceiptLine

STAFF = Actor("u-staff", ("staff",))


def add_items() -> None:
    catalogue.save_item("hygiene-pack", {"nb": "Hygienepakke", "en": "Hygiene pack",
                                         "es": "Paquete de higiene"},
                        "pack", 25_000, "goods", low_stock=5)
    catalogue.save_item("soap", {"nb": "Såpe", "en": "Soap"}, "piece", 3_000, "goods")
    catalogue.save_item("towel", {"nb": "Håndkle", "en": "Towel"}, "piece", 8_000,
                        "goods")
    catalogue.save_item("welcome-bag", {"nb": "Velkomstpose", "en": "Welcome bag"},
                        "bag", 35_000, "kit",
                        components=[{"item_id": "soap", "quantity": 2},
                                    {"item_id": "towel", "quantity": 1}])
    catalogue.save_item("festival-ticket", {"nb": "Festivalbillett",
                                            "en": "Festival ticket"},
                        "ticket", 15_000, "ticket", expires_on="2099-08-22")
    catalogue.save_item("old-ticket", {"nb": "Gammel billett", "en": "Old ticket"},
                        "ticket", 15_000, "ticket", expires_on="2020-01-01")


def receive(item_id: str, quantity: int, location: str = "office",
            giver: str = "Fjellby menighet", receipt_id: str | None = None,
            **kwargs) -> service.MovementResult:
    rid = receipt_id or f"r-{item_id}-{quantity}-{location}-{giver}"
    return service.receive_gifts(rid, giver, location, [ReceiptLine(item_id, quantity)],
                                 STAFF, **kwargs)


def movement_count() -> int:
    return sum(1 for _ in StockMovement.scan())


def sum_of_movements() -> dict[tuple[str, str], int]:
    totals: dict[tuple[str, str], int] = {}
    for movement in StockMovement.scan():
        for line in movement.lines:
            key = (str(line["item_id"]), str(line["location"]))
            totals[key] = totals.get(key, 0) + int(line["delta"])
    return {k: v for k, v in totals.items() if v}
