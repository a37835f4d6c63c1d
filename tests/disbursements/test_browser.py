"""A case worker logs emergency cash and finance approves it, in Chromium."""

from chalicelib.demo import load_demo_data
from tests.conftest import DEMO_PASSWORD, browser_login, screenshot


def test_staff_pays_cash_and_finance_approves_a_large_payment(
    live_server, browser
):
    load_demo_data(DEMO_PASSWORD)
    staff = browser.new_context(locale="en-GB", viewport={"width": 390,
                                                          "height": 844})
    tab = staff.new_page()
    errors = []
    tab.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    browser_login(tab, live_server, "staff")
    tab.wait_for_url(f"{live_server}/staff")
    tab.click("main a[href='/staff/disbursements']")
    tab.fill("#client_code", "K-2025-050")
    tab.fill("#amount", "2600")
    tab.select_option("#purpose", "clothes")
    tab.select_option("#method", "payment_card")
    tab.select_option("#fund_id", "general")
    tab.get_by_role("button", name="Log disbursement").click()
    notice = tab.locator("p.notice").inner_text()
    assert "K-2025-050" in notice and "approval" in notice
    screenshot(tab, "disbursements-staff-logged")
    staff.close()

    finance = browser.new_context(locale="en-GB")
    tab = finance.new_page()
    browser_login(tab, live_server, "finance")
    tab.wait_for_url(f"{live_server}/staff")
    tab.goto(f"{live_server}/staff/disbursements")
    card = tab.locator("article.approval", has_text="K-2025-050")
    assert "Payment card" in card.inner_text() and "last 30 days" in card.inner_text()
    screenshot(tab, "disbursements-finance-approval")
    card.locator("button[value=approve]").click()
    assert tab.locator("p.notice").inner_text() == "Approved and paid."
    tab.goto(f"{live_server}/staff/clients/K-2025-050")
    assert "paid" in tab.locator("main table").inner_text()
    screenshot(tab, "disbursements-finance-client")
    finance.close()
    assert errors == []
