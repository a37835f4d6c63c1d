"""A staff member gives out a welcome bag from the stock page in Chromium."""
from chalicelib.demo import load_demo_data
from chalicelib.inkind import stock
from tests.conftest import DEMO_PASSWORD, browser_login, screenshot


def test_staff_give_out_a_welcome_bag_from_the_stock_page(live_server, page):
    load_demo_data(DEMO_PASSWORD)
    browser_login(page, live_server, "staff")
    page.wait_for_url(f"{live_server}/staff")
    page.click("a[href='/staff/inkind']")
    assert page.locator("#stock-welcome-bag .total").inner_text() == "17"
    page.select_option("#d-item", "welcome-bag")
    page.fill("#d-quantity", "1")
    page.select_option("#d-location", "office")
    page.fill("#d-client", "K-2026-031")
    page.click("form:has(#d-item) button[type=submit]")
    page.wait_for_url(f"{live_server}/staff/inkind?done=distribute")
    assert page.locator("#stock-welcome-bag .total").inner_text() == "16"
    assert stock.quantity("welcome-bag", "office") == 11
    screenshot(page, "inkind-staff-stock")
    assert page.console_errors == []
