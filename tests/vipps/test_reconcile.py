"""The scheduled Vipps reconciliation against the local test Vipps: open
payments older than the settings' minutes are asked about, captured once,
credited once, closed when they ended; a second run changes nothing."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from chalice.test import Client

from app import app
from chalicelib.core.mail import outbox
from chalicelib.donations.models import Donation
from chalicelib.vipps.reconcile import reconcile, scheduled_run
from tests.donations.conftest import balance
from tests.vipps.conftest import deliver, webhook_event
from tests.vipps.test_return_page import AMOUNT, start_gift

LATER = timedelta(minutes=16)  # past the default 15 minutes


def later():
    return datetime.now(UTC) + LATER


def test_a_lost_webhook_is_made_good_captured_and_credited_once(
        client, funds, local_vipps):
    before = balance("general")
    reference = start_gift(client)
    local_vipps.approve(reference)  # the donor approved; no event ever arrives
    assert reconcile(later()) == {"checked": 1, "credited": 1}
    assert local_vipps.capture_keys == ["capture-" + reference.removeprefix("gave-")]
    assert balance("general") == before + AMOUNT
    assert Donation.get(reference).credited
    assert len(outbox("donor@example.org")) == 1
    # The next run does not ask again; a webhook delivered late moves nothing.
    assert reconcile(later()) == {"checked": 0}
    for name in ("AUTHORIZED", "CAPTURED"):
        assert deliver(client, webhook_event(reference, name, AMOUNT)).status_code == 200
    assert balance("general") == before + AMOUNT
    assert len(local_vipps.capture_keys) == 1
    assert len(outbox("donor@example.org")) == 1


def test_a_payment_captured_whose_captured_event_was_lost_is_credited_once(
        client, funds, local_vipps):
    before = balance("general")
    reference = start_gift(client)
    local_vipps.approve(reference)
    assert deliver(client, webhook_event(reference, "AUTHORIZED", AMOUNT)
                   ).status_code == 200  # captured by the webhook; CAPTURED lost
    assert balance("general") == before
    assert reconcile(later()) == {"checked": 1, "credited": 1}
    assert reconcile(later()) == {"checked": 0}
    assert balance("general") == before + AMOUNT
    assert len(local_vipps.capture_keys) == 1


def test_a_payment_younger_than_the_setting_is_left_to_the_webhook(
        client, funds, local_vipps):
    start_gift(client)
    assert reconcile(datetime.now(UTC) + timedelta(minutes=5)) == {"checked": 0}
    assert local_vipps.gets == []


def test_the_minutes_come_from_the_settings(client, funds, local_vipps, monkeypatch):
    from chalicelib.vipps.settings import vipps_settings

    start_gift(client)
    monkeypatch.setenv("VIPPS_RECONCILE_AFTER_MINUTES", "3")
    vipps_settings.cache_clear()
    assert reconcile(datetime.now(UTC) + timedelta(minutes=5))["checked"] == 1


@pytest.mark.parametrize("state, closed", [
    ("ABORTED", "aborted"), ("EXPIRED", "expired"), ("TERMINATED", "terminated")])
def test_an_ended_payment_is_closed_with_its_state_and_credits_nothing(
        client, funds, local_vipps, state, closed):
    before = balance("general")
    reference = start_gift(client)
    local_vipps.end(reference, state)
    assert reconcile(later()) == {"checked": 1, closed: 1}
    assert reconcile(later()) == {"checked": 0}
    assert Donation.get(reference).status == closed
    assert balance("general") == before
    assert local_vipps.capture_keys == []


def test_a_payment_vipps_never_had_is_closed_as_failed(client, funds, local_vipps):
    reference = start_gift(client)
    del local_vipps.payments[reference]  # its create never reached Vipps
    assert reconcile(later()) == {"checked": 1, "failed": 1}
    assert Donation.get(reference).status == "failed"


def test_an_open_payment_and_vipps_away_stay_open_for_the_next_run(
        client, funds, local_vipps):
    before = balance("general")
    reference = start_gift(client)  # the donor has not acted yet: CREATED
    assert reconcile(later()) == {"checked": 1, "pending": 1}
    assert Donation.get(reference).status == "pending"
    local_vipps.approve(reference)
    local_vipps.away = True
    assert reconcile(later()) == {"checked": 1, "vipps_away": 1}
    assert not Donation.get(reference).credited
    assert balance("general") == before
    local_vipps.away = False  # back: the next run captures and credits
    assert reconcile(later()) == {"checked": 1, "credited": 1}
    assert balance("general") == before + AMOUNT


def test_the_scheduled_job_runs_once_per_period(client, funds, local_vipps):
    reference = start_gift(client)
    local_vipps.approve(reference)
    moment = later()
    assert scheduled_run(moment) == "done"
    assert scheduled_run(moment) == "skipped"  # EventBridge delivered twice
    assert Donation.get(reference).credited
    assert len(local_vipps.capture_keys) == 1


def test_the_job_runs_from_its_own_lambda_function(
        client, funds, local_vipps):
    with Client(app, stage_name="test") as test_client:
        event = test_client.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={},
            resources=["arn:aws:events:eu-north-1:1:rule/vipps_reconciliation"])
        assert test_client.lambda_.invoke("vipps_reconciliation",
                                          event).payload == "done"


def test_the_admin_sees_how_the_vipps_job_last_ran(client, funds, local_vipps,
                                                    session_as):
    scheduled_run(later())
    page = client.get("/staff/operations", headers=session_as("admin").headers())
    text = page.body.decode()
    assert "Vipps-betalinger som står åpne" in text
    assert text.count("Fullført") >= 1


def test_a_run_out_of_time_leaves_the_rest_for_the_next_run(client, funds, local_vipps):
    reference = start_gift(client)
    local_vipps.approve(reference)
    assert reconcile(later(), budget_seconds=0) == {"checked": 0, "left_for_next_run": 1}
    assert local_vipps.gets == [] and not Donation.get(reference).credited
    assert reconcile(later()) == {"checked": 1, "credited": 1}
