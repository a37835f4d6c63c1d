"""Finance on a phone in Chromium: uploads the portal's settlement CSV,
checks the preview, books it, and sees the line waiting in the queue; the
same file again says nothing changed."""
from __future__ import annotations

from chalicelib.demo import load_demo_data
from chalicelib.donations.models import Donation
from tests.conftest import DEMO_PASSWORD, browser_login, screenshot
from tests.vipps.test_settlement import REF_A, donation, report, row

PHONE = {"width": 390, "height": 844}


def test_finance_books_a_settlement_report_from_a_phone(live_server, browser,
                                                        tmp_path):
    load_demo_data(DEMO_PASSWORD)
    donation(REF_A, 200_00, credited=False)
    path = tmp_path / "oppgjor.csv"
    path.write_bytes(report(row("3001", REF_A, "200,00", fee="3,50"),
                            row("3002", "", "50,00", fee="1,00",
                                message="til dere")))
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    tab = context.new_page()
    browser_login(tab, live_server, "finance")
    tab.wait_for_url(f"{live_server}/staff")
    for attempt in ("first", "again"):
        tab.goto(f"{live_server}/staff/vipps/settlement?lang=en")
        assert tab.locator("h1").inner_text() == "Vipps settlement"
        tab.select_option("select[name=fee_fund_id]", "general")
        tab.set_input_files("input[name=file]", str(path))
        tab.get_by_role("button", name="Show preview").click()
        if attempt == "first":
            assert tab.locator("#matched-count").inner_text() == "1"
            assert tab.locator("#queued-count").inner_text() == "1"
            screenshot(tab, "vipps-settlement-preview-phone")
            tab.get_by_role("button", name="Confirm and book").click()
            assert "The report was booked" in tab.locator("[role=status]").inner_text()
            assert "3002" in tab.locator("#queue").inner_text()
            assert Donation.get(REF_A).credited
        else:
            assert "Nothing changed" in tab.locator("#nothing-changed").inner_text()
            assert tab.get_by_role("button", name="Confirm and book").count() == 0
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # no sideways scrolling of the page itself
    screenshot(tab, "vipps-settlement-again-phone")
    context.close()
