"""One form mechanism: a form sent after the session ended is not lost."""
from __future__ import annotations

import time
from urllib.parse import urlencode

import jwt
import pytest

from chalicelib.inkind import demo, stock
from tests.form_helpers import read_page

FORM = {"_form": "d", "action": "distribute", "item_id": "hygiene-pack",
        "quantity": "3", "location": "office", "client_code": "K-2026-031",
        "children": "0", "request_id": "after-expiry-1", "csrf_token": "old-token"}


@pytest.fixture
def demo_data():
    demo.load()


def expired_session(user_id: str = "u-staff", ended_seconds_ago: int = 60) -> str:
    from chalicelib.auth import tokens
    ended = int(time.time()) - ended_seconds_ago
    token = jwt.encode({"sub": user_id, "iss": "http://127.0.0.1/local-idp",
                        "aud": "ngo-platform", "iat": ended - 3600, "exp": ended,
                        "jti": "j1"},
                       tokens._local_private_key(), algorithm="RS256")
    return f"session={token}"


def cookies_of(response) -> dict[str, str]:
    headers = response.headers.get("Set-Cookie") or []
    headers = headers if isinstance(headers, list) else [headers]
    return {h.split("=", 1)[0]: h.split(";")[0].split("=", 1)[1] for h in headers}


def post_after_expiry(client, site="same-origin", cookie=None):
    return client.post("/staff/inkind/movements", body=urlencode(FORM), headers={
        "Cookie": cookie or expired_session(), "Sec-Fetch-Site": site,
        "Content-Type": "application/x-www-form-urlencoded"})


def test_a_form_sent_after_the_session_ended_asks_to_log_in_and_lists_what_was_typed(
        client, demo_data):
    response = post_after_expiry(client)
    html = response.body.decode()
    assert response.status_code == 401
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Økten din er utløpt, så dette ble ikke lagret." in html
    assert "<li>K-2026-031</li>" in html
    assert 'href="/auth/login?next=%2Fstaff%2Finkind"' in html
    assert "old-token" not in html
    assert stock.quantity("hygiene-pack", "office") == 30


def test_after_logging_in_again_the_form_is_filled_in_with_what_was_typed(
        client, session_as, demo_data):
    kept = cookies_of(post_after_expiry(client))["kept_form"]
    session = session_as("staff")
    response = client.get("/staff/inkind", headers={
        "Cookie": f"{session.cookie}; kept_form={kept}"})
    page = read_page(response.body.decode())
    assert response.status_code == 200
    assert page.by_id["d-client_code"].attrs["value"] == "K-2026-031"
    assert page.by_id["d-quantity"].attrs["value"] == "3"
    assert page.by_id["d-item_id"].selected == ["hygiene-pack"]
    assert not page.by_id["d-quantity"].invalid
    assert "Det du skrev er fylt inn igjen" in response.body.decode()
    assert cookies_of(response)["kept_form"] == ""  # filled in once
    assert stock.quantity("hygiene-pack", "office") == 30


def test_kept_values_fill_only_their_own_page_and_only_when_signed(
        client, session_as, demo_data):
    kept = cookies_of(post_after_expiry(client))["kept_form"]
    session = session_as("staff")
    elsewhere = client.get("/staff/inkind/receipts", headers={
        "Cookie": f"{session.cookie}; kept_form={kept}"})
    assert "K-2026-031" not in elsewhere.body.decode()
    forged = kept[:-4] + ("0000" if not kept.endswith("0000") else "1111")
    page = client.get("/staff/inkind", headers={
        "Cookie": f"{session.cookie}; kept_form={forged}"})
    assert "K-2026-031" not in page.body.decode()


def test_the_api_still_answers_401_json_without_a_session(client):
    response = client.post("/api/inkind/distributions", body="{}", headers={
        "Content-Type": "application/json"})
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/json"


def test_a_form_sent_from_another_site_without_a_session_keeps_nothing(client):
    response = post_after_expiry(client, site="cross-site")
    assert response.status_code == 401
    assert "kept_form" not in cookies_of(response)
    assert "K-2026-031" not in response.body.decode()


def test_a_form_opened_before_the_last_login_comes_back_filled_in_not_applied(
        client, session_as, demo_data):
    session = session_as("staff")
    body = urlencode({**FORM, "csrf_token": "token-of-an-earlier-session"})
    response = client.post("/staff/inkind/movements", body=body, headers={
        "Cookie": session.cookie, "Sec-Fetch-Site": "same-origin",
        "Content-Type": "application/x-www-form-urlencoded"})
    page = read_page(response.body.decode())
    assert response.status_code == 403
    assert page.by_id["d-client_code"].attrs["value"] == "K-2026-031"
    assert "Skjemaet ble åpnet før du logget inn sist" in response.body.decode()
    assert stock.quantity("hygiene-pack", "office") == 30


def test_a_cross_site_post_with_a_session_still_gets_the_plain_refusal(
        client, session_as, demo_data):
    body = urlencode({**FORM, "csrf_token": "forged"})
    response = client.post("/staff/inkind/movements", body=body, headers={
        "Cookie": session_as("staff").cookie, "Sec-Fetch-Site": "cross-site",
        "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 403
    assert "K-2026-031" not in response.body.decode()


def test_on_a_shared_computer_the_next_person_to_log_in_never_sees_the_kept_values(
        client, session_as, demo_data):
    kept = cookies_of(post_after_expiry(client))["kept_form"]  # u-staff's form
    other = session_as("staff", "u-colleague")
    response = client.get("/staff/inkind", headers={
        "Cookie": f"{other.cookie}; kept_form={kept}"})
    page = read_page(response.body.decode())
    assert page.by_id["d-client_code"].attrs.get("value", "") == ""
    assert "K-2026-031" not in response.body.decode()
    assert cookies_of(response)["kept_form"] == ""  # dropped at once


def test_a_form_sent_without_any_session_of_ours_lists_the_values_but_keeps_none(
        client, demo_data):
    for cookie in ("session=not-a-token", expired_session(ended_seconds_ago=3 * 86400)):
        response = post_after_expiry(client, cookie=cookie)
        assert response.status_code == 401
        assert "kept_form" not in cookies_of(response)
        assert "Logg inn igjen og send skjemaet en gang til." in response.body.decode()

