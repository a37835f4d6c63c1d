"""Finance's view of the year: who is due, at what amount, and who gave
enough but has no identifier yet."""
from __future__ import annotations

from chalicelib.audit.service import SYSTEM
from chalicelib.tax import limits, report
from chalicelib.tax.requests import unit_key
from tests.tax.helpers import ORGANISATION, OTHER_PERSON, PERSON
from tests.tax.skatteetaten_server import YEAR, donor, gift_total


def test_a_donor_at_the_minimum_is_due_and_one_below_is_not():
    donor("kari@example.org", 500_00, PERSON)
    donor("ola@example.org", 499_99, OTHER_PERSON, name="Ola")
    built = report.build(YEAR)
    assert [u.name for u in built.due] == ["Kari Nordmann"]
    assert [u.status for u in built.units] == ["new", "below"]


def test_refunds_are_subtracted_before_the_minimum_is_compared():
    donor("kari@example.org", 800_00, PERSON, refunded=400_00)
    assert report.build(YEAR).due == []


def test_the_amount_is_capped_at_the_years_maximum_in_whole_kroner():
    limits.set_limits(YEAR, 500_00, 25_000_00, False, SYSTEM)
    donor("kari@example.org", 40_000_50, PERSON)
    donor("firma@example.org", 1_234_99, ORGANISATION, name="Firma AS",
          kind="organisation")
    due = {u.name: u.kroner for u in report.build(YEAR).due}
    assert due == {"Kari Nordmann": 25_000, "Firma AS": 1_234}


def test_the_page_shows_only_the_last_five_digits_of_each_number():
    donor("kari@example.org", 900_00, PERSON)
    [unit] = report.build(YEAR).units
    assert unit.masked == "******10046"


def test_gifts_above_the_minimum_without_a_request_are_listed_to_ask_for_one():
    gift_total("nobody-asked@example.org", 2_000_00)
    gift_total("small@example.org", 100_00)
    donor("kari@example.org", 900_00, PERSON)
    missing = report.build(YEAR).missing
    assert [(m.email, m.net) for m in missing] == [
        ("nobody-asked@example.org", 2_000_00)]
    assert unit_key(YEAR, "kari@example.org") not in [m.email for m in missing]
