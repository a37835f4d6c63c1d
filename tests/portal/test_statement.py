"""The yearly statement: a printable page of one year's gifts of every
channel and what is reported for the tax deduction (the number masked)."""
from __future__ import annotations

import re

from chalicelib.core.clock import oslo_date
from chalicelib.portal import statement
from chalicelib.tax import limits, requests
from tests.portal.conftest import DONOR
from tests.portal.helpers import Donor

YEAR = oslo_date().year
PERSON = "01019010046"


def _signed_in(client) -> Donor:
    donor = Donor(client)
    donor.sign_in(DONOR)
    return donor


def _ask_deduction(name: str = "Kari Nordmann", year: int = YEAR) -> None:
    requests.submit(requests.parse(
        {"name": name, "identity_number": PERSON, "giver_type": "person",
         "consent": "yes", "year": str(year)}, DONOR, "en"))


def _text(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_home_page_links_a_statement_for_each_year_given_in(client, gifts):
    page = _signed_in(client).get("/my?lang=en").body.decode()
    assert f'href="/my/statement?year={YEAR}"' in page
    assert f"Statement {YEAR}" in page


def test_the_statement_lists_the_years_gifts_and_the_amount_reported_masked(
        client, gifts):
    _ask_deduction()
    answer = _signed_in(client).get(f"/my/statement?year={YEAR}&lang=en")
    assert answer.status_code == 200
    text = _text(answer.body.decode())
    for amount in ("500,00 kr", "200,00 kr", "1 000,00 kr"):
        assert amount.replace(" ", "\u00a0") in answer.body.decode()
    assert "BANK-77" in text and "300,00" not in text  # not another donor's
    assert "Amount we report to the Tax Administration 1\u00a0700,00\u00a0kr" in text
    assert "Kari Nordmann, ******10046" in text
    assert PERSON not in answer.body.decode()


def test_without_a_request_the_statement_says_nothing_is_reported_and_why(
        client, gifts):
    page = _text(_signed_in(client).get(
        f"/my/statement?year={YEAR}&lang=es").body.decode())
    assert "Importe que comunicamos a la Administración Tributaria 0,00" in page
    assert "no ha pedido la deducción" in page


def test_a_statement_of_a_year_without_gifts_says_so_in_norwegian(client, gifts):
    page = _text(_signed_in(client).get("/my/statement?year=2021").body.decode())
    assert "Ingen gaver er registrert" in page


def test_the_statement_needs_a_signed_in_donor(client, gifts):
    answer = Donor(client).get(f"/my/statement?year={YEAR}&lang=en")
    assert answer.status_code == 303 and answer.headers["Location"].startswith("/my")


def test_a_year_the_tax_area_does_not_know_is_refused_kindly(client, gifts):
    answer = _signed_in(client).get("/my/statement?year=1999&lang=en")
    assert answer.status_code == 400 and "Choose a tax year" in answer.body.decode()


def test_what_is_reported_is_the_net_above_the_minimum_and_at_most_the_maximum():
    year = limits.YearLimits(YEAR, 500_00, 25_000_00, False, True)
    assert statement.reportable(499_99, year, True) == (0, statement.BELOW_MINIMUM)
    assert statement.reportable(500_00, year, False) == (0, statement.NO_REQUEST)
    assert statement.reportable(500_00, year, True) == (500_00, statement.REPORTED)
    assert statement.reportable(30_000_00, year, True) == (25_000_00,
                                                           statement.REPORTED)
    assert statement.reportable(0, year, True) == (0, statement.NOTHING)


def test_refunds_lower_what_is_reported(client, gifts):
    from chalicelib.donations.webhook import handle_event
    from tests.donations.conftest import charge_refunded, event

    _ask_deduction()
    handle_event(event("evt_r", "charge.refunded", charge_refunded(1, 500, 500)))
    text = _text(_signed_in(client).get(
        f"/my/statement?year={YEAR}&lang=en").body.decode())
    assert "Amount we report to the Tax Administration 1\u00a0200,00\u00a0kr" in text


def _sent_delivery(kroner: int, status: str = "delivered",
                   delivery_status: str = "sent") -> None:
    """A delivery of the year as tax/delivery.py leaves it once sent."""
    from chalicelib.core.clock import now_utc
    from chalicelib.tax.models import TaxDelivery, TaxReported

    TaxDelivery(str(YEAR), "d-1", kind="first", status=delivery_status, units=1,
                kroner=kroner, created_by="u-finance", created_at=now_utc(),
                sent_at=now_utc()).save()
    TaxReported(str(YEAR), requests.unit_key(YEAR, DONOR), delivery_id="d-1",
                kind="person", name="Kari Nordmann", id_last5="10046",
                id_version="v1", kroner=kroner, status=status).save()


def test_once_sent_the_statement_says_what_was_reported_and_when(client, gifts):
    _ask_deduction()
    _sent_delivery(1700)
    text = _text(_signed_in(client).get(
        f"/my/statement?year={YEAR}&lang=en").body.decode())
    day = oslo_date().strftime("%d.%m.%Y")
    assert (f"Sent to the Tax Administration {day}: 1\u00a0700,00\u00a0kr, "
            "Kari Nordmann, ******10046") in text
    assert "This amount was reported for" in text and "correction" not in text


def test_a_refund_after_the_delivery_says_a_correction_is_sent(client, gifts):
    from chalicelib.donations.webhook import handle_event
    from tests.donations.conftest import charge_refunded, event

    _ask_deduction()
    _sent_delivery(1700)
    handle_event(event("evt_r", "charge.refunded", charge_refunded(1, 500, 500)))
    text = _text(_signed_in(client).get(
        f"/my/statement?year={YEAR}&lang=en").body.decode())
    assert "we send the Tax Administration a correction" in text
    assert "Amount we report to the Tax Administration 1\u00a0200,00\u00a0kr" in text


def test_a_row_the_tax_administration_refused_asks_the_donor_to_check_in_spanish(
        client, gifts):
    _ask_deduction()
    _sent_delivery(1700, status="rejected")
    page = _text(_signed_in(client).get(
        f"/my/statement?year={YEAR}&lang=es").body.decode())
    assert "no pudo relacionar el nombre y el número" in page


def test_a_delivery_prepared_but_not_sent_is_not_shown_as_reported(client, gifts):
    _ask_deduction()
    _sent_delivery(1700, delivery_status="prepared")
    text = _text(_signed_in(client).get(
        f"/my/statement?year={YEAR}&lang=en").body.decode())
    assert "Sent to the Tax Administration" not in text
    assert "We report this amount" in text
