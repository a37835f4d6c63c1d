"""On a phone in Chromium: a partner confirms free places with the mailed
link, a coordinator refers a client code from the bed search, the partner
accepts on /partner, and the board shows the hold."""
from chalicelib.demo import load_demo_data
from chalicelib.shelters import links
from tests.conftest import DEMO_PASSWORD, browser_login, screenshot

PHONE = {"width": 390, "height": 844}


def _log_out(page, base: str) -> None:
    page.goto(f"{base}/auth/logout")
    page.locator("main form button[type=submit]").first.click()


def test_partner_confirms_coordinator_refers_partner_accepts_board_shows_hold(
        live_server, page):
    load_demo_data(DEMO_PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/shelter-count?t={links.make_token('lauras-hus')}"
              "&lang=en")
    page.fill("#free-free", "3")
    page.click("main button[type=submit]")
    assert "3 free places tonight at Lauras Hus are confirmed" in page.locator(
        "#link-done").inner_text()
    screenshot(page, "referrals-count-link-confirmed")

    browser_login(page, live_server, "coordinator")
    page.wait_for_url(f"{live_server}/staff")
    page.goto(f"{live_server}/staff/shelters?lang=en")
    page.select_option("#gender", "woman")
    page.select_option("#region", "oslo")
    page.click("form.search-form button[type=submit]")
    card = page.locator("li[data-shelter='lauras-hus']")
    assert "3 free" in card.inner_text()
    page.click("#send-referral")
    page.fill("#referral-client_code", "K-2026-201")
    page.select_option("#referral-urgency", "tonight")
    page.check("#referral-shelters-lauras-hus")
    page.check("#referral-shelters-marita-women")
    page.click("main form button[type=submit]")
    assert page.locator(".notice").inner_text() == "The referral was sent."
    assert page.locator("li.answer[data-status=open]").count() == 2
    referral_url = page.url.split("?")[0]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _log_out(page, live_server)

    browser_login(page, live_server, "shelter")
    page.wait_for_url(f"{live_server}/partner/shelters/lauras-hus")
    offer = page.locator("li.offer[data-status=open]")
    assert "K-2026-201" not in page.content() and "Marita" not in page.content()
    assert "Tonight" in offer.inner_text()
    offer.locator("button", has_text="Accept").click()
    assert "the bed is held" in page.locator(".notice").inner_text()
    screenshot(page, "referrals-partner-accepted")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _log_out(page, live_server)

    browser_login(page, live_server, "coordinator")
    page.wait_for_url(f"{live_server}/staff")
    page.goto(referral_url + "?lang=en")
    assert "Placed at Lauras Hus" in page.locator(".referral-status").inner_text()
    assert page.locator("li.answer[data-status=withdrawn]").count() == 1
    page.goto(f"{live_server}/staff/shelters?lang=en&region=Oslo&gender=woman")
    card = page.locator("li[data-shelter='lauras-hus']")
    assert "2 free" in card.inner_text() and "2 held" in card.inner_text()
    screenshot(page, "referrals-board-shows-hold")
    assert page.console_errors == []
