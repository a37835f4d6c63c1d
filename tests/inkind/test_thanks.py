"""The thank-you list of a year: in-kind givers and money givers, with CSV."""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from chalicelib.core import thanks as core_thanks
from chalicelib.core.thanks import ThankedGiver, register_money_givers
from chalicelib.inkind import demo
from chalicelib.inkind.service import ReceiptLine, receive_gifts
from chalicelib.inkind.thanks import thank_you_list
from tests.inkind.helpers import STAFF

YEAR = datetime.now(UTC).year


@pytest.fixture
def money_givers():
    register_money_givers("test-money", lambda year: [
        ThankedGiver("Fagforbundet Fjellby", 5_000_000, "bank")] if year == YEAR else [])
    yield
    core_thanks._PROVIDERS.pop("test-money", None)


@pytest.fixture
def demo_data():
    demo.load()


def test_the_list_names_each_in_kind_giver_with_gifts_and_value_then_money_givers(
        demo_data, money_givers):
    rows = thank_you_list(YEAR, "en")
    names = [row.name for row in rows]
    assert names == ["Barnefestivalen Fjellby", "Fjellby menighet",
                     "Foreningen Glade Dager", "Kvinneklubben Fjellby",
                     "Fagforbundet Fjellby"]
    church = rows[1]
    assert church.gifts == {"Hygiene pack": 40, "Christmas package": 25}
    assert church.value == 40 * 25_000 + 25 * 40_000
    assert rows[-1].kind == "bank" and rows[-1].value == 5_000_000


def test_givers_who_do_not_want_their_name_shown_are_thanked_together(demo_data):
    receive_gifts("r-anon", "Ola Nordmann", "office",
                  [ReceiptLine("wool-socks", 6)], STAFF, thank_by_name=False)
    rows = thank_you_list(YEAR, "en")
    assert "Ola Nordmann" not in [row.name for row in rows]
    anonymous = next(row for row in rows if row.name == "Anonymous givers")
    assert anonymous.gifts == {"Wool socks": 6}


def test_another_year_has_its_own_list(demo_data, money_givers):
    assert thank_you_list(YEAR - 1) == []


def test_finance_downloads_the_list_as_csv(client, session_as, demo_data,
                                           money_givers):
    response = client.get(f"/staff/inkind/thanks.csv?year={YEAR}&lang=en",
                          headers=session_as("finance").headers())
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = spreadsheet_rows(response.body)
    assert rows[0] == ["Name", "Kind", "Gifts", "Value (NOK)"]
    assert ["Fagforbundet Fjellby", "Bank transfer", "", "50000.00"] in rows
    festival = next(row for row in rows if row[0] == "Barnefestivalen Fjellby")
    assert festival[2] == "15 × Children's festival ticket" and festival[3] == "2250.00"


def test_the_csv_reads_in_bokmal_with_a_decimal_comma(client, session_as, demo_data,
                                                      money_givers):
    rows = spreadsheet_rows(client.get(f"/staff/inkind/thanks.csv?year={YEAR}",
                                       headers=session_as("finance").headers()).body)
    assert rows[0] == ["Navn", "Type", "Gaver", "Verdi (kr)"]
    assert ["Fagforbundet Fjellby", "Bankoverføring", "", "50000,00"] in rows


def spreadsheet_rows(body: bytes) -> list[list[str]]:
    """A CSV file as a spreadsheet in Norway reads it (BOM, ";")."""
    return list(csv.reader(io.StringIO(body.decode().lstrip("\ufeff")), delimiter=";"))


def test_the_thank_you_page_is_for_staff_and_finance_only(client, session_as,
                                                          demo_data):
    page = client.get(f"/staff/inkind/thanks?year={YEAR}",
                      headers=session_as("staff").headers())
    assert "Kvinneklubben Fjellby" in page.body.decode()
    assert client.get("/staff/inkind/thanks",
                      headers=session_as("volunteer").headers()).status_code == 403


def test_a_name_that_looks_like_a_formula_is_defused_in_the_csv(client, session_as):
    demo.load()
    receive_gifts("r-evil", "=HYPERLINK(\"http://x\")", "office",
                  [ReceiptLine("soap", 1)], STAFF)
    body = client.get(f"/staff/inkind/thanks.csv?year={YEAR}",
                      headers=session_as("staff").headers()).body.decode()
    names = [row[0] for row in spreadsheet_rows(body.encode())]
    assert "'=HYPERLINK(\"http://x\")" in names
    assert not any(name.startswith("=") for name in names)


def test_a_formula_after_a_semicolon_is_defused_for_norwegian_excel(client, session_as):
    demo.load()
    receive_gifts("r-evil2", "Kari;=HYPERLINK(\"http://x\")", "office",
                  [ReceiptLine("soap", 1)], STAFF)
    body = client.get(f"/staff/inkind/thanks.csv?year={YEAR}",
                      headers=session_as("staff").headers()).body.decode()
    cells = [cell for row in csv.reader(io.StringIO(body), delimiter=";")
             for cell in row]
    assert not any(cell.lstrip().startswith(("=", "+", "@")) for cell in cells)
