"""Money moves under the failures real DynamoDB answers (moto never does):
conflicts and throttling are tried again, a lost answer after commit is
answered as done, and past the retry budget nothing is written."""

from __future__ import annotations

import json

from chalicelib.audit.models import AuditEntry
from chalicelib.funds.models import LedgerEntry
from tests.conftest import bearer
from tests.money_helpers import balance, make_fund

TRANSFER = {"from_fund": "general", "to_fund": "winter", "amount": 10_000,
            "reason": "winter coats"}


def _funds() -> None:
    make_fund("general", nok=500)
    make_fund("winter")


def _audited(record_type: str) -> int:
    return sum(1 for e in AuditEntry.scan() if e.record_type == record_type)


def _transfer(client, key: str | None = "k-1", body: dict | None = None):
    headers = bearer("finance")
    if key:
        headers["Idempotency-Key"] = key
    return client.post("/api/funds/transfers", headers=headers,
                       body=json.dumps(body or TRANSFER))


def test_a_transfer_meeting_a_transaction_conflict_is_tried_again_and_moves_once(
        client, faults):
    _funds()
    before = faults.seen["TransactWriteItems"]
    faults.fail("TransactWriteItems", "TransactionConflict", times=2)
    response = _transfer(client)
    assert response.status_code == 201
    assert (balance("general"), balance("winter")) == (40_000, 10_000)
    assert faults.seen["TransactWriteItems"] - before == 3
    assert _audited("transfer") == 1


def test_throttling_beyond_botocores_own_retries_is_tried_again(
        client, faults, monkeypatch):
    _funds()
    monkeypatch.setenv("DB_RETRY_BUDGET_MS", "15000")  # botocore waits up to 3 s
    faults.fail("TransactWriteItems", "ProvisionedThroughputExceededException",
                times=3)  # botocore's three attempts, then the unit of work's
    response = _transfer(client)
    assert response.status_code == 201
    assert balance("winter") == 10_000


def test_a_transfer_whose_answer_is_lost_after_commit_is_answered_as_done_once(
        client, faults):
    _funds()
    faults.fail("TransactWriteItems", "drop_after_commit")
    response = _transfer(client)
    # botocore sent it again with the same token: DynamoDB's "done" answer.
    assert faults.token_replays == 1
    assert response.status_code == 201
    assert json.loads(response.body)["movement_id"]
    again = _transfer(client)
    assert again.status_code == 200
    assert (balance("general"), balance("winter")) == (40_000, 10_000)
    assert _audited("transfer") == 1


def test_past_the_retry_budget_the_api_answers_503_busy_and_nothing_is_written(
        client, faults):
    _funds()
    entries_before = sum(1 for _ in LedgerEntry.scan())
    faults.fail_always("TransactWriteItems", "InternalServerError")
    response = _transfer(client)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert json.loads(response.body)["error"]["code"] == "busy"
    faults.always.clear()
    assert (balance("general"), balance("winter")) == (50_000, 0)
    assert sum(1 for _ in LedgerEntry.scan()) == entries_before
    assert _audited("transfer") == 0


def test_a_busy_transfer_form_answers_a_page_that_sends_the_same_form_again(
        client, faults, session_as):
    _funds()
    faults.fail_always("TransactWriteItems", "TransactionConflict")
    finance = session_as("finance")
    headers, body = finance.form({"action": "transfer", "from_fund": "general",
                                  "to_fund": "winter", "amount": "100",
                                  "reason": "coats for the shelter",
                                  "idempotency_key": "page-nonce-1"})
    response = client.post("/staff/funds", headers=headers, body=body)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    page = response.body.decode()
    assert 'value="coats for the shelter"' in page
    assert 'action="/staff/funds"' in page
    assert 'value="page-nonce-1"' in page
    faults.always.clear()
    assert balance("winter") == 0
    again = client.post("/staff/funds", headers=headers, body=body)
    assert again.status_code == 303 and again.headers["Location"] == "/staff/funds"
    assert balance("winter") == 10_000


def test_a_read_that_stays_throttled_answers_503_busy_not_a_500(client, faults):
    _funds()
    faults.fail_always("GetItem", "ProvisionedThroughputExceededException")
    response = _transfer(client)
    faults.always.clear()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert json.loads(response.body)["error"]["code"] == "busy"
    assert (balance("general"), balance("winter")) == (50_000, 0)
    assert _transfer(client).status_code == 201


