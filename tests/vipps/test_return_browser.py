"""A donor on a phone in Chromium with JavaScript switched off: /donate ->
the local Vipps -> back before Vipps has confirmed -> the page reloads
itself (meta refresh) and shows the thanks once Vipps's events arrive."""
from __future__ import annotations

from chalicelib.donations.models import Donation
from chalicelib.vipps import testmode
from tests.conftest import screenshot
from tests.donations.conftest import balance

PHONE = {"width": 390, "height": 844}


def test_a_donor_back_early_waits_without_javascript_and_then_sees_the_thanks(
        live_server, browser, funds):
    before = balance("general")
    context = browser.new_context(locale="en-GB", viewport=PHONE,
                                  java_script_enabled=False)
    tab = context.new_page()
    tab.goto(f"{live_server}/donate?lang=en")
    tab.check("input[name=amount][value='200']")
    tab.check("input[name=method][value=vipps]")
    tab.get_by_role("button", name="Continue to payment").click()
    assert "TEST MODE" in tab.locator("#test-mode").inner_text()
    [donation] = list(Donation.scan())
    reference = str(donation.donation_id)
    # The donor comes back before approving; the page waits for Vipps.
    tab.goto(f"{live_server}/vipps/return?reference={reference}&lang=en")
    assert tab.locator("h1").inner_text() == "Waiting for Vipps"
    screenshot(tab, "vipps-waiting-phone")
    testmode.complete(reference, approve=True)  # Vipps's events arrive
    tab.wait_for_selector("text=Your gift by Vipps has been received",
                          timeout=15_000)
    assert "n=" in tab.url  # reloaded by the page itself, not by the test
    assert tab.locator("h1").inner_text() == "Thank you for your gift"
    screenshot(tab, "vipps-thanks-phone")
    assert balance("general") == before + 200_00
    context.close()
