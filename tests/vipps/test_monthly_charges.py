"""The monthly charge job: our real client against a local server answering
like the Recurring API (tests/vipps/recurring_server.py), from the donor's
approval to the next month credited by Vipps's charge-captured event."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib.audit.models import AuditEntry
from chalicelib.donations.models import Donation, MonthlyGift, WebhookAttention
from chalicelib.vipps import charges
from tests.conftest import json_body
from tests.donations.conftest import balance
from tests.vipps.conftest import deliver
from tests.vipps.recurring_server import LocalRecurring, recurring_problem
from tests.vipps.test_monthly_events import agreement_event, charge_event
from tests.vipps.test_monthly_start import AMOUNT, start_monthly

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def recurring(vipps_api):
    return LocalRecurring(vipps_api)


def gifts():
    return {str(g.email): g for g in MonthlyGift.scan() if not g.alias_of}


def active_gift(client, recurring, email="donor@example.org"):
    """A donor starts a monthly gift, approves it in Vipps; Vipps's events."""
    start_monthly(client, email=email)
    gift = gifts()[email]
    recurring.approve(str(gift.agreement_id))
    deliver(client, agreement_event(gift, "recurring.agreement-activated.v1"))
    deliver(client, charge_event(gift, "recurring.charge-captured.v1"))
    return MonthlyGift.get(str(gift.subscription_id))


def morning(day: date) -> datetime:
    return datetime.combine(day, time(5, 30), OSLO)


def run_on(recurring, day: date) -> dict:
    recurring.today = day
    return charges.run_charges(morning(day))


def created(recurring):
    return recurring.requests("POST", r"/recurring/v3/agreements/[^/]+/charges")


def test_a_due_month_is_charged_once_and_credited_when_vipps_captures_it(
        client, funds, recurring):
    before = balance("general")
    gift = active_gift(client, recurring)
    due = date.fromisoformat(str(gift.next_due))
    assert run_on(recurring, due - timedelta(days=5)) == {"due": 0}  # not yet
    assert run_on(recurring, due - timedelta(days=3)) == {"due": 1, "created": 1}
    [request] = created(recurring)
    key = f"{gift.subscription_id}-{due:%Y%m}"
    assert request.path == f"/recurring/v3/agreements/{gift.agreement_id}/charges"
    assert request.json == {
        "amount": AMOUNT, "transactionType": "DIRECT_CAPTURE", "type": "RECURRING",
        "description": request.json["description"], "due": due.isoformat(),
        "retryDays": charges.RETRY_DAYS, "orderId": key}
    assert 1 <= len(request.json["description"]) <= 45
    assert 1 <= len(request.headers["Idempotency-Key"]) <= 40
    after = MonthlyGift.get(str(gift.subscription_id))
    assert after.next_due > gift.next_due and after.charged_through == f"{due:%Y%m}"
    assert Donation.get(key).charge_due == due.isoformat()
    assert [e for e in AuditEntry.scan() if e.record_id == key
            and e.action == "create" and e.record_type == "vipps_charge"]
    # the next days, again and again: no second charge of the month
    for later in (due - timedelta(days=2), due - timedelta(days=1), due):
        assert run_on(recurring, later) == {"due": 0}
    assert len(created(recurring)) == 1
    assert balance("general") == before + AMOUNT  # the first month only
    [charged] = recurring.process_due(due)
    event = charge_event(after, "recurring.charge-captured.v1", charge=charged,
                         charge_type="RECURRING")
    assert json_body(deliver(client, event))["result"] == "handled"
    assert json_body(deliver(client, event))["result"] == "duplicate"
    assert balance("general") == before + 2 * AMOUNT
    assert Donation.get(key).credited


def test_an_answer_lost_on_the_way_is_asked_again_with_the_same_key(
        client, funds, recurring):
    gift = active_gift(client, recurring)
    due = date.fromisoformat(str(gift.next_due))
    recurring.lose_answers = 1  # Vipps made it, its answer never came back
    assert run_on(recurring, due - timedelta(days=3)) == {"due": 1, "vipps_away": 1}
    assert MonthlyGift.get(str(gift.subscription_id)).next_due == gift.next_due
    assert run_on(recurring, due - timedelta(days=2)) == {"due": 1, "created": 1}
    first, second = created(recurring)
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"]
    assert len([c for c in recurring.charges.values() if c["type"] == "RECURRING"]) == 1


