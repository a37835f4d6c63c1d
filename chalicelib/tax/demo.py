"""Demo data of the tax report (`make run`): last year's bank gifts of four
fictional donors with their email, three of them with a deduction request
under a synthetic number of Skatteetaten's test population (month + 80), so
/staff/tax shows due units, one below the minimum and one without a
request. Loading twice changes nothing."""

from __future__ import annotations

from chalicelib.core.clock import oslo_date
from chalicelib.funds import demo as funds_demo
from chalicelib.gifts.demo import FINANCE
from chalicelib.gifts.service import GiftInput, record_gift
from chalicelib.tax import identifiers, requests

DONORS = [  # email, name, NOK, who, number's birth (day, month, yy) or None
    ("kari.demo@example.org", "Kari Demo", 3_000, "person", (1, 1, 80)),
    ("ola.demo@example.org", "Ola Demo", 400, "person", (2, 3, 75)),
    ("firma.demo@example.org", "Demo Bedrift AS", 30_000, "organisation", None),
    ("nils.demo@example.org", "", 1_200, "person", None),
]
ORGANISATION = "974760673"


def synthetic_number(day: int, month: int, year: int) -> str:
    """A fødselsnummer of the synthetic test population (month + 80)."""
    for individual in range(100, 500):
        number = identifiers.with_check_digits(
            f"{day:02d}{month + 80:02d}{year:02d}{individual:03d}")
        if number:
            return number
    raise ValueError("no synthetic number")


def load() -> None:
    funds_demo.load()
    year = oslo_date().year - 1
    for n, (email, name, nok, kind, born) in enumerate(DONORS, start=1):
        record_gift(GiftInput("general", "bank", f"DEMO-TAX-{year}-{n}",
                              f"{year}-06-{n:02d}", nok * 100, name or None, email),
                    FINANCE)
        if not name:
            continue  # gave enough, asked for nothing: finance should ask
        number = synthetic_number(*born) if born else ORGANISATION
        if requests.find(year, email) is None:
            requests.submit(requests.Deduction(email, year, kind, name, number))
