"""The header takes staff to every area their role may use, and logs out in
one click, in a real Chromium on a phone and a desktop."""

import pytest

from chalicelib.demo import load_demo_data
from tests.conftest import DEMO_PASSWORD, browser_login, screenshot


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)])
def test_finance_opens_the_menu_reaches_funds_and_logs_out_in_one_click(
        live_server, page, width, height):
    load_demo_data(DEMO_PASSWORD)
    page.set_viewport_size({"width": width, "height": height})
    browser_login(page, live_server, "finance")
    page.wait_for_url(f"{live_server}/staff")
    page.goto(f"{live_server}/staff/donations?lang=nb")
    menu = page.locator("header details.menu")
    menu.locator("summary").click()
    links = menu.locator("a")
    labels = links.all_inner_texts()
    assert "Fond og hovedbok" in " ".join(labels)
    assert not any("Frivillige" == label for label in labels)  # not finance's area
    screenshot(page, f"nav-menu-{width}")
    menu.get_by_text("Fond og hovedbok").click()
    page.wait_for_url(f"{live_server}/staff/funds")
    page.locator("header form.logout button").click()
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/staff/funds")
    assert "/auth/login" in page.url


def test_a_volunteer_sees_no_staff_menu(live_server, page):
    load_demo_data(DEMO_PASSWORD)
    browser_login(page, live_server, "volunteer")
    page.goto(f"{live_server}/me?lang=es")
    assert page.locator("header details.menu").count() == 0
    assert page.locator("header form.logout button").count() == 1