def test_a_charge_vipps_has_under_a_forgotten_key_is_recorded_not_made_again(
        client, funds, recurring):
    gift = active_gift(client, recurring)
    due = date.fromisoformat(str(gift.next_due))
    recurring.lose_answers = 1
    run_on(recurring, due - timedelta(days=3))
    recurring.answers.clear()  # the key expired at Vipps: the orderId is taken
    assert run_on(recurring, due - timedelta(days=2)) == {"due": 1, "created": 1}
    assert len([c for c in recurring.charges.values() if c["type"] == "RECURRING"]) == 1
    assert MonthlyGift.get(str(gift.subscription_id)).next_due > gift.next_due


def test_stopped_and_expired_agreements_get_no_charge(client, funds, recurring):
    stopped = active_gift(client, recurring, "a@example.org")
    at_vipps = active_gift(client, recurring, "b@example.org")
    deliver(client, agreement_event(stopped, "recurring.agreement-stopped.v1"))
    recurring.set_status(str(at_vipps.agreement_id), "EXPIRED")  # its event lost
    due = date.fromisoformat(str(at_vipps.next_due))
    assert run_on(recurring, due - timedelta(days=3)) == {"due": 1, "ended": 1}
    assert recurring.charges.keys() == {stopped.first_charge, at_vipps.first_charge}
    ended = gifts()
    assert ended["a@example.org"].status == "stopped"
    assert ended["b@example.org"].status == "expired" and ended["b@example.org"].ended
    assert run_on(recurring, due - timedelta(days=2)) == {"due": 0}


def test_vipps_refusing_one_charge_stops_no_other_and_finance_sees_it(
        client, funds, recurring, session_as):
    refused = active_gift(client, recurring, "a@example.org")
    fine = active_gift(client, recurring, "b@example.org")
    recurring.refuse_charge[str(refused.agreement_id)] = recurring_problem(
        422, "Unprocessable Entity", "Amount set for charge is too high")
    due = date.fromisoformat(str(fine.next_due))
    counts = run_on(recurring, due - timedelta(days=3))
    assert counts == {"due": 2, "created": 1, "refused": 1}
    key = f"{refused.subscription_id}-{due:%Y%m}"
    assert Donation.get(key).status == "failed" and not Donation.get(key).credited
    [attention] = WebhookAttention.query("open")
    assert (attention.reason, attention.object_id) == ("vipps_charge_refused", key)
    assert run_on(recurring, due - timedelta(days=2)) == {"due": 0}  # once a month
    page = client.get("/staff/donations?lang=en",
                      headers=session_as("finance").headers())
    html = page.body.decode()
    print(html[html.find("attention"):][:3000])
    assert "Vipps refused to create this month's charge" in html and key in html


def test_vipps_away_leaves_every_gift_due_for_the_next_run(client, funds, recurring):
    gift = active_gift(client, recurring)
    due = date.fromisoformat(str(gift.next_due))
    recurring.away = True
    assert run_on(recurring, due - timedelta(days=3)) == {"due": 1, "vipps_away": 1}
    recurring.away = False
    assert run_on(recurring, due - timedelta(days=2)) == {"due": 1, "created": 1}
    [request] = created(recurring)[-1:]
    assert request.json["due"] == due.isoformat()  # still two days ahead


def test_a_run_after_the_due_day_asks_for_a_due_day_vipps_takes(
        client, funds, recurring):
    gift = active_gift(client, recurring)
    due = date.fromisoformat(str(gift.next_due))
    late = due + timedelta(days=1)
    assert run_on(recurring, late) == {"due": 1, "created": 1}
    [request] = created(recurring)
    assert request.json["due"] == (late + timedelta(days=charges.MIN_LEAD_DAYS)
                                   ).isoformat()


