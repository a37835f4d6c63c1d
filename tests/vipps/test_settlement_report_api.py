"""Finance reads a closed day from Vipps's Report API (a local server that
answers like it, vippsas/vipps-report-api docs/swagger.yaml) into the same
preview and booking as the portal's CSV."""
from __future__ import annotations

import json
import re

import pytest
from werkzeug import Response

from chalicelib.audit.models import AuditEntry
from chalicelib.donations.models import Donation
from chalicelib.vipps import report_api
from tests.conftest import Browserless
from tests.form_helpers import read_page
from tests.money_helpers import balance
from tests.vipps.conftest import token_answer
from tests.vipps.test_settlement import REF_A, REF_B, books, donation
from tests.vipps.test_settlement_page import PATH, confirm

__all__ = ["books"]
LEDGER = "302321"
DAY = "2026-12-01"
FUNDS = [
    {"pspReference": "3343121302", "time": "2026-12-01T16:33:00.824993+0100",
     "ledgerDate": DAY, "entryType": "capture", "reference": REF_A,
     "currency": "NOK", "amount": 20000, "recipientHandle": "NO:654321",
     "balanceBefore": 0, "balanceAfter": 20000},
    {"pspReference": "3343121303", "time": "2026-12-01T18:02:11.100000+0100",
     "ledgerDate": DAY, "entryType": "capture", "reference": REF_B,
     "currency": "NOK", "amount": 15000, "recipientHandle": "NO:654321",
     "balanceBefore": 20000, "balanceAfter": 35000},
]
FEES = [{"pspReference": "3343121302", "ledgerDate": DAY, "entryType": "capture-fee",
         "currency": "NOK", "amount": -350},
        {"pspReference": "3343121303", "ledgerDate": DAY, "entryType": "capture-fee",
         "currency": "NOK", "amount": -275}]


class LocalReport:
    """Ledgers and day reports as the Report API gives them; funds come in
    two pages (a cursor), and a day not closed answers 404."""

    def __init__(self, server):
        self.closed = {DAY}
        self.asked: list[str] = []
        server.expect_request("/accesstoken/get", method="POST").respond_with_json(
            token_answer())
        server.expect_request("/settlement/v1/ledgers", method="GET"
                              ).respond_with_handler(self._ledgers)
        server.expect_request(re.compile(r"/report/v2/ledgers/[^/]+/(funds|fees)/dates/"
                                         r"\d{4}-\d{2}-\d{2}"), method="GET"
                              ).respond_with_handler(self._day)

    @staticmethod
    def _json(body, status=200):
        return Response(json.dumps(body), status=status,
                        content_type="application/json")

    def _ledgers(self, request):
        assert request.args["settlesForRecipientHandles"] == "api:654321"
        assert request.headers["Authorization"].startswith("Bearer ")
        return self._json({"cursor": "", "items": [{
            "ledgerId": LEDGER, "currency": "NOK",
            "payoutBankAccount": {"scheme": "BBAN:NO", "id": "86011117947"},
            "firstPayout": "2000001", "lastPayout": "2000045",
            "owner": {"scheme": "business:NO:ORG", "id": "987654321"},
            "settlesForRecipientHandles": ["api:654321"]}]})

    def _day(self, request):
        _, ledger, topic, _, day = request.path.rsplit("/", 4)
        self.asked.append(f"{topic}:{request.args.get('cursor', '')}")
        if ledger != LEDGER or day not in self.closed:
            return Response("", status=404)
        if topic == "fees":
            return self._json({"cursor": "", "items": FEES, "tryLater": False})
        if request.args.get("cursor") == "page-2":
            return self._json({"cursor": "", "items": FUNDS[1:], "tryLater": False})
        return self._json({"cursor": "page-2", "items": FUNDS[:1], "tryLater": False})


@pytest.fixture
def vipps_report(vipps_api):
    report_api.forget()
    yield LocalReport(vipps_api)
    report_api.forget()


def read_day(client, day=DAY, lang="en", session=None):
    session = session or Browserless("finance")
    headers, body = session.form({"_form": "fetch", "fee_fund_id": "operations",
                                  "ledger_date": day})
    return client.post(f"{PATH}?lang={lang}", headers=headers, body=body)


def test_finance_reads_a_closed_day_from_vipps_previews_it_and_books_it_once(
        client, books, vipps_report):
    donation(REF_A, 200_00)
    donation(REF_B, 150_00, credited=False)  # its webhook was missed
    page = read_day(client)
    html = page.body.decode()
    assert page.status_code == 200
    assert re.search(r'id="matched-count">2<', html) and "6,25" in html
    assert vipps_report.asked == ["funds:", "funds:page-2", "fees:"]
    assert not Donation.get(REF_B).credited  # nothing booked before confirming
    booked = confirm(client, html)
    assert booked.status_code == 200
    assert Donation.get(REF_B).credited
    assert balance("general") == 350_00  # the gross of both gifts
    assert balance("operations") == 1000_00 - 625  # the fees
    again = read_day(client).body.decode()
    assert 'id="nothing-changed"' in again
    assert [e for e in AuditEntry.scan() if e.record_type == "vipps_settlement"]


def test_a_day_vipps_has_not_closed_is_refused_on_the_form_with_the_day_kept(
        client, books, vipps_report):
    page = read_day(client, day="2026-12-02")
    form = read_page(page.body.decode())
    assert page.status_code == 422
    assert form.by_id["fetch-ledger_date"].invalid
    assert form.by_id["fetch-ledger_date"].attrs["value"] == "2026-12-02"
    assert "has not closed this day's report yet" in form.texts[
        "fetch-ledger_date-error"]


def test_today_or_a_day_not_a_date_is_refused_before_vipps_is_asked(
        client, books, vipps_report):
    for day in ("2999-01-01", "1. desember"):
        page = read_day(client, day=day, lang="nb")
        assert page.status_code == 422
        assert "Velg en dag før i dag" in page.body.decode()
    assert vipps_report.asked == []


def test_the_local_vipps_shows_no_report_api_form(client, books):
    page = client.get(f"{PATH}?lang=en", headers=Browserless("finance").headers())
    assert "Read from Vipps" not in page.body.decode()
