"""On a phone-sized screen in Chromium: a coordinator finds a bed, holds it and
checks the client in; a staff member then sees counts but no address."""
from chalicelib.demo import load_demo_data
from tests.conftest import DEMO_PASSWORD, browser_login, screenshot

PHONE = {"width": 390, "height": 844}


def test_coordinator_holds_and_checks_in_then_staff_sees_no_address(live_server,
                                                                    page):
    load_demo_data(DEMO_PASSWORD)
    page.set_viewport_size(PHONE)
    browser_login(page, live_server, "coordinator")
    page.wait_for_url(f"{live_server}/staff")
    page.click("main a[href='/staff/shelters']")
    page.select_option("#gender", "woman")
    page.select_option("#region", "nordland")
    page.click("form.search-form button[type=submit]")
    card = page.locator("li[data-shelter='krisesenter-salten']")
    assert "3 free" in card.inner_text()
    card.locator("input[name=client_code]").fill("K-2026-101")
    card.locator("button[type=submit]").click()
    assert page.locator(".notice").inner_text() == "The bed is held."
    assert "Demoveien" in page.locator("#shelter-address").inner_text()
    hold = page.locator("li.hold", has_text="K-2026-101")
    hold.locator("button", has_text="Check in").click()
    assert page.locator(".notice").inner_text() == "Checked in. The stay has started."
    assert "K-2026-101" in page.locator("li.stay").inner_text()
    assert "2 free" in page.locator(".bed-counts").inner_text()
    screenshot(page, "shelters-coordinator-checked-in")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.goto(f"{live_server}/auth/logout")
    page.locator("main form button[type=submit]").first.click()
    browser_login(page, live_server, "staff")
    page.wait_for_url(f"{live_server}/staff")
    page.goto(f"{live_server}/staff/shelters")
    text = page.locator("main").inner_text()
    assert "Krisesenteret i Salten" in text and "Demoveien" not in text
    assert page.locator("form.hold-form").count() == 0
    screenshot(page, "shelters-staff-board")
    assert page.console_errors == []  # before the refused page below
    response = page.goto(f"{live_server}/staff/shelters/krisesenter-salten")
    assert response.status == 403
    assert "Demoveien" not in page.content()
