"""Links, redirects and the Cognito round trip where the app is deployed: under
`/api` at API Gateway's own address, at the root under a custom domain."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest

from app import app
from chalicelib.auth import cognito
from chalicelib.auth import routes as auth_routes
from chalicelib.config import get_settings
from chalicelib.demo import load_demo_data
from chalicelib.web.urls import Site
from tests.conftest import DEMO_PASSWORD
from tests.gateway import EXECUTE_API_HOST, Gateway

CUSTOM_DOMAIN = "hjelp.example.org"


def login(browser: Gateway, role: str) -> object:
    form = browser.get(f"{browser.prefix}/auth/login")
    token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    return browser.post(
        f"{browser.prefix}/auth/login",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=f"email={role}%40demo.local&password={DEMO_PASSWORD}&csrf_token={token}",
    )


def test_a_link_at_the_execute_api_address_keeps_the_stage_and_its_query():
    site = Site("/api", EXECUTE_API_HOST)
    assert site.url("/donate", campaign="vinter 2026", lang="") == (
        "/api/donate?campaign=vinter+2026")
    assert site.url("/staff?done=1#transfer", lang="en") == (
        "/api/staff?done=1&lang=en#transfer")
    assert site.absolute("/auth/callback") == (
        f"https://{EXECUTE_API_HOST}/api/auth/callback")


def test_a_link_to_another_site_or_a_fragment_is_left_alone():
    site = Site("/api", EXECUTE_API_HOST)
    assert site.url("https://checkout.stripe.com/c/pay") == (
        "https://checkout.stripe.com/c/pay")
    assert site.url("#main") == "#main"


def test_the_front_page_at_the_execute_api_address_links_under_api():
    page = Gateway(app).get("/api/")
    assert page.status_code == 200
    assert 'href="/api/static/app.css"' in page.text
    assert 'href="/api/donate"' in page.text
    assert 'href="/api/?lang=en"' in page.text
    assert 'href="/donate"' not in page.text


def test_the_front_page_under_a_custom_domain_links_at_the_root():
    page = Gateway(app, host=CUSTOM_DOMAIN).get("/")
    assert 'href="/static/app.css"' in page.text
    assert 'href="/donate"' in page.text
    assert "/api/" not in page.text


def test_a_path_without_the_stage_never_reaches_the_app():
    assert Gateway(app).get("/donate").refused_by_gateway


def test_a_staff_page_sends_a_visitor_to_the_login_under_api_and_back():
    browser = Gateway(app)
    response = browser.get("/api/staff/funds")
    assert response.status_code == 302
    assert response.location == "/api/auth/login?next=/staff/funds"
    login_page = browser.get(response.location)
    assert 'action="/api/auth/login"' in login_page.text
    assert 'name="next" value="/staff/funds"' in login_page.text


def test_logging_in_at_the_execute_api_address_lands_on_the_staff_home_under_api():
    load_demo_data(DEMO_PASSWORD)
    browser = Gateway(app)
    response = login(browser, "finance")
    assert response.status_code == 303 and response.location == "/api/me"
    me = browser.get(response.location)
    assert me.location == "/api/staff"
    assert browser.get(me.location).status_code == 200


def test_logging_out_in_the_local_stage_returns_to_the_front_page_under_api():
    load_demo_data(DEMO_PASSWORD)
    browser = Gateway(app)
    login(browser, "staff")
    logout_page = browser.get("/api/auth/logout")
    assert 'action="/api/auth/logout"' in logout_page.text
    token = logout_page.text.split('name="csrf_token" value="')[1].split('"')[0]
    response = browser.post(
        "/api/auth/logout", body=f"csrf_token={token}",
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 303 and response.location == "/api/"
    assert "session" not in browser.cookies


@pytest.fixture
def prod_login(monkeypatch):
    prod = replace(get_settings(), stage="prod", cognito_client_id="client-123",
                   cognito_domain="https://hjelp-123.auth.eu-north-1.amazoncognito.com")
    monkeypatch.setattr(auth_routes, "get_settings", lambda: prod)
    monkeypatch.setattr(cognito, "get_settings", lambda: prod)
    return prod


@pytest.mark.parametrize("host, base", [
    (EXECUTE_API_HOST, f"https://{EXECUTE_API_HOST}/api"),
    (CUSTOM_DOMAIN, f"https://{CUSTOM_DOMAIN}"),
])
def test_cognito_sends_users_back_to_the_callback_where_they_came_from(
        prod_login, host, base):
    browser = Gateway(app, host=host)
    response = browser.get(f"{browser.prefix}/auth/login")
    assert response.status_code == 302
    target = urlsplit(response.location)
    assert f"{target.scheme}://{target.netloc}{target.path}" == (
        f"{prod_login.cognito_domain}/login")
    query = parse_qs(target.query)
    assert query["redirect_uri"] == [f"{base}/auth/callback"]
    assert query["client_id"] == ["client-123"]


@pytest.mark.parametrize("host, base", [
    (EXECUTE_API_HOST, f"https://{EXECUTE_API_HOST}/api"),
    (CUSTOM_DOMAIN, f"https://{CUSTOM_DOMAIN}"),
])
def test_logging_out_in_prod_ends_the_cognito_session_and_returns_to_the_front_page(
        prod_login, session_as, host, base):
    browser = Gateway(app, host=host)
    staff = session_as("staff")
    assert browser.get(f"{browser.prefix}/api/me", headers=staff.headers()).status_code \
        == 200
    headers, body = staff.form({})
    response = browser.post(f"{browser.prefix}/auth/logout", headers=headers, body=body)
    assert response.status_code == 303
    target = urlsplit(response.location)
    assert f"{target.scheme}://{target.netloc}{target.path}" == (
        f"{prod_login.cognito_domain}/logout")
    assert parse_qs(target.query) == {"client_id": ["client-123"],
                                      "logout_uri": [f"{base}/"]}
    me = browser.get(f"{browser.prefix}/api/me", headers=staff.headers())
    assert me.status_code == 401  # the app's session ended on the server too


def test_the_language_links_keep_the_rest_of_the_address():
    page = Gateway(app).get("/api/donate?campaign=vinter&lang=nb")
    assert 'href="/api/donate?lang=en&amp;campaign=vinter"' in page.text


def test_the_logout_form_may_lead_to_the_hosted_ui_in_prod(monkeypatch):
    from chalicelib.web import security

    prod = replace(get_settings(), stage="prod",
                   cognito_domain="https://hjelp-123.auth.eu-north-1.amazoncognito.com")
    monkeypatch.setattr(security, "get_settings", lambda: prod)
    policy = security.content_security_policy()
    form_action = next(p for p in policy.split("; ") if p.startswith("form-action"))
    assert form_action.split()[1:] == [
        "'self'", "https://checkout.stripe.com", "https://*.vipps.no",
        "https://*.vippsmobilepay.com", "https://hjelp-123.auth.eu-north-1.amazoncognito.com"]
