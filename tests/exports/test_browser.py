"""Finance downloads the accountant's file in Chromium."""

import csv
import io

from chalicelib.demo import load_demo_data
from tests.conftest import DEMO_PASSWORD, browser_login, screenshot


def test_finance_downloads_this_years_gifts_as_a_bokmal_csv(live_server, browser):
    load_demo_data(DEMO_PASSWORD)
    context = browser.new_context(locale="nb-NO", viewport={"width": 390,
                                                            "height": 844})
    tab = context.new_page()
    browser_login(tab, live_server, "finance")
    tab.wait_for_url(f"{live_server}/staff*")
    tab.goto(f"{live_server}/staff/exports?lang=nb")
    screenshot(tab, "exports-form-phone-nb")
    tab.fill("#export-from", "2026-01-01")
    tab.fill("#export-to", "2026-12-31")
    with tab.expect_download() as download:
        tab.get_by_role("button", name="Last ned CSV").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    header = next(csv.reader(io.StringIO(text), delimiter=";"))
    assert header[:3] == ["Dato", "Type", "Kanal"] and "Netto (kr)" in header
    tab.fill("#export-from", "2020-01-01")
    tab.get_by_role("button", name="Last ned CSV").click()
    assert tab.locator("#export-from-error").inner_text() == (
        "Velg en periode på høyst ett år.")
    screenshot(tab, "exports-error-phone-nb")
    context.close()
