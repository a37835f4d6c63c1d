"""Who saw a client, who read money lists and who logged in shows in the audit log."""
from __future__ import annotations

from urllib.parse import urlencode

import pytest

from chalicelib.audit.models import AuditEntry
from chalicelib.demo import load_demo_data
from tests.conftest import DEMO_PASSWORD
from tests.shelters.helpers import make_shelter


def entries(action: str, record_type: str) -> list[AuditEntry]:
    return [e for e in AuditEntry.scan()
            if e.action == action and e.record_type == record_type]


@pytest.fixture
def demo_users():
    load_demo_data(DEMO_PASSWORD)


def login(client, email, password):
    page = client.get("/auth/login")
    cookie = page.headers["Set-Cookie"]
    cookie = (cookie if isinstance(cookie, str) else cookie[0]).split(";")[0]
    token = page.body.decode().split('name="csrf_token" value="')[1].split('"')[0]
    body = urlencode({"email": email, "password": password, "csrf_token": token})
    return client.post("/auth/login", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})


def test_the_shelter_page_logs_a_read_of_each_client_it_shows(client, session_as):
    make_shelter(total=2)
    coordinator = session_as("coordinator")
    headers, body = coordinator.form({"client_code": "K-2025-031", "hours": "4",
                                      "request_key": "k1"})
    client.post("/staff/shelters/sh-test/holds", headers=headers, body=body)
    before = len(entries("read", "client"))
    page = client.get("/staff/shelters/sh-test", headers=coordinator.headers())
    assert "K-2025-031" in page.body.decode()
    reads = entries("read", "client")
    assert len(reads) >= before + 1
    assert "K-2025-031" in {e.record_id for e in reads}


def test_reading_the_audit_log_is_itself_logged(client, session_as):
    client.get("/staff/audit", headers=session_as("admin").headers())
    assert entries("read", "audit")


@pytest.mark.parametrize(("path", "record_type"), [
    ("/staff/gifts", "gift"), ("/staff/cash-boxes", "cash_box"),
    ("/staff/inkind/thanks", "thank_you_list")])
def test_finance_lists_are_logged_as_reads(client, session_as, path, record_type):
    response = client.get(path, headers=session_as("finance").headers())
    assert response.status_code == 200
    assert entries("read", record_type)


def test_logins_failed_logins_and_logouts_are_logged_without_the_address(
        client, demo_users):
    login(client, "staff@demo.local", "wrong")
    login(client, "staff@demo.local", DEMO_PASSWORD)
    failed = entries("login_failed", "login")
    assert len(failed) == 1 and "staff" not in failed[0].record_id
    assert "@" not in failed[0].record_id
    assert len(entries("login", "session")) == 1
