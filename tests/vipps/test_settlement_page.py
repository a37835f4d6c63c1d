"""Finance's settlement page: a portal CSV uploaded, its preview, booking,
the queue with its reasons, and the same file again changing nothing."""
from __future__ import annotations

import re

import pytest

from chalicelib.audit.models import AuditEntry
from chalicelib.donations.models import Donation
from tests.conftest import Browserless
from tests.gifts.test_import_upload import multipart
from tests.money_helpers import balance
from tests.vipps.test_settlement import REF_A, REF_B, books, donation, report, row

__all__ = ["books"]
PATH = "/staff/vipps/settlement"
REPORT = report(
    row("1001", REF_A, "200,00", fee="3,50"),  # credited already: settled
    row("1002", REF_B, "150,00", fee="2,75"),  # webhook missed: credited now
    row("1003", "", "75,00", fee="1,25", message="christmas"),  # to the Vipps number
    row("1004", "", "60,00", fee="1,00", message="takk for alt"))  # nobody knows


def upload(client, content, lang="en", fee_fund="operations", csv_text="",
           session=None):
    session = session or Browserless("finance")
    content_type, body = multipart({"csrf_token": session.csrf,
                                    "fee_fund_id": fee_fund, "csv": csv_text},
                                   "oppgjor.csv", content)
    return client.post(f"{PATH}?lang={lang}", body=body,
                       headers=session.headers(**{"Content-Type": content_type}))


def confirm(client, html, lang="en", session=None):
    session = session or Browserless("finance")
    action = re.search(r'action="(/staff/vipps/settlement/[0-9a-f]+)[^"]*"',
                       html).group(1)
    headers, body = session.form({})
    return client.post(f"{action}?lang={lang}", body=body, headers=headers)


@pytest.fixture
def gifts(books):
    donation(REF_A, 200_00)
    donation(REF_B, 150_00, credited=False)


def test_an_uploaded_report_is_previewed_then_booked_with_fees_to_the_chosen_fund(
        client, gifts):
    before = {fund: balance(fund) for fund in ("general", "christmas", "operations")}
    preview = upload(client, REPORT)
    html = preview.body.decode()
    assert preview.status_code == 200, html[:500]
    assert 'id="matched-count">3<' in html and 'id="queued-count">1<' in html
    assert "Nothing is booked until you confirm" in html
    assert balance("general") == before["general"]  # a preview books nothing
    done = confirm(client, html)
    html = done.body.decode()
    assert done.status_code == 200 and 'data-status="booked"' in html
    assert "Already credited: marked settled" in html
    assert "Credited now to its donation" in html
    assert "New gift to christmas" in html
    assert 'id="fees">8,50\xa0kr<' in html
    assert Donation.get(REF_B).credited
    assert balance("general") == before["general"] + 150_00
    assert balance("christmas") == before["christmas"] + 75_00
    assert balance("operations") == before["operations"] - 8_50
    queue = html[html.index('id="queue"'):]
    assert "1004" in queue and "takk for alt" in queue
    assert "the message names no fund or campaign" in queue
    actions = {(e.action, e.record_type) for e in AuditEntry.scan()}
    assert {("create", "vipps_settlement"), ("book", "vipps_settlement"),
            ("read", "vipps_settlement")} <= actions


def test_the_same_file_again_says_nothing_changed_and_books_nothing(client, gifts):
    confirm(client, upload(client, REPORT).body.decode())
    after = {fund: balance(fund) for fund in ("general", "christmas", "operations")}
    again = upload(client, REPORT).body.decode()
    assert 'id="nothing-changed"' in again and 'id="duplicate-count">4<' in again
    assert 'action="/staff/vipps/settlement/' not in again  # nothing to confirm
    assert {f: balance(f) for f in after} == after


@pytest.mark.parametrize("lang, words", [
    ("nb", "Vipps-oppgjør"), ("en", "Vipps settlement"), ("es", "Liquidación de Vipps")])
def test_the_page_speaks_finances_language(client, books, lang, words):
    page = client.get(f"{PATH}?lang={lang}", headers=Browserless("finance").headers())
    assert page.status_code == 200 and f"<h1>{words}</h1>" in page.body.decode()


def test_no_fee_fund_or_no_file_is_said_on_the_same_form(client, books):
    missing = upload(client, b"", csv_text="")
    html = missing.body.decode()
    assert missing.status_code == 422
    assert "Choose a file or paste its content." in html
    no_fund = upload(client, REPORT, fee_fund="nope")
    assert "Choose the fund that pays Vipps&#39;s fees." in no_fund.body.decode()


def test_a_report_with_bad_rows_shows_them_and_offers_no_booking(client, books):
    bad = report(row("2001", REF_A, "200,00").replace(";200,00;", ";abc;"))
    html = upload(client, bad).body.decode()
    assert "The report has errors; nothing was booked." in html
    assert 'action="/staff/vipps/settlement/' not in html


def test_only_finance_and_admins_see_the_page(client, books):
    page = client.get(PATH, headers=Browserless("staff").headers())
    assert page.status_code == 403
