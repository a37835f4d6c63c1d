"""/staff/operations, as the admin on call reads it: how the nightly jobs
went, which mail was given up (and sending it again), and legal holds."""
from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.audit.models import AuditEntry
from chalicelib.core import jobs
from chalicelib.core.models import LegalHold, OutboxMessage

DONOR = "marte.donor@example.org"


def failed_message() -> None:
    now = datetime.now(UTC)
    OutboxMessage("m-1", to=DONOR, subject="Takk for gaven", body="Takk",
                  status="failed", attempts=3, due=now.isoformat(),
                  last_error="MessageRejected", created_at=now).save()


def test_the_admin_sees_each_jobs_last_run_and_the_mail_given_up_without_addresses(
        client, session_as):
    jobs.run_once("retention", "2026-12-01", lambda: {"clients": 0})
    failed_message()
    page = client.get("/staff/operations", headers=session_as("admin").headers())
    text = page.body.decode()
    assert page.status_code == 200
    assert "Retensjon" in text and "Fullført" in text and "Ikke kjørt ennå" in text
    assert "m***@example.org" in text and DONOR not in text
    assert "MessageRejected" in text
    assert any(e.record_type == "outbox" and e.action == "read"
               for e in AuditEntry.scan())


def test_sending_a_given_up_message_again_queues_it(client, session_as):
    failed_message()
    admin = session_as("admin")
    headers, body = admin.form({"action": "resend", "message_id": "m-1"})
    page = client.post("/staff/operations", body=body, headers=headers)
    assert "sendes på nytt innen 15 minutter" in page.body.decode()
    assert OutboxMessage.get("m-1").status == "pending"


def test_a_legal_hold_is_placed_shown_and_lifted_from_the_page(client, session_as):
    admin = session_as("admin")
    headers, body = admin.form({"action": "hold", "client_code": "k-2025-031"})
    text = client.post("/staff/operations", body=body, headers=headers).body.decode()
    assert "K-2025-031 har juridisk sperre" in text
    assert [h.client_code for h in LegalHold.scan()] == ["K-2025-031"]
    headers, body = admin.form({"action": "lift", "client_code": "K-2025-031"})
    text = client.post("/staff/operations", body=body, headers=headers).body.decode()
    assert "Ingen klientkode har juridisk sperre" in text
    assert list(LegalHold.scan()) == []


def test_a_name_instead_of_a_code_is_refused_on_the_same_form_in_english(
        client, session_as):
    admin = session_as("admin")
    headers, body = admin.form({"_form": "hold", "action": "hold",
                                "client_code": "Maria Hansen"})
    page = client.post("/staff/operations?lang=en", body=body,
                       headers={**headers, "Accept-Language": "en"})
    text = page.body.decode()
    assert page.status_code == 422
    assert "Use a client code like K-2025-031." in text
    assert 'value="Maria Hansen"' in text and 'aria-invalid="true"' in text
    assert list(LegalHold.scan()) == []


def test_only_admins_reach_the_operations_page(client, session_as):
    for role in ("staff", "finance", "coordinator"):
        page = client.get("/staff/operations", headers=session_as(role).headers())
        assert page.status_code == 403, role
