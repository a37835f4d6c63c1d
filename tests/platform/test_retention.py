"""Retention: records of a client inactive for 24 months are anonymised by the
nightly job, every figure of the annual report stays the same, and a legal
hold stops it."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.allocation.report import annual_report
from chalicelib.audit.models import AuditEntry
from chalicelib.audit.service import Actor
from chalicelib.core import retention
from chalicelib.core.clock import oslo_date
from chalicelib.core.models import JobRun
from chalicelib.disbursements.models import Bridging, Disbursement
from chalicelib.inkind import service as inkind
from chalicelib.inkind.models import StockMovement
from chalicelib.shelters import service as shelters
from chalicelib.shelters.models import Hold, Stay
from tests.conftest import bearer
from tests.inkind.helpers import STAFF, add_items, receive
from tests.money_helpers import make_fund
from tests.shelters.helpers import COORDINATOR, make_shelter

ADMIN = Actor("u-admin", ("admin",))
OLD, RECENT, HELD = "K-2024-001", "K-2024-002", "K-2024-003"
NOTE = "Til bussbillett, avtalt med NAV"


def figures() -> list[tuple]:
    year = datetime.now(UTC).year
    return [(f.section, f.key, f.count, f.amount, f.quantity)
            for f in annual_report(year, lambda text: text).figures]


def client_activity(client, code: str) -> None:
    for amount in (25_000, 10_000):  # two payments: one client in the figures
        paid = client.post("/api/disbursements", body=json.dumps({
            "client_code": code, "amount": amount, "purpose": "food",
            "method": "payment_card", "fund_id": "general", "note": NOTE}),
            headers=bearer("staff"))
        assert paid.status_code == 201, paid.body
    assert client.put(f"/api/clients/{code}/bridging", body=json.dumps(
        {"expected_payout": "2025-01-31"}), headers=bearer("staff")).status_code == 200
    hold = shelters.place_hold("sh-a", code, 24, COORDINATOR)
    stay = shelters.check_in(hold.hold_id, COORDINATOR)
    shelters.check_out(stay.stay_id, COORDINATOR,
                       now=datetime.now(UTC) + timedelta(days=3))
    inkind.distribute(f"d-{code}", "hygiene-pack", 1, "office", STAFF, client_code=code)


@pytest.fixture
def history(client):
    make_fund("general", nok=10_000)
    make_shelter("sh-a", total=5)
    add_items()
    receive("hygiene-pack", 10)
    for code in (OLD, RECENT, HELD):
        client_activity(client, code)
    retention.place_hold(HELD, ADMIN)
    return datetime.now(UTC)


def codes_in_records() -> set[str]:
    found = {str(d.client_code) for d in Disbursement.scan()}
    found |= {str(h.client_code) for h in Hold.scan()}
    found |= {str(s.client_code) for s in Stay.scan()}
    found |= {str(m.recipient_id) for m in StockMovement.scan()
              if m.recipient_type == "client"}
    return found | {str(b.client_code) for b in Bridging.scan()}


def test_an_inactive_clients_records_are_anonymised_and_every_figure_is_unchanged(
        client, history):
    before = figures()
    later = history + timedelta(days=25 * 31)
    # The recent client came back a month before the run.
    for item in Disbursement.scan(Disbursement.client_code == RECENT):
        item.update(actions=[Disbursement.created_at.set(later - timedelta(days=30))])

    outcome = retention.nightly(now=later)

    assert outcome.status == "done"
    assert outcome.result == {"clients": 1, "held": 1, "records": {
        "bridging": 1, "disbursement": 2, "distribution": 1, "hold": 1, "stay": 1}}
    left = codes_in_records()
    assert OLD not in left and {RECENT, HELD} <= left
    token = retention.token_for(OLD)
    assert token.startswith("ANON-") and token in left
    anonymised = [d for d in Disbursement.scan() if d.client_code == token]
    assert len(anonymised) == 2 and {d.note for d in anonymised} == {None}
    assert sorted(d.amount for d in anonymised) == [10_000, 25_000]
    kept = [d for d in Disbursement.scan() if d.client_code == HELD]
    assert kept[0].note == NOTE
    assert figures() == before


def test_a_second_run_the_same_night_or_the_next_changes_nothing(client, history):
    later = history + timedelta(days=800)
    assert retention.nightly(now=later).result["clients"] == 2
    assert retention.nightly(now=later).status == "skipped"
    next_night = retention.nightly(now=later + timedelta(days=1))
    assert next_night.status == "done"
    assert next_night.result == {"clients": 0, "held": 1, "records": {}}
    runs = [e for e in AuditEntry.scan() if e.record_type == "retention-run"]
    assert len(runs) == 2 and all(e.actor == "system" for e in runs)
    assert json.loads(JobRun.get(retention.JOB, runs[0].record_id).result)["held"] == 1


def test_clients_with_an_open_stay_a_pending_payment_or_a_payout_to_come_are_kept(
        client, history):
    hold = shelters.place_hold("sh-a", OLD, 24, COORDINATOR)
    shelters.check_in(hold.hold_id, COORDINATOR)  # staying, for years
    Bridging(RECENT, expected_payout="2099-01-31", updated_by="u-staff",
             updated_at=history).save()
    result = retention.anonymise_inactive(history + timedelta(days=800))
    assert result["clients"] == 0
    assert {OLD, RECENT, HELD} <= codes_in_records()


def test_lifting_a_legal_hold_lets_the_next_run_anonymise(client, history):
    retention.lift_hold(HELD, ADMIN)
    retention.lift_hold(HELD, ADMIN)  # twice: nothing more happens
    result = retention.anonymise_inactive(history + timedelta(days=800))
    assert result["clients"] == 3
    actions = sorted(e.action for e in AuditEntry.scan() if e.record_id == HELD
                     and e.action in ("legal-hold", "lift-legal-hold"))
    assert actions == ["legal-hold", "lift-legal-hold"]


def test_a_legal_hold_takes_any_spelling_of_a_code_and_refuses_anything_else():
    assert retention.place_hold("k-２０２４-００３", ADMIN) == HELD
    assert {h.client_code for h in retention.holds()} == {HELD}
    with pytest.raises(Exception) as refused:
        retention.place_hold("Maria Hansen", ADMIN)
    assert getattr(refused.value, "fields", {}).keys() == {"client_code"}


def test_the_retention_period_is_a_checked_setting(monkeypatch):
    monkeypatch.setenv("RETENTION_CLIENT_MONTHS", "36")
    assert retention.retention_months() == 36
    monkeypatch.setenv("RETENTION_CLIENT_MONTHS", "2")
    with pytest.raises(Exception, match="RETENTION_CLIENT_MONTHS"):
        retention.retention_months()


def test_the_nightly_job_runs_as_eventbridge_starts_it(client):
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="test") as test_client:
        event = test_client.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={},
            resources=["arn:aws:events:eu-north-1:1:rule/nightly_retention"])
        assert test_client.lambda_.invoke("nightly_retention", event).payload == "done"
    assert JobRun.get(retention.JOB, oslo_date().isoformat()).status == "done"
