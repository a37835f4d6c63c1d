"""Forms never lose what was typed: a failed cash count and a session that
ended before the form was sent, in a real Chromium."""
import json
import time

import jwt

from chalicelib.demo import load_demo_data
from chalicelib.inkind import stock
from tests.conftest import DEMO_PASSWORD, bearer, browser_login, screenshot


def expired_token(page) -> str:
    """The browser's own session, as it looks a minute after it expired."""
    from chalicelib.auth import tokens
    current = next(c["value"] for c in page.context.cookies() if c["name"] == "session")
    user_id = jwt.decode(current, options={"verify_signature": False})["sub"]
    ended = int(time.time()) - 60
    return jwt.encode({"sub": user_id, "iss": "http://127.0.0.1/local-idp",
                       "aud": "ngo-platform", "iat": ended - 3600, "exp": ended,
                       "jti": "old"},
                      tokens._local_private_key(), algorithm="RS256")


def test_a_session_that_ended_before_sending_keeps_the_give_out_form_across_login(
        live_server, page):
    load_demo_data(DEMO_PASSWORD)
    browser_login(page, live_server, "staff")
    page.wait_for_url(f"{live_server}/staff")
    page.goto(f"{live_server}/staff/inkind?lang=nb")
    page.select_option("#d-item_id", "hygiene-pack")
    page.fill("#d-quantity", "2")
    page.fill("#d-client_code", "K-2026-031")
    page.context.add_cookies([{"name": "session", "value": expired_token(page),
                               "url": live_server}])
    page.click("form:has(#d-item_id) button[type=submit]")
    assert page.locator("h1").inner_text() == "Logg inn på nytt"
    assert "K-2026-031" in page.locator("ul.kept").inner_text()
    screenshot(page, "forms-session-ended")
    page.click("main a.button")
    page.fill("#email", "staff@demo.local")
    page.fill("#password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}/staff/inkind")
    assert page.locator("#d-client_code").input_value() == "K-2026-031"
    assert page.locator("#d-quantity").input_value() == "2"
    assert page.locator("#d-item_id").input_value() == "hygiene-pack"
    assert "Det du skrev er fylt inn igjen" in page.locator("main").inner_text()
    assert stock.quantity("hygiene-pack", "office") == 30
    page.click("form:has(#d-item_id) button[type=submit]")
    page.wait_for_selector("#flash")
    assert page.locator("#flash").inner_text() == "Varene er delt ut."
    assert stock.quantity("hygiene-pack", "office") == 28


def test_a_cash_count_in_words_comes_back_with_the_note_and_the_field_marked(
        live_server, page, client):
    load_demo_data(DEMO_PASSWORD)
    client.post("/api/cash-boxes", headers=bearer("admin"), body=json.dumps(
        {"office": "bergen", "source_fund": "general"}))
    browser_login(page, live_server, "finance")
    page.wait_for_url(f"{live_server}/staff")
    page.goto(f"{live_server}/staff/cash-boxes?lang=nb")
    page.fill("#count-cashbox-bergen-counted", "tolv hundre")
    page.fill("#count-cashbox-bergen-note", "Telt etter kveldsvakt")
    page.click("form:has(#count-cashbox-bergen-counted) button[type=submit]")
    counted = page.locator("#count-cashbox-bergen-counted")
    assert counted.input_value() == "tolv hundre"
    assert counted.get_attribute("aria-invalid") == "true"
    assert page.locator("#count-cashbox-bergen-note").input_value() == \
        "Telt etter kveldsvakt"
    assert page.locator("#count-cashbox-bergen-counted-error").inner_text() == \
        "Oppgi det opptalte beløpet."
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "forms-cash-count-phone")
