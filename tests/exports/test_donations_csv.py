"""The accountant's CSV of donations and offline gifts, as finance downloads
and opens it: translated headers, names not ids, kroner a spreadsheet reads,
no formula, every download in the audit log, and no file too large."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

import pytest

from chalicelib.audit.service import Actor, recent
from chalicelib.core.clock import oslo_date
from chalicelib.donations.webhook import handle_event
from chalicelib.exports import service
from chalicelib.funds import demo as funds_demo
from chalicelib.gifts import service as gifts
from tests.donations.conftest import event, session_completed
from tests.form_helpers import read_page

FINANCE = Actor("u-finance", ("finance",))
TODAY = oslo_date().isoformat()


def gift(reference, amount, fund="general", channel="bank", day=None):
    gifts.record_gift(gifts.validate({
        "amount": amount, "fund_id": fund, "channel": channel,
        "reference": reference, "date": day or TODAY}), FINANCE)


@pytest.fixture
def books():
    funds_demo.load()
    handle_event(event("evt_1", "checkout.session.completed",
                       session_completed(1, 500, "general")))
    gift("BANK-1", 1234_50)
    gift("=HYPERLINK(\"http://x\")", 100_00, fund="victims-children")
    gift("VIPPS-7", 250_00, channel="vipps")


def download(client, session_as, lang="nb", role="finance", **query):
    params = {"_form": "export", "from": TODAY, "to": TODAY, "lang": lang, **query}
    return client.get(f"/staff/exports/donations.csv?{urlencode(params)}",
                      headers=session_as(role).headers())


def table(response):
    text = response.body.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_finance_gets_every_donation_and_gift_with_bokmal_headers_and_names(
        client, session_as, books):
    response = download(client, session_as)
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    header, *rows = table(response)
    assert header == ["Dato", "Type", "Kanal", "Fond", "Kampanje", "Beløp (kr)",
                      "Refundert (kr)", "Netto (kr)", "Referanse"]
    by_reference = {row[8]: row for row in rows}
    assert len(rows) == 4
    assert by_reference["BANK-1"] == [TODAY, "Gave utenom nett", "Bankoverføring",
                                      "Der behovet er størst", "", "1234,50",
                                      "0,00", "1234,50", "BANK-1"]
    card = next(row for row in rows if row[2] == "Kort (Stripe)")
    assert card[1] == "Gave på nett" and card[5] == "500,00"


def test_an_english_file_uses_a_decimal_point_and_english_names(
        client, session_as, books):
    header, *rows = table(download(client, session_as, lang="en"))
    assert header[5] == "Amount (NOK)"
    assert {row[5] for row in rows} == {"500.00", "1234.50", "100.00", "250.00"}
    assert "Victims and their children" in {row[3] for row in rows}


def test_a_reference_that_looks_like_a_formula_stays_text(client, session_as, books):
    _header, *rows = table(download(client, session_as))
    assert "'=HYPERLINK(\"http://x\")" in {row[8] for row in rows}


def test_the_fund_and_channel_filters_narrow_the_file(client, session_as, books):
    _header, *rows = table(download(client, session_as, fund="general",
                                    channel="bank"))
    assert [row[8] for row in rows] == ["BANK-1"]
    _header, *rows = table(download(client, session_as, channel="vipps"))
    assert [row[8] for row in rows] == ["VIPPS-7"]


def test_each_download_is_one_export_entry_naming_the_selection(
        client, session_as, books):
    download(client, session_as, channel="bank")
    exports = [e for e in recent() if e.action == "export"]
    assert len(exports) == 1
    assert exports[0].record_type == "donation"
    assert exports[0].record_id == f"{TODAY}..{TODAY} channel=bank"


def test_a_period_over_a_year_shows_the_form_again_with_the_message(
        client, session_as):
    response = download(client, session_as, **{"from": "2024-01-01",
                                               "to": "2025-06-30"})
    page = read_page(response.body.decode())
    assert response.status_code == 422
    assert page.texts["export-from-error"] == "Velg en periode på høyst ett år."
    assert page.by_id["export-to"].attrs["value"] == "2025-06-30"
    assert not [e for e in recent() if e.action == "export"]


def test_a_period_with_too_many_rows_is_refused_before_anything_is_sent(
        client, session_as, books, monkeypatch):
    monkeypatch.setattr(service, "MAX_ROWS", 2)
    monkeypatch.setattr(service, "LIMIT_TEXT", "2")
    response = download(client, session_as)
    page = read_page(response.body.decode())
    assert response.status_code == 422
    assert page.texts["export-from-error"].startswith(
        "Perioden har flere enn 2 donasjoner og gaver")
    assert not [e for e in recent() if e.action == "export"]


def test_staff_and_coordinators_cannot_export_donations(client, session_as, books):
    for role in ("staff", "coordinator"):
        response = download(client, session_as, role=role)
        assert response.status_code == 403 and "BANK-1" not in response.body.decode()


def test_the_export_form_offers_funds_and_channels_by_name(client, session_as):
    funds_demo.load()
    html = client.get("/staff/exports",
                      headers=session_as("finance").headers()).body.decode()
    assert "Der behovet er størst" in html and "Bankoverføring" in html
    assert 'id="export-from"' in html


def test_a_gift_made_just_after_midnight_in_oslo_is_in_that_days_file(
        client, session_as, monkeypatch):
    from datetime import UTC, datetime

    from chalicelib.donations import crediting

    funds_demo.load()
    # 23:30 UTC on 30 November is 00:30 on 1 December in Oslo.
    monkeypatch.setattr(crediting, "now", lambda: datetime(2026, 11, 30, 23, 30, tzinfo=UTC))
    handle_event(event("evt_night", "checkout.session.completed",
                       session_completed(7, 300, "general")))
    first_of_december = table(download(client, session_as, **{
        "from": "2026-12-01", "to": "2026-12-01"}))[1:]
    last_of_november = table(download(client, session_as, **{
        "from": "2026-11-30", "to": "2026-11-30"}))[1:]
    assert [row[0] for row in first_of_december] == ["2026-12-01"]
    assert last_of_november == []
