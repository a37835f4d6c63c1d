"""The admin on call, in Chromium on a phone and a desktop, takes the
coordinator role from a user on /staff/users; the user's open tab is sent to
the login page at its next click."""

from chalicelib.demo import load_demo_data
from tests.conftest import DEMO_PASSWORD, browser_login, screenshot


def test_an_admin_demotes_a_coordinator_whose_open_tab_then_needs_a_login(
        live_server, browser):
    for name, viewport in (("phone", {"width": 390, "height": 844}),
                           ("desktop", {"width": 1280, "height": 800})):
        load_demo_data(DEMO_PASSWORD)
        coordinator = browser.new_context(locale="nb-NO", viewport=viewport)
        their_tab = coordinator.new_page()
        browser_login(their_tab, live_server, "coordinator")
        their_tab.wait_for_url(f"{live_server}/staff")
        admin = browser.new_context(locale="nb-NO", viewport=viewport)
        tab = admin.new_page()
        errors: list[str] = []
        tab.on("console", lambda msg, seen=errors: msg.type == "error"
               and seen.append(msg.text))
        browser_login(tab, live_server, "admin")
        tab.wait_for_url(f"{live_server}/staff")
        tab.goto(f"{live_server}/staff/users?lang=nb")
        account = tab.locator("section.account", has_text="coordinator@demo.local")
        account.get_by_label("Koordinator (krisesenger)").uncheck()
        account.get_by_label("Ansatt", exact=True).check()
        account.get_by_role("button", name="Lagre roller").click()
        assert "øktene deres er avsluttet" in tab.locator("p.notice").inner_text()
        screenshot(tab, f"users-demoted-{name}")
        their_tab.goto(f"{live_server}/staff/shelters")
        assert "/auth/login" in their_tab.url
        assert errors == []
        # the last run leaves demo users as they were for later tests
        account = tab.locator("section.account", has_text="coordinator@demo.local")
        account.get_by_label("Koordinator (krisesenger)").check()
        account.get_by_label("Ansatt", exact=True).uncheck()
        account.get_by_role("button", name="Lagre roller").click()
        coordinator.close()
        admin.close()
