"""Logging in and out, tokens and roles, as users and API clients see them."""
from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.demo import load_demo_data
from tests.conftest import DEMO_PASSWORD, bearer, json_body


@pytest.fixture
def demo_users():
    load_demo_data(DEMO_PASSWORD)


def login_form(client, email, password, next_page=None):
    page = client.get("/auth/login")
    anon = page.headers["Set-Cookie"]
    anon = anon if isinstance(anon, str) else anon[0]
    cookie = anon.split(";")[0]
    token = page.body.decode().split('name="csrf_token" value="')[1].split('"')[0]
    fields = {"email": email, "password": password, "csrf_token": token}
    if next_page is not None:
        fields["next"] = next_page
    body = urlencode(fields)
    return client.post("/auth/login", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})


def session_cookie(response) -> str:
    cookies = response.headers.get("Set-Cookie")
    cookies = cookies if isinstance(cookies, list) else [cookies]
    for cookie in cookies:
        if cookie.startswith("session="):
            return cookie
    raise AssertionError("no session cookie")


def test_staff_logs_in_with_the_form_and_sees_the_staff_home(client, demo_users):
    response = login_form(client, "staff@demo.local", DEMO_PASSWORD)
    assert response.status_code == 303
    cookie = session_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    home = client.get("/staff", headers={"Cookie": cookie.split(";")[0]})
    assert home.status_code == 200
    assert "staff@demo.local" in home.body.decode()


def test_a_wrong_password_and_an_unknown_user_get_the_same_message(client, demo_users):
    wrong = login_form(client, "staff@demo.local", "nope")
    unknown = login_form(client, "nobody@demo.local", "nope")
    assert wrong.status_code == unknown.status_code == 401
    assert "Feil e-post eller passord." in wrong.body.decode()
    assert "Feil e-post eller passord." in unknown.body.decode()


class Clock:
    """The throttle's clock, moved by hand (no test waits)."""

    def __init__(self):
        self.now = 1_800_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    from chalicelib.auth import throttle
    moved = Clock()
    monkeypatch.setattr(throttle, "clock", moved)
    return moved


def wrong_logins_until_delayed(client, email):
    for attempt in range(1, 20):
        response = login_form(client, email, "wrong")
        if response.status_code == 429:
            return attempt, response
        assert response.status_code == 401
    raise AssertionError("never delayed")


def test_repeated_wrong_passwords_delay_never_lock_the_right_password_out_after_the_delay(
        client, demo_users, clock):
    attempts, delayed = wrong_logins_until_delayed(client, "finance@demo.local")
    assert attempts == 4  # three wrong ones cost nothing
    wait = int(delayed.headers["Retry-After"])
    assert 1 <= wait <= 30
    assert f"Vent {wait} sekunder" in delayed.body.decode()  # bokmål, the form again
    assert 'name="password"' in delayed.body.decode()
    right_too_early = login_form(client, "finance@demo.local", DEMO_PASSWORD)
    assert right_too_early.status_code == 429
    clock.now += wait
    assert login_form(client, "finance@demo.local", DEMO_PASSWORD).status_code == 303


def test_a_stranger_hammering_an_account_makes_it_wait_at_most_30_seconds(
        client, demo_users, clock):
    from chalicelib.auth import service, throttle
    from chalicelib.errors import Unauthenticated
    waits = []
    for attempt in range(40):  # each from another address: only the account's cap
        try:
            service.login("coordinator@demo.local", "wrong", f"10.0.0.{attempt}")
        except throttle.LoginDelayed as delayed:
            waits.append(delayed.retry_after)
            clock.now += delayed.retry_after
        except Unauthenticated:
            pass
    assert max(waits) == 30 and waits == sorted(waits)
    assert service.login("coordinator@demo.local", DEMO_PASSWORD, "10.0.1.1")


def test_one_address_trying_many_accounts_waits_up_to_five_minutes(
        client, demo_users, clock):
    from chalicelib.auth import service, throttle
    from chalicelib.errors import Unauthenticated
    waits = []
    for attempt in range(60):
        try:
            service.login(f"guess{attempt}@demo.local", "wrong", "10.9.9.9")
        except throttle.LoginDelayed as delayed:
            waits.append(delayed.retry_after)
            clock.now += delayed.retry_after
        except Unauthenticated:
            pass
    assert max(waits) == 300
    assert service.login("staff@demo.local", DEMO_PASSWORD, "10.1.1.1")


def test_hammering_during_a_delay_does_not_lengthen_it(client, demo_users, clock):
    _attempts, delayed = wrong_logins_until_delayed(client, "staff@demo.local")
    wait = int(delayed.headers["Retry-After"])
    for _ in range(10):
        again = login_form(client, "staff@demo.local", "wrong")
        assert again.status_code == 429
        assert int(again.headers["Retry-After"]) <= wait
    clock.now += wait
    assert login_form(client, "staff@demo.local", DEMO_PASSWORD).status_code == 303


def test_an_api_client_waiting_gets_429_json_with_retry_after(client, demo_users, clock):
    body = json.dumps({"email": "admin@demo.local", "password": "wrong"})
    headers = {"Content-Type": "application/json", "Accept-Language": "en"}
    statuses = [client.post("/auth/token", headers=headers, body=body)
                for _ in range(4)]
    assert [r.status_code for r in statuses] == [401, 401, 401, 429]
    delayed = statuses[-1]
    assert json_body(delayed)["error"]["code"] == "too_many_requests"
    wait = delayed.headers["Retry-After"]
    assert f"wait {wait} seconds" in json_body(delayed)["error"]["message"]


