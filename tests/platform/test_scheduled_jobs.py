"""The scheduled jobs, started the way EventBridge starts them (the Lambda
handler with a scheduled event): what they leave behind, and that a second
start of the same period changes nothing."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from chalice.test import Client

from app import app
from chalicelib.core import mail
from chalicelib.core.clock import oslo_date
from chalicelib.core.models import OutboxMessage
from chalicelib.funds.models import Fund
from chalicelib.gifts import service as gifts
from chalicelib.gifts.models import GiftImport
from chalicelib.volunteers import reminders
from tests.conftest import bearer, json_body
from tests.money_helpers import make_fund
from tests.volunteers.helpers import make_volunteer

REMINDERS = {"Politiattesten din utløper snart",
             "Tu certificado de antecedentes penales caduca pronto"}


@pytest.fixture
def run_job():
    with Client(app, stage_name="test") as test_client:
        def run(name: str):
            event = test_client.events.generate_cw_event(
                source="aws.events", detail_type="Scheduled Event", detail={},
                resources=[f"arn:aws:events:eu-north-1:1:rule/{name}"])
            return test_client.lambda_.invoke(name, event).payload
        yield run


def metrics(captured: str) -> dict[str, float]:
    lines = [json.loads(line) for line in captured.splitlines() if '"_aws"' in line]
    return {m["Name"]: line[m["Name"]] for line in lines
            for m in line["_aws"]["CloudWatchMetrics"][0]["Metrics"]}


def test_nightly_reconciliation_reports_drift_to_the_alarm_and_the_funds_page(
        run_job, client, session_as, capsys):
    make_fund("general", nok=100)
    Fund("general").update(actions=[Fund.balance.add(250)])  # edited by hand
    capsys.readouterr()
    assert run_job("nightly_reconciliation") == "done"
    assert metrics(capsys.readouterr().out) == {
        "ReconciliationDrift": 250, "ReconciliationMismatches": 1}
    page = client.get("/staff/funds", headers=session_as("admin").headers()).body
    text = page.decode()
    assert "Samlet avvik: 2,50" in text and "norsk tid" in text
    assert "general" in text
    assert run_job("nightly_reconciliation") == "skipped"  # same night
    assert metrics(capsys.readouterr().out) == {}


def test_the_funds_page_never_recomputes_and_a_queued_check_runs_within_15_minutes(
        run_job, client, session_as):
    make_fund("general", nok=10)
    admin = session_as("admin")
    page = client.get("/staff/funds", headers=admin.headers()).body.decode()
    assert "Ingen kontroll er kjørt ennå" in page
    headers, body = admin.form({"action": "reconcile"})
    page = admin.follow(client, client.post("/staff/funds", body=body, headers=headers),
                        lang="nb").body.decode()
    assert "står i kø" in page and "Siste kontroll" not in page
    queued = client.post("/api/funds/reconcile", headers=bearer("admin"))
    assert queued.status_code == 202 and json_body(queued)["last"] is None
    run_job("quarter_hourly")
    page = client.get("/staff/funds", headers=admin.headers()).body.decode()
    assert "1 fond stemmer med reskontroen" in page and "står i kø" not in page
    run_job("quarter_hourly")  # nothing queued: no second check
    last = json_body(client.post("/api/funds/reconcile", headers=bearer("admin")))
    assert last["last"]["total_drift"] == 0 and last["last"]["status"] == "done"


def test_the_quarter_hourly_job_retries_the_outbox(run_job, monkeypatch):
    due = datetime.now(UTC) - timedelta(minutes=1)
    OutboxMessage("m1", to="donor@example.org", subject="Kvittering", body="Takk",
                  status="pending", attempts=1, due=due.strftime("%Y-%m-%dT%H:%M:%SZ"),
                  created_at=due).save()
    monkeypatch.setattr(mail, "_deliver", lambda *args: "")
    assert run_job("quarter_hourly") == {"sent": 1, "retried_later": 0, "failed": 0}
    assert run_job("quarter_hourly") == {"sent": 0, "retried_later": 0, "failed": 0}
    assert mail.unsent("pending") == []


def reminder_mails(address: str) -> list:
    return [m for m in mail.outbox(address) if m.subject in REMINDERS]


def test_a_volunteer_gets_one_reminder_in_the_warning_period_and_one_in_the_last_week(
        run_job):
    make_volunteer("Ana Ruiz", expires_in=20, email="ana@example.org")
    make_volunteer("Bo Lie", expires_in=200, email="bo@example.org")
    assert run_job("clearance_reminders") == "done"
    assert run_job("clearance_reminders") == "skipped"
    [first] = reminder_mails("ana@example.org")
    assert first.subject == "Tu certificado de antecedentes penales caduca pronto"
    expires = oslo_date() + timedelta(days=20)
    assert expires.strftime("%d.%m.%Y") in first.body  # the Spanish text, her language
    assert reminder_mails("bo@example.org") == []
    # The next days, again and again: nothing new until the last week.
    for day in (1, 2, 12):
        reminders.send_clearance_reminders(datetime.now(UTC) + timedelta(days=day))
    assert len(reminder_mails("ana@example.org")) == 1
    for day in (14, 15):
        reminders.send_clearance_reminders(datetime.now(UTC) + timedelta(days=day))
    assert len(reminder_mails("ana@example.org")) == 2
    # Past the expiry nobody is reminded any more.
    assert reminders.send_clearance_reminders(
        datetime.now(UTC) + timedelta(days=30)) == {"sent": 0}


def test_stale_import_previews_are_dropped_and_confirmed_imports_kept(run_job):
    old = datetime.now(UTC) - timedelta(hours=30)
    for import_id, status, created in (("stale", "preview", old),
                                       ("done", "imported", old),
                                       ("fresh", "preview", datetime.now(UTC))):
        GiftImport(import_id, channel="bank", fund_id="general", rows="[]",
                   errors="[]", status=status, created_by="u-finance",
                   created_at=created).save()
    assert run_job("import_preview_cleanup") == "done"
    assert sorted(i.import_id for i in GiftImport.scan()) == ["done", "fresh"]
    assert gifts.clean_stale_previews() == {"deleted": 0}  # again: no harm


def test_the_vipps_charge_job_charges_a_due_monthly_gift_once_a_day(run_job):
    from chalicelib.core.clock import oslo_date
    from chalicelib.donations.models import Donation, MonthlyGift
    from chalicelib.funds import demo as funds_demo
    from chalicelib.vipps.settings import vipps_settings

    funds_demo.load()
    vipps_settings.cache_clear()  # no Vipps keys here: the local Vipps
    reference, tomorrow = "mnd-" + "a" * 32, oslo_date() + timedelta(days=1)
    MonthlyGift(reference, channel="vipps", version=1, status="active",
                fund_id="general", amount=150_00, lang="nb", agreement_id="agr-test-1",
                charge_day=tomorrow.day if tomorrow.day <= 28 else 28,
                next_due=tomorrow.isoformat(), vipps_active="active",
                first_charge=f"{reference}-000000").save()
    MonthlyGift("agr-test-1", channel="vipps", alias_of=reference).save()
    before = Fund.get("general").balance
    assert run_job("vipps_charges") == "done"
    assert run_job("vipps_charges") == "skipped"  # the same day
    month = Donation.get(f"{reference}-{tomorrow:%Y%m}")
    assert month.credited and month.channel == "vipps"  # the local Vipps took it
    assert Fund.get("general").balance == before + 150_00
    assert MonthlyGift.get(reference).next_due > tomorrow.isoformat()