def test_a_stripe_event_meeting_a_transaction_conflict_is_tried_again_and_recorded(
        client, faults, monkeypatch):
    from chalicelib.donations.models import StripeEvent
    from chalicelib.donations.settings import donation_settings
    from tests.donations.conftest import (
        WEBHOOK_SECRET,
        deliver,
        event,
        session_completed,
    )

    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    donation_settings.cache_clear()
    _funds()
    expired = event("evt_expired_1", "checkout.session.expired",
                    session_completed(1, 100, paid=False))
    faults.fail("TransactWriteItems", "TransactionConflict", times=2)
    response = deliver(client, expired)
    donation_settings.cache_clear()
    assert response.status_code == 200
    assert StripeEvent.get("evt_expired_1").event_type == "checkout.session.expired"
    assert _audited("stripe_event") == 1


def test_a_read_audit_entry_whose_answer_is_lost_is_written_once_and_the_page_shown(
        client, faults):
    faults.fail("PutItem", "drop_after_commit")
    response = client.get("/api/clients/K-2025-031/disbursements",
                          headers=bearer("staff"))
    assert response.status_code == 200
    reads = [e for e in AuditEntry.scan() if e.action == "read"]
    assert [(e.record_type, e.record_id) for e in reads] == [("client", "K-2025-031")]


def test_a_pledge_meeting_a_transaction_conflict_is_tried_again_counted_once(
        client, faults):
    from chalicelib.inkind import demo, needs

    demo.load()
    before, logged = needs.get_need("demo-need-hygiene").pledged, _audited("pledge")
    faults.fail("TransactWriteItems", "TransactionConflict", times=2)
    response = client.post(
        "/api/needs/demo-need-hygiene/pledges", headers={
            "Content-Type": "application/json", "Idempotency-Key": "pledge-1"},
        body=json.dumps({"giver": "Fjellby Rotary", "contact": "+47 22 33 44 55",
                         "quantity": 3}))
    assert response.status_code == 201
    assert needs.get_need("demo-need-hygiene").pledged == before + 3
    assert _audited("pledge") == logged + 1


def test_a_nightly_job_whose_claim_answer_is_lost_still_runs_once(faults):
    from chalicelib.core import jobs

    runs = []
    faults.fail("PutItem", "drop_after_commit")
    outcome = jobs.run_once("reconcile", "2026-12-04", lambda: runs.append(1) or {})
    assert (outcome.status, runs) == ("done", [1])
    again = jobs.run_once("reconcile", "2026-12-04", lambda: runs.append(2) or {})
    assert (again.status, runs) == ("skipped", [1])


def test_a_queued_job_request_whose_answer_is_lost_says_it_was_queued(faults):
    from chalicelib.core import jobs

    faults.fail("PutItem", "drop_after_commit")
    assert jobs.request("reconcile") is True
    assert jobs.request("reconcile") is False  # one queued already


def test_a_requested_reconciliation_whose_take_answer_is_lost_still_runs(faults):
    from chalicelib.core import jobs

    assert jobs.request("reconcile") is True
    faults.fail("UpdateItem", "drop_after_commit")
    faults.fail("DeleteItem", "drop_after_commit")
    assert jobs.take_request("reconcile") is True
    assert jobs.is_requested("reconcile") is False
    assert jobs.take_request("reconcile") is False


def test_a_transfer_answered_500_after_it_committed_moves_once_and_says_created(
        client, faults):
    _funds()
    faults.fail("TransactWriteItems", "error_after_commit")
    response = _transfer(client)
    assert response.status_code == 201
    assert (balance("general"), balance("winter")) == (40_000, 10_000)
    assert _audited("transfer") == 1


def test_a_gift_is_audit_logged_once_in_its_transaction_even_when_its_answer_is_lost(
        client, faults):
    from tests.gifts.test_gifts import GIFT

    make_fund("victims")
    faults.fail("TransactWriteItems", "drop_after_commit")
    response = client.post("/api/gifts", body=json.dumps(GIFT),
                           headers=bearer("finance"))
    again = client.post("/api/gifts", body=json.dumps(GIFT), headers=bearer("finance"))
    assert (response.status_code, again.status_code) == (201, 200)
    assert balance("victims") == GIFT["amount"]
    assert _audited("gift") == 1


def test_a_new_campaign_and_its_audit_entry_are_written_together(faults):
    from chalicelib.audit.service import Actor
    from chalicelib.donations import campaigns

    make_fund("general")
    data = campaigns.CampaignInput("winter-2026", {"nb": "Vinter", "en": "Winter",
                                                   "es": "Invierno"}, "general",
                                   100_000, "2026-12-01", "2026-12-31", True)
    faults.fail("TransactWriteItems", "drop_after_commit")
    # Were the entry a put of its own after the campaign's, it would be lost.
    faults.fail("PutItem", "forward")
    faults.fail("PutItem", "InternalServerError", times=3)
    campaigns.create_campaign(data, Actor("u-admin", ("admin",)))
    faults.queues.clear()
    assert _audited("campaign") == 1
