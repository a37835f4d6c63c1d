"""Looking a client up across areas, in Chromium, on a desktop and a phone."""

from chalicelib.demo import load_demo_data
from tests.conftest import DEMO_PASSWORD, browser_login, screenshot

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def test_an_admin_finds_a_client_by_a_lowercase_code_and_sees_cash_and_beds(
        live_server, browser):
    load_demo_data(DEMO_PASSWORD)
    context = browser.new_context(locale="nb-NO", viewport=DESKTOP)
    tab = context.new_page()
    errors = []
    # The refused search answers 422 on purpose: Chromium logs that status.
    tab.on("console", lambda msg: msg.type == "error"
           and "status of 422" not in msg.text and errors.append(msg.text))
    browser_login(tab, live_server, "admin")
    tab.wait_for_url(f"{live_server}/staff*")
    tab.goto(f"{live_server}/staff?lang=nb")
    tab.click("main a[href='/staff/clients']")
    tab.fill("#lookup-code", "Maria Olsen")
    tab.get_by_role("button", name="Vis klienten").click()
    assert tab.locator("#lookup-code-error").inner_text() == (
        "Bruk en klientkode som K-2025-031.")
    assert tab.locator("#lookup-code").input_value() == "Maria Olsen"
    screenshot(tab, "clientview-search-error-desktop-nb")
    tab.fill("#lookup-code", "k-2025-031")
    tab.get_by_role("button", name="Vis klienten").click()
    tab.wait_for_url(f"{live_server}/staff/clients/K-2025-031")
    assert tab.locator("h1").inner_text() == "Klient K-2025-031"
    assert "Nødhjelp" in tab.locator("#cash-h").inner_text()
    assert "Lauras Hus" in tab.locator("#beds").inner_text()
    assert "UTC" not in tab.locator("main").inner_text()
    screenshot(tab, "clientview-admin-desktop-nb")
    tab.goto(f"{live_server}/staff/clients/K-2025-031?lang=en")
    assert tab.locator("h1").inner_text() == "Client K-2025-031"
    screenshot(tab, "clientview-admin-desktop-en")
    context.close()
    assert errors == []


def test_a_coordinator_on_a_phone_follows_a_held_code_to_its_beds_only(
        live_server, browser):
    load_demo_data(DEMO_PASSWORD)
    context = browser.new_context(locale="nb-NO", viewport=PHONE)
    tab = context.new_page()
    browser_login(tab, live_server, "coordinator")
    tab.wait_for_url(f"{live_server}/staff*")
    tab.goto(f"{live_server}/staff/shelters/lauras-hus?lang=nb")
    tab.click("main a[href='/staff/clients/K-2025-031']")
    tab.wait_for_url(f"{live_server}/staff/clients/K-2025-031")
    beds = tab.locator("#beds").inner_text()
    assert "Lauras Hus" in beds and "reservert" in beds
    assert tab.locator("#cash").count() == 0 and tab.locator("#items").count() == 0
    screenshot(tab, "clientview-coordinator-phone-nb")
    context.close()
