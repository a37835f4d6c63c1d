"""A staff member gives out a welcome bag from the stock page in Chromium."""
from chalicelib.demo import load_demo_data
from chalicelib.inkind import stock
from tests.conftest import DEMO_PASSWORD, browser_login, screenshot


def test_staff_give_out_a_welcome_bag_from_the_stock_page(live_server, page):
    load_demo_data(DEMO_PASSWORD)
    browser_login(page, live_server, "staff")
    page.wait_for_url(f"{live_server}/staff")
    page.click("main a[href='/staff/inkind']")
    assert page.locator("#stock-welcome-bag .total").inner_text() == "17"
    page.select_option("#d-item_id", "welcome-bag")
    page.fill("#d-quantity", "1")
    page.select_option("#d-location", "office")
    page.fill("#d-client_code", "K-2026-031")
    page.click("form:has(#d-item_id) button[type=submit]")
    page.wait_for_selector("#flash")
    assert page.url == f"{live_server}/staff/inkind"
    assert page.locator("#flash").inner_text() == "The items were handed out."
    assert page.locator("#stock-welcome-bag .total").inner_text() == "16"
    assert stock.quantity("welcome-bag", "office") == 11
    screenshot(page, "inkind-staff-stock")
    assert page.console_errors == []


def test_giving_out_more_than_is_in_stock_keeps_the_form_filled_and_marks_quantity(
        live_server, page):
    load_demo_data(DEMO_PASSWORD)
    browser_login(page, live_server, "staff")
    page.wait_for_url(f"{live_server}/staff")
    page.goto(f"{live_server}/staff/inkind?lang=nb")
    page.select_option("#d-item_id", "welcome-bag")
    page.fill("#d-quantity", "500")
    page.select_option("#d-location", "office")
    page.fill("#d-client_code", "K-2026-031")
    page.click("form:has(#d-item_id) button[type=submit]")
    assert page.locator("#d-quantity").input_value() == "500"
    assert page.locator("#d-client_code").input_value() == "K-2026-031"
    assert page.locator("#d-item_id").input_value() == "welcome-bag"
    assert page.get_attribute("#d-quantity", "aria-invalid") == "true"
    assert "Det er bare" in page.locator("#d-quantity-error").inner_text()
    page.click(".error-summary a[href='#d-quantity']")
    assert page.evaluate("document.activeElement.id") == "d-quantity"
    assert stock.quantity("welcome-bag", "office") == 12
    screenshot(page, "inkind-staff-over-distribution")
