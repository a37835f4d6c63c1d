"""Demo in-kind data from the annual report: hygiene packs and Christmas
packages (a church congregation), welcome bags (a women's service club),
experiences (an association), festival tickets (a children's festival).
Every id is fixed, so loading twice changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.audit.service import SYSTEM
from chalicelib.db import put_if_absent
from chalicelib.inkind import needs, service
from chalicelib.inkind.models import Item, Need
from chalicelib.inkind.service import ReceiptLine

ITEMS = [
    # item_id, (nb, en, es), unit, NOK per unit, kind, low stock, components
    (
        "hygiene-pack",
        ("Hygienepakke", "Hygiene pack", "Paquete de higiene"),
        "pack",
        250,
        "goods",
        10,
        None,
    ),
    (
        "christmas-package",
        ("Julepakke", "Christmas package", "Paquete de Navidad"),
        "package",
        400,
        "goods",
        5,
        None,
    ),
    (
        "toothbrush",
        ("Tannbørste", "Toothbrush", "Cepillo de dientes"),
        "piece",
        20,
        "goods",
        0,
        None,
    ),
    ("soap", ("Såpe", "Soap", "Jabón"), "piece", 30, "goods", 0, None),
    ("towel", ("Håndkle", "Towel", "Toalla"), "piece", 80, "goods", 0, None),
    (
        "wool-socks",
        ("Ullsokker", "Wool socks", "Calcetines de lana"),
        "piece",
        60,
        "goods",
        0,
        None,
    ),
    (
        "welcome-bag",
        ("Velkomstpose", "Welcome bag", "Bolsa de bienvenida"),
        "bag",
        350,
        "kit",
        20,
        [("toothbrush", 1), ("soap", 2), ("towel", 1), ("wool-socks", 2)],
    ),
    (
        "amusement-park-ticket",
        (
            "Billett til fornøyelsespark",
            "Amusement park ticket",
            "Entrada al parque de atracciones",
        ),
        "ticket",
        450,
        "ticket",
        0,
        None,
    ),
    (
        "fjord-cruise-ticket",
        (
            "Billett til fjordcruise",
            "Fjord cruise ticket",
            "Billete para crucero por el fiordo",
        ),
        "ticket",
        600,
        "ticket",
        0,
        None,
    ),
    (
        "festival-ticket",
        (
            "Billett til barnefestival",
            "Children's festival ticket",
            "Entrada al festival infantil",
        ),
        "ticket",
        150,
        "ticket",
        0,
        None,
    ),
]
EVENT_DAYS = {  # month-day of next year's events
    "amusement-park-ticket": "06-20",
    "fjord-cruise-ticket": "05-30",
    "festival-ticket": "08-22",
}
RECEIPTS = [
    # receipt id, giver, location, [(item, quantity)], need
    (
        "demo-r-church-1",
        "Fjellby menighet",
        "office",
        [("hygiene-pack", 40)],
        "demo-need-hygiene",
    ),
    (
        "demo-r-church-2",
        "Fjellby menighet",
        "storage",
        [("christmas-package", 25)],
        None,
    ),
    (
        "demo-r-club-1",
        "Kvinneklubben Fjellby",
        "office",
        [("welcome-bag", 12)],
        "demo-need-welcome",
    ),
    (
        "demo-r-club-2",
        "Kvinneklubben Fjellby",
        "storage",
        [("toothbrush", 20), ("soap", 30), ("towel", 10), ("wool-socks", 20)],
        None,
    ),
    (
        "demo-r-assoc-1",
        "Foreningen Glade Dager",
        "office",
        [("amusement-park-ticket", 10), ("fjord-cruise-ticket", 8)],
        None,
    ),
    (
        "demo-r-festival-1",
        "Barnefestivalen Fjellby",
        "office",
        [("festival-ticket", 15)],
        None,
    ),
]
NEEDS = [
    (
        "demo-need-hygiene",
        "hygiene-pack",
        100,
        "12-15",
        (
            "Til nye beboere på krisesentre.",
            "For new residents of crisis centres.",
            "Para nuevas residentes de centros de crisis.",
        ),
    ),
    (
        "demo-need-christmas",
        "christmas-package",
        60,
        "12-20",
        (
            "Julegaver til voksne og barn.",
            "Christmas gifts for adults and children.",
            "Regalos de Navidad para adultos y niños.",
        ),
    ),
    (
        "demo-need-welcome",
        "welcome-bag",
        30,
        "12-31",
        (
            "Det første døgnet i trygghet.",
            "The first day in safety.",
            "El primer día en un lugar seguro.",
        ),
    ),
]


def _load_items(year: int) -> None:
    for item_id, (nb, en, es), unit, nok, kind, low, parts in ITEMS:
        day = EVENT_DAYS.get(item_id)
        put_if_absent(
            Item(
                item_id,
                names={"nb": nb, "en": en, "es": es},
                unit=unit,
                value=nok * 100,
                kind=kind,
                low_stock=low,
                expires_on=f"{year + 1}-{day}" if day else None,
                components=[{"item_id": i, "quantity": q} for i, q in parts or []],
            )
        )


def _load_needs(year: int) -> None:
    now = datetime.now(UTC)
    for need_id, item_id, wanted, by, (nb, en, es) in NEEDS:
        put_if_absent(
            Need(
                need_id,
                item_id=item_id,
                wanted=wanted,
                wanted_by=f"{year}-{by}",
                texts={"nb": nb, "en": en, "es": es},
                created_at=now,
            )
        )


def load() -> None:
    year = datetime.now(UTC).year
    _load_items(year)
    _load_needs(year)
    for receipt_id, giver, location, lines, need_id in RECEIPTS:
        service.receive_gifts(
            receipt_id,
            giver,
            location,
            [ReceiptLine(item, count) for item, count in lines],
            SYSTEM,
            need_id=need_id,
        )
    needs.make_pledge(
        "demo-p-church",
        "demo-need-christmas",
        needs.PledgeInput(
            "Fjellby menighet", "diakon@fjellby-menighet.example", 20, f"{year}-12-12"
        ),
    )
    for need_id, *_rest in NEEDS:
        needs.refresh_shown(need_id, force=True)  # demo figures shown at once
    service.assemble_kits("demo-a-bags", "welcome-bag", 5, "storage", SYSTEM)
    service.distribute(
        "demo-d-shelter",
        "hygiene-pack",
        10,
        "office",
        SYSTEM,
        shelter_id="crisis-centre-oslo",
    )
    service.distribute(
        "demo-d-client",
        "amusement-park-ticket",
        2,
        "office",
        SYSTEM,
        client_code=f"K-{year}-011",
        children=1,
    )