def test_wrong_logins_are_forgotten_an_hour_after_the_last(client, demo_users, clock):
    for _ in range(3):
        login_form(client, "finance@demo.local", "wrong")
    clock.now += 3600
    assert login_form(client, "finance@demo.local", "wrong").status_code == 401


def test_api_clients_get_a_bearer_token(client, demo_users):
    response = client.post("/auth/token", headers={"Content-Type": "application/json"},
                           body=json.dumps({"email": "admin@demo.local",
                                            "password": DEMO_PASSWORD}))
    token = json_body(response)["access_token"]
    me = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert json_body(me)["roles"] == ["admin"]


def test_without_a_session_the_api_answers_401_json_and_pages_redirect(client):
    api = client.get("/api/me")
    assert api.status_code == 401
    assert json_body(api)["error"]["code"] == "unauthenticated"
    page = client.get("/staff")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/auth/login")


def test_a_volunteer_is_refused_the_staff_home(client, session_as):
    response = client.get("/staff", headers=session_as("volunteer").headers())
    assert response.status_code == 403
    assert "<html" in response.body.decode()


@pytest.mark.parametrize("token", [
    "not-a-token",
    "a.b.c",
    jwt.encode({"sub": "x", "iss": "http://127.0.0.1/local-idp", "aud": "ngo-platform",
                "iat": int(time.time()), "exp": int(time.time()) + 60},
               rsa.generate_private_key(public_exponent=65537, key_size=2048),
               algorithm="RS256"),
])
def test_malformed_or_foreign_tokens_get_401(client, token):
    response = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert json_body(response)["error"]["code"] == "unauthenticated"


def test_an_expired_token_gets_401_with_a_clear_message(client):
    from chalicelib.auth import tokens
    key = tokens._local_private_key()
    expired = jwt.encode({"sub": "u", "iss": "http://127.0.0.1/local-idp",
                          "aud": "ngo-platform", "iat": 1, "exp": 2}, key,
                         algorithm="RS256")
    response = client.get("/api/me", headers={"Authorization": f"Bearer {expired}",
                                              "Accept-Language": "en"})
    assert response.status_code == 401
    assert "expired" in json_body(response)["error"]["message"]


def test_a_malformed_session_cookie_is_treated_as_no_session(client):
    response = client.get("/staff", headers={"Cookie": "session=garbage; lang=xx"})
    assert response.status_code == 302


def test_logout_ends_the_session(client, session_as):
    session = session_as("staff")
    headers, body = session.form({})
    assert client.post("/auth/logout", headers=headers, body=body).status_code == 303
    assert client.get("/staff", headers=session.headers()).status_code == 302


def test_a_form_post_without_csrf_token_is_refused(client, session_as):
    headers, body = session_as("staff").form({}, with_csrf=False)
    response = client.post("/auth/logout", headers=headers, body=body)
    assert response.status_code == 403


def test_bearer_calls_need_no_csrf_token(client):
    response = client.get("/api/me", headers=bearer("finance"))
    assert response.status_code == 200


def test_a_json_call_authenticated_by_cookie_needs_the_csrf_header(client, session_as,
                                                                    demo_users):
    session = session_as("staff")
    body = json.dumps({"email": "staff@demo.local", "password": DEMO_PASSWORD})
    refused = client.post("/auth/token", body=body, headers=session.headers(
        **{"Content-Type": "application/json"}))
    assert refused.status_code == 403
    assert json_body(refused)["error"]["code"] == "csrf_failed"
    accepted = client.post("/auth/token", body=body, headers=session.headers(
        **{"Content-Type": "application/json", "X-CSRF-Token": session.csrf}))
    assert accepted.status_code == 200


@pytest.mark.parametrize("target", [
    "//evil.example", "/\\evil.example", "/\\/evil.example", "\\\\evil.example",
    "https://evil.example", "http:/evil.example", "javascript:alert(1)",
    "///evil.example", "/\t/evil.example", "\t//evil.example", " //evil.example",
    "/\n/evil.example", "/\r/evil.example", "/staff\r\nSet-Cookie: x=1",
    "/staff\nLocation: //evil.example", "/\u3000/evil.example",
    "/\u2028/evil.example", "/\uff0f/evil.example", "/\uff3c/evil.example",
    "/\x00/evil.example", "/%5C%5Cevil", ""])
def test_after_login_a_next_page_on_another_site_goes_home_instead(
        client, demo_users, target):
    response = login_form(client, "staff@demo.local", DEMO_PASSWORD, next_page=target)
    assert response.status_code in (302, 303)
    location = response.headers["Location"]
    assert location.startswith("/") and location[1:2] not in ("/", "\\")
    assert "\\" not in location and "\r" not in location and "\n" not in location
    assert location.isascii() and location.isprintable()
    assert location.endswith("/me") or location == "/%5C%5Cevil"  # a path here


def test_after_login_the_page_asked_for_opens(client, demo_users):
    response = login_form(client, "staff@demo.local", DEMO_PASSWORD,
                          next_page="/staff/donations?fund=general")
    assert response.headers["Location"].endswith("/staff/donations?fund=general")
