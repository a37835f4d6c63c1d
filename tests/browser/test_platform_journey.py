"""A visitor opens the front page, a staff member logs in: in a real Chromium."""
from chalicelib.demo import load_demo_data
from tests.conftest import DEMO_PASSWORD, browser_login, screenshot


def test_visitor_sees_home_then_staff_logs_in_without_console_errors(live_server, page):
    load_demo_data(DEMO_PASSWORD)
    page.goto(f"{live_server}/")
    assert page.locator("h1").inner_text() == "Sammen mot menneskehandel"
    assert page.locator("a[href='/donate']").first.is_visible()
    browser_login(page, live_server, "staff")
    page.wait_for_url(f"{live_server}/staff")
    assert page.locator("h1").inner_text() == "Staff home"
    assert "staff@demo.local" in page.locator("main").inner_text()
    screenshot(page, "platform-staff-home")
    assert page.console_errors == []


def test_a_wrong_password_shows_an_error_next_to_the_form(live_server, page):
    load_demo_data(DEMO_PASSWORD)
    page.goto(f"{live_server}/auth/login?lang=en")
    page.fill("#email", "staff@demo.local")
    page.fill("#password", "wrong password")
    page.click("main button[type=submit]")
    assert page.locator("#login-error").inner_text() == "Wrong email or password."
    assert page.locator("#email").input_value() == "staff@demo.local"