def test_the_scheduled_job_runs_once_a_day(client, funds, recurring):
    gift = active_gift(client, recurring)
    due = date.fromisoformat(str(gift.next_due))
    recurring.today = due - timedelta(days=3)
    assert charges.scheduled_run(morning(due - timedelta(days=3))) == "done"
    assert charges.scheduled_run(morning(due - timedelta(days=3))) == "skipped"
    assert len(created(recurring)) == 1


def _charged_month(client, recurring):
    gift = active_gift(client, recurring)
    due = date.fromisoformat(str(gift.next_due))
    assert run_on(recurring, due - timedelta(days=3)) == {"due": 1, "created": 1}
    return gift, due, f"{gift.subscription_id}-{due:%Y%m}"


def test_a_month_whose_captured_event_is_lost_is_credited_by_the_run_after_its_due_day(
        client, funds, recurring):
    before = balance("general")
    gift, due, key = _charged_month(client, recurring)
    recurring.process_due(due)  # Vipps takes the money; its event never arrives
    assert balance("general") == before + AMOUNT  # the first month only
    counts = run_on(recurring, due + timedelta(days=1))
    assert counts["past_due"] == 1 and counts["past_due_credited"] == 1
    assert balance("general") == before + 2 * AMOUNT
    assert Donation.get(key).credited
    assert recurring.requests("GET", rf"/recurring/v3/agreements/[^/]+/charges/{key}")
    assert "past_due" not in run_on(recurring, due + timedelta(days=2))  # settled
    late = charge_event(MonthlyGift.get(str(gift.subscription_id)),
                        "recurring.charge-captured.v1", charge=key,
                        charge_type="RECURRING")
    deliver(client, late)  # the lost event after all: recorded, not credited again
    assert balance("general") == before + 2 * AMOUNT


def test_a_month_vipps_failed_to_take_is_closed_unpaid_by_the_run_after_its_due_day(
        client, funds, recurring):
    before = balance("general")
    _gift, due, key = _charged_month(client, recurring)
    recurring.charges[key]["status"] = "FAILED"
    counts = run_on(recurring, due + timedelta(days=1))
    assert counts["past_due_failed"] == 1
    assert Donation.get(key).status == "failed" and not Donation.get(key).credited
    assert balance("general") == before + AMOUNT


def test_a_month_vipps_still_tries_is_asked_about_again_the_next_day(
        client, funds, recurring):
    _gift, due, key = _charged_month(client, recurring)
    assert run_on(recurring, due + timedelta(days=1))["past_due_pending"] == 1
    recurring.process_due(due + timedelta(days=2))  # taken on a retry day
    assert run_on(recurring, due + timedelta(days=2))["past_due_credited"] == 1
    assert Donation.get(key).credited


def test_a_new_monthly_amount_goes_to_vipps_once_and_the_next_charge_takes_it(
        client, funds, recurring):
    from chalicelib.vipps import stopping

    gift = active_gift(client, recurring)
    reference = str(gift.subscription_id)
    for _ in range(2):  # the same change sent again: the same key
        stopping.change_amount(reference, 200_00, "amt-test-key-1")
    patches = recurring.requests("PATCH", r"/recurring/v3/agreements/[^/]+")
    assert [p.json for p in patches] == [{"pricing": {"amount": 200_00}}] * 2
    assert {p.headers["Idempotency-Key"] for p in patches} == {"amt-test-key-1"}
    assert recurring.agreements[str(gift.agreement_id)]["amount"] == 200_00
    due = date.fromisoformat(str(gift.next_due))
    run_on(recurring, due - timedelta(days=3))
    [request] = created(recurring)
    assert request.json["amount"] == 200_00


def test_vipps_refusing_a_new_amount_changes_nothing_here(client, funds, recurring):
    from chalicelib.vipps import stopping

    gift = active_gift(client, recurring)
    recurring.set_status(str(gift.agreement_id), "STOPPED")  # stopped in the app
    with pytest.raises(stopping.ChangeRefused):
        stopping.change_amount(str(gift.subscription_id), 200_00, "amt-test-key-2")
    assert int(MonthlyGift.get(str(gift.subscription_id)).amount) == AMOUNT
