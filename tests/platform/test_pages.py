"""Pages, headers, languages, errors and the audit log as users see them."""
from __future__ import annotations

import logging

import pytest

from chalicelib.audit.service import Actor, record
from chalicelib.web.i18n import negotiate
from tests.conftest import json_body


def test_every_response_carries_the_security_headers(client):
    for path in ("/", "/healthz", "/api/me", "/staff", "/static/app.css"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"]
        assert "Strict-Transport-Security" not in headers  # only outside local


def test_health_reports_the_stage_and_dynamodb(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json_body(response) == {"status": "ok", "stage": "test", "dynamodb": True}


def test_the_home_page_links_to_giving_money_items_and_volunteering(client):
    body = client.get("/").body.decode()
    for href in ('href="/donate"', 'href="/needs"', 'href="/volunteer"'):
        assert href in body
    assert '<main id="main"' in body and 'lang="nb"' in body


@pytest.mark.parametrize("query,cookie,accept,expected", [
    ("es", "en", "nb", "es"),
    (None, "en", "es", "en"),
    (None, None, "es-ES,es;q=0.9,en;q=0.8", "es"),
    (None, None, "de-DE,de;q=0.9", "nb"),
    ("xx", None, None, "nb"),
    (None, None, "no;q=0.9,en;q=0.5", "nb"),
])
def test_language_comes_from_query_then_cookie_then_accept_language(
        query, cookie, accept, expected):
    assert negotiate(query, cookie, accept) == expected


def test_the_home_page_speaks_spanish_and_remembers_it(client):
    response = client.get("/?lang=es")
    assert "Juntos contra la trata de personas" in response.body.decode()
    cookies = response.headers["Set-Cookie"]
    cookies = cookies if isinstance(cookies, list) else [cookies]
    assert any(c.startswith("lang=es") for c in cookies)
    again = client.get("/", headers={"Cookie": "lang=es"})
    assert "Juntos contra la trata de personas" in again.body.decode()


def test_staff_pages_offer_no_spanish(client, session_as):
    response = client.get("/staff?lang=es", headers=session_as("staff").headers())
    assert 'lang="nb"' in response.body.decode()


def test_an_unexpected_failure_shows_no_stack_trace_or_detail(client, monkeypatch, caplog):
    detail = "-".join(["secret", "detail", "K-2025-031"])

    def broken():
        raise RuntimeError(detail)

    monkeypatch.setattr("chalicelib.core.routes.dynamodb_answers", broken)
    with caplog.at_level(logging.ERROR, logger="ngo"):
        response = client.get("/healthz", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    assert json_body(response)["error"]["code"] == "internal_error"
    assert b"secret-detail" not in response.body and b"Traceback" not in response.body
    assert "secret-detail" not in caplog.text
    assert "RuntimeError" in caplog.text


def test_an_html_error_page_is_in_the_users_language(client, session_as):
    response = client.get("/staff/audit?lang=en", headers=session_as("finance").headers())
    assert response.status_code == 403
    assert "You do not have access to this." in response.body.decode()


def test_admins_see_recent_audit_entries_without_client_data(client, session_as):
    record(Actor("u-staff", ("staff",)), "read", "client", "K-2025-031")
    response = client.get("/staff/audit", headers=session_as("admin").headers())
    body = response.body.decode()
    assert response.status_code == 200
    assert "u-staff" in body and "K-2025-031" in body


def test_an_unknown_route_is_not_a_stack_trace(client):
    response = client.get("/no/such/page")
    assert response.status_code in (403, 404)
    assert b"Traceback" not in response.body


def test_healthz_answers_503_with_a_json_error_when_dynamodb_refuses_connections(
        client, monkeypatch):
    from devtools.localstack import free_port

    monkeypatch.setattr("chalicelib.core.health._endpoint",
                        lambda: f"http://127.0.0.1:{free_port()}")  # nobody listens
    response = client.get("/healthz", headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert json_body(response)["error"]["code"] == "dynamodb_unavailable"
    monkeypatch.undo()
    assert client.get("/healthz").status_code == 200


def test_outside_local_responses_demand_https(monkeypatch):
    from dataclasses import replace

    from chalicelib.config import get_settings
    from chalicelib.web import security

    prod = replace(get_settings(), stage="prod")
    monkeypatch.setattr(security, "get_settings", lambda: prod)
    headers: dict = {}
    security.add_security_headers(headers)
    assert headers["Strict-Transport-Security"].startswith("max-age=")

