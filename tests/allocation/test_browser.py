"""The allocation view in a real Chromium, on a phone and on a desktop."""

from __future__ import annotations

import pytest

from tests.allocation.conftest import pay_demo_cash
from tests.conftest import DEMO_PASSWORD, browser_login, screenshot

SCREENS = {"phone": (390, 844), "desktop": (1280, 900)}


@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_the_view_reads_well_on_a_phone_and_a_desktop(live_server, page, screen):
    from chalicelib.demo import load_demo_data

    load_demo_data(DEMO_PASSWORD)
    pay_demo_cash()
    width, height = SCREENS[screen]
    page.set_viewport_size({"width": width, "height": height})
    browser_login(page, live_server, "admin")
    page.wait_for_url(f"{live_server}/staff")
    assert page.locator("h1").inner_text() == "Staff home"
    for panel in ("funds", "campaigns", "cash", "beds", "inkind", "tasks"):
        assert page.locator(f"section#{panel}").is_visible()
    assert page.locator("svg").count() >= 4
    # Nothing wider than the screen: no sideways scrolling on a phone.
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    path = screenshot(page, f"allocation-view-{screen}")
    assert path.stat().st_size > 10_000
    assert page.console_errors == []
    page.locator("#funds svg a text").first.click()
    page.wait_for_url(f"{live_server}/staff/funds/*")
    assert page.locator("h1").is_visible()
