"""Mixed use cases through the app's HTTP layer while DynamoDB fails the way
it does in production: a seeded fraction of requests meets a transaction
conflict, throttling, a 500 or an answer lost after commit. Clients retry
like real clients (the same Idempotency-Key, the same Stripe event) and
sometimes send again after a success they did not see. Afterwards every
invariant holds and every client got an answer it can trust.

FAULT_SEED=<n> reproduces a run (the seed is in the failure message)."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest

from chalicelib.audit.models import AuditEntry
from chalicelib.auth.roles import Actor
from chalicelib.disbursements import cashbox
from chalicelib.disbursements.models import CashCount, Disbursement
from chalicelib.donations import checks
from chalicelib.donations.crediting import now
from chalicelib.donations.models import Donation
from chalicelib.donations.settings import donation_settings
from chalicelib.funds import demo as funds_demo
from chalicelib.funds.models import Fund, Movement
from chalicelib.funds.reconcile import reconcile
from chalicelib.inkind import stock
from chalicelib.inkind.models import StockMovement
from chalicelib.shelters.models import Shelter
from chalicelib.vipps import signature
from chalicelib.vipps.settings import vipps_settings
from tests.conftest import Browserless, bearer
from tests.donations.conftest import (
    WEBHOOK_SECRET,
    charge_refunded,
    event,
    session_completed,
    sign,
)
from tests.inkind.helpers import add_items, receive
from tests.shelters.helpers import make_shelter
from tests.vipps.conftest import HOST, MSN, webhook_event

SEED = int(os.environ.get("FAULT_SEED", "20261204"))
RATE = float(os.environ.get("FAULT_RATE", "0.15"))  # of DynamoDB requests
REQUESTS = int(os.environ.get("FAULT_REQUESTS", "80"))  # use cases asked for
WORKERS = int(os.environ.get("FAULT_WORKERS", "4"))  # client threads at once
TRIES = 10  # a client gives up after this many answers of 5xx
BEDS, STOCK = 4, 40
VIPPS_SECRET = "vipps-webhook-secret-for-the-mix"
BOX, BOX_OPENING = "cashbox-mix", 2_000_00  # an office's cash box, topped up


@dataclass
class Call:
    """One use case a client wants done, and every answer it got."""

    kind: str
    path: str
    body: bytes
    headers: dict[str, str]
    detail: dict[str, Any]
    answers: list[tuple[int, dict[str, str], Any]] = field(default_factory=list)
    resend_after_success: bool = False
    method: str = "POST"

    @property
    def final(self) -> tuple[int, dict[str, str], Any]:
        return self.answers[-1]

    def done(self) -> bool:
        successes = [a for a in self.answers if a[0] < 500]
        return len(successes) >= (2 if self.resend_after_success else 1)


def _api(role: str, key: str, body: dict) -> tuple[bytes, dict[str, str]]:
    return json.dumps(body).encode(), {**bearer(role), "Idempotency-Key": key}


def _webhook(event_id: str, kind: str, obj: dict) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(event(event_id, kind, obj)).encode()
    return raw, {"Content-Type": "application/json", "Stripe-Signature": sign(raw)}


def _donation(n: int, rng: random.Random) -> list[Call]:
    """A gift by card, and for some its partial refund (in either order)."""
    amount, fund = rng.choice([100, 250, 500]), rng.choice(["general", "christmas"])
    body, headers = _webhook(f"evt_mix_{n}", "checkout.session.completed",
                             session_completed(9000 + n, amount, fund))
    calls = [Call("donation", "/webhooks/stripe", body, headers,
                  {"amount": amount * 100, "fund": fund})]
    if rng.random() < 0.3:
        body, headers = _webhook(f"evt_mix_r{n}", "charge.refunded",
                                 charge_refunded(9000 + n, amount // 2, amount))
        calls.append(Call("refund", "/webhooks/stripe", body, headers,
                          {"amount": amount // 2 * 100, "fund": fund}))
    return calls


def _vipps(n: int, rng: random.Random) -> Call:
    """Vipps tells that a gift started in the app was captured (the pending
    donation is made before the faults start, as the donor's visit would)."""
    amount = rng.choice([150, 400]) * 100
    raw = json.dumps(webhook_event(f"mix-vipps-{n}", "CAPTURED", amount,
                                   psp=f"psp-{n}")).encode()
    headers = {"Content-Type": "application/json",
               **signature.sign(raw, VIPPS_SECRET, "/webhooks/vipps", HOST)}
    return Call("vipps", "/webhooks/vipps", raw, headers,
                {"amount": amount, "fund": "general", "reference": f"mix-vipps-{n}"})


def _registration(n: int) -> Call:
    """A coordinator registers a new shelter (its address kept apart)."""
    body, headers = _api("coordinator", f"mix-shelter-{n}", {
        "name": f"Mix shelter {n}", "region": "Oslo", "kind": "crisis_centre", "total": 3,
        "address": f"Testveien {n}", "contact": "+47 22 00 00 00"})
    return Call("shelter", "/api/shelters", body, headers, {})


def _count(n: int, rng: random.Random) -> Call:
    """Finance counts the office's cash box: as expected, or short."""
    counted = rng.choice([BOX_OPENING, BOX_OPENING - 100_00, BOX_OPENING - 250_00])
    body, headers = _api("finance", f"mix-count-{n}", {"amount": counted,
                                                        "note": "evening count"})
    return Call("count", f"/api/cash-boxes/{BOX}/counts", body, headers,
                {"counted": counted})


def prepare(calls: list[Call]) -> None:
    """What exists before the faults start: the Vipps gifts' pending rows."""
    for call in calls:
        if call.kind == "vipps":
            Donation(call.detail["reference"], version=1, status="pending",
                     credited=False, amount=call.detail["amount"], currency="NOK",
                     channel="vipps", frequency="once", fund_id="general", lang="nb",
                     vipps_open="open", opened_at=now().isoformat(timespec="seconds")
                     ).save()


def _page_transfer(n: int, rng: random.Random) -> Call:
    """The /staff/funds transfer form with its one-time nonce."""
    target, nok = rng.choice(["christmas", "vocational"]), rng.choice([100, 700])
    headers, body = Browserless("finance").form({
        "action": "transfer", "from_fund": "general", "to_fund": target,
        "amount": str(nok), "reason": "rebalance",
        "idempotency_key": f"mix-page-nonce-{n}"})
    return Call("transfer", "/staff/funds", body.encode(), headers,
                {"from": "general", "to": target, "amount": nok * 100, "page": True})


def plan(rng: random.Random, count: int = REQUESTS) -> list[Call]:
    """What the clients ask for, drawn from the seed."""
    calls: list[Call] = []
    for n in range(count):
        kind = rng.choice(["donation", "transfer", "disbursement", "hold",
                           "distribution", "lookup", "vipps", "shelter", "count"])
        if kind == "donation":
            *others, call = _donation(n, rng)
            calls += others
        elif kind == "vipps":
            call = _vipps(n, rng)
        elif kind == "shelter":
            call = _registration(n)
        elif kind == "count":
            call = _count(n, rng)
        elif kind == "transfer" and rng.random() < 0.3:
            call = _page_transfer(n, rng)
        elif kind == "transfer":
            # Restricted money stays restricted: transfers leave `general`.
            source, target = "general", rng.choice(["christmas", "vocational"])
            amount = rng.choice([1_000, 5_000, 20_000]) * 100
            body, headers = _api("finance", f"mix-transfer-{n}", {
                "from_fund": source, "to_fund": target, "amount": amount,
                "reason": "rebalance"})
            call = Call(kind, "/api/funds/transfers", body, headers,
                        {"from": source, "to": target, "amount": amount})
        elif kind == "disbursement":
            # 2,500 kr is over the four-eyes threshold: finance approves it.
            amount = rng.choice([100, 300, 800, 2500]) * 100
            body, headers = _api("staff", f"mix-pay-{n}", {
                "client_code": f"K-2025-{100 + n}", "amount": amount,
                "purpose": "food", "method": "cash", "fund_id": "emergency-cash"})
            call = Call(kind, "/api/disbursements", body, headers, {"amount": amount})
        elif kind == "hold":
            body, headers = _api("coordinator", f"mix-hold-{n}",
                                 {"client_code": f"K-2025-{100 + n}"})
            call = Call(kind, "/api/shelters/sh-mix/holds", body, headers, {})
        elif kind == "distribution":
            quantity = rng.randint(1, 4)
            body, headers = _api("staff", f"mix-give-{n}", {
                "item_id": "hygiene-pack", "quantity": quantity,
                "location": "office", "client_code": f"K-2025-{100 + n}"})
            call = Call(kind, "/api/inkind/distributions", body, headers,
                        {"quantity": quantity})
        else:  # a caseworker looks a client up (a read, audit-logged)
            call = Call(kind, f"/api/clients/K-2025-{100 + rng.randint(0, n)}"
                        "/disbursements", b"", bearer("staff"), {}, method="GET")
        call.resend_after_success = rng.random() < 0.2
        calls.append(call)
    return calls


def follow_up(call: Call) -> Call | None:
    """Finance approves a disbursement that waits for a second person."""
    status, _headers, body = call.final
    if call.kind != "disbursement" or status not in (200, 201) or not call.done():
        return None
    if body["status"] != "pending":
        return None
    body_bytes, headers = _api("finance", "-", {})
    headers.pop("Idempotency-Key")
    return Call("approval", f"/api/disbursements/{body['disbursement_id']}/approve",
                body_bytes, headers, {"amount": call.detail["amount"]},
                resend_after_success=call.resend_after_success)


def send(client, call: Call) -> None:
    if call.method == "GET":
        response = client.get(call.path, headers=call.headers)
    else:
        response = client.post(call.path, headers=call.headers, body=call.body)
    json_answer = "json" in response.headers.get("Content-Type", "")
    body = json.loads(response.body) if json_answer else response.body.decode()
    call.answers.append((response.status_code, dict(response.headers), body))


def run(client, calls: list[Call], rng: random.Random) -> None:
    """Interleave the clients: each step one client sends (or sends again)."""
    waiting = list(calls)
    while waiting:
        call = rng.choice(waiting)
        send(client, call)
        if call.done() or len(call.answers) >= TRIES:
            waiting.remove(call)
            then = follow_up(call)
            if then:
                calls.append(then)
                waiting.append(then)


def run_at_once(client, calls: list[Call], workers: int) -> None:
    """The clients in `workers` threads; a call sent again goes to the back
    of the line, so its retry meets other clients' writes."""
    line: queue.Queue[Call] = queue.Queue()
    for call in calls:
        line.put(call)
    failures: list[BaseException] = []

    def work() -> None:
        while True:
            try:
                call = line.get_nowait()
            except queue.Empty:
                return
            try:
                send(client, call)
            except BaseException as error:  # noqa: BLE001 - reported below
                failures.append(error)
                return
            if not (call.done() or len(call.answers) >= TRIES):
                line.put(call)
            elif then := follow_up(call):
                calls.append(then)  # list.append is atomic
                line.put(then)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures


@pytest.fixture
def threads_own_requests(monkeypatch):
    """On Lambda one process serves one request at a time; here threads share
    one app object, so each thread keeps its own current request, and the
    test client's swap of os.environ (not thread-safe) is left out: the
    stage's variables are those conftest set."""
    from chalice.app import Chalice
    from chalice.test import BaseClient

    mine = threading.local()
    monkeypatch.setattr(Chalice, "current_request", property(
        lambda _app: getattr(mine, "request", None),
        lambda _app, value: setattr(mine, "request", value)), raising=False)
    monkeypatch.setattr(BaseClient, "_patched_env_vars",
                        lambda _self, _variables: contextlib.nullcontext())


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    monkeypatch.delenv("STRIPE_SECRET_KEY", raising=False)
    monkeypatch.setenv("VIPPS_WEBHOOK_SECRET", VIPPS_SECRET)
    monkeypatch.setenv("VIPPS_MSN", MSN)
    donation_settings.cache_clear()
    vipps_settings.cache_clear()
    checks.forget()
    funds_demo.load()
    admin = Actor("admin-mix", ("admin",))
    cashbox.create_box("mix", {"nb": "Mix", "en": "Mix", "es": "Mix"}, "general", admin)
    cashbox.top_up(BOX, BOX_OPENING, admin, "topup-mix")
    make_shelter("sh-mix", total=BEDS)
    add_items()
    receive("hygiene-pack", STOCK)
    yield
    donation_settings.cache_clear()
    vipps_settings.cache_clear()
    checks.forget()


def _succeeded(call: Call, status: int) -> bool:
    """A JSON call's 200 or 201; a form's redirect to the page that confirms
    it (303)."""
    return status == 303 if call.detail.get("page") else status in (200, 201)


def _committed(calls: list[Call], kind: str) -> list[Call]:
    return [c for c in calls if c.kind == kind and _succeeded(c, c.final[0])]


def _audited() -> Counter:
    return Counter((e.action, e.record_type) for e in AuditEntry.scan())


def test_mixed_use_cases_under_dynamodb_faults_keep_every_invariant(
        client, faults, world):
    rng = random.Random(SEED)
    calls = plan(rng)
    prepare(calls)
    opening, audit_before = _balances(), _audited()
    faults.chaos(random.Random(SEED + 1), RATE)
    run(client, calls, rng)
    faults.calm()
    check_every_invariant(calls, faults, opening, audit_before,
                          f"FAULT_SEED={SEED}, faults {dict(faults.injected)}")


def test_mixed_use_cases_from_client_threads_at_once_keep_every_invariant(
        client, faults, world, threads_own_requests):
    # The seed fixes what is asked and the faults drawn, not which thread
    # meets them first.
    rng = random.Random(SEED + 2)
    calls = plan(rng)
    prepare(calls)
    opening, audit_before = _balances(), _audited()
    faults.chaos(random.Random(SEED + 3), RATE)
    run_at_once(client, calls, workers=WORKERS)
    faults.calm()
    check_every_invariant(calls, faults, opening, audit_before,
                          f"threads, FAULT_SEED={SEED}, faults {dict(faults.injected)}")


def _balances() -> dict[str, int]:
    return {fund.fund_id: int(fund.balance) for fund in Fund.scan()}


def check_every_invariant(calls: list[Call], faults, opening: dict[str, int],
                          audit_before: Counter, seed: str) -> None:
    answers = [a for c in calls for a in c.answers]
    print(f"\n{seed}: {len(calls)} use cases, {len(answers)} HTTP requests, "
          f"{sum(faults.seen.values())} DynamoDB requests, "
          f"{sum(1 for a in answers if a[0] >= 500)} answers 5xx, "
          f"{faults.token_replays} answered from a committed token")
    print(Counter((c.kind + (" form" if c.detail.get("page") else ""), a[0],
                   _code(a[2])) for c in calls for a in c.answers))

    # Every 5xx says when to try again and that nothing was saved (the JSON
    # code, or the page that sends the same form again); every client got a
    # final answer that is not a 5xx.
    for call in calls:
        for status, headers, body in call.answers:
            if status >= 500:
                assert headers.get("Retry-After") == "2", (seed, status, body)
                assert _code(body) == "busy" or (
                    isinstance(body, str) and f'action="{call.path}"' in body
                    and "mix-page-nonce-" in body), (seed, status, body)
    unfinished = [(c.kind, c.answers[-1][0]) for c in calls if c.final[0] >= 500]
    assert not unfinished, seed

    # A request sent again (same key, nonce or event) got the result
    # committed first.
    for call in calls:
        results = [a for a in call.answers if a[0] < 500]
        if call.detail.get("page"):
            assert all(a[0] == 303 for a in results), (seed, call.detail, results)
            continue
        if call.kind in ("donation", "refund", "lookup", "vipps"):
            assert all(a[0] == 200 for a in results), (seed, call.detail, results)
            continue
        ids = {_record_id(call.kind, a[2]) for a in results if a[0] in (200, 201)}
        assert len(ids) <= 1, (seed, call.kind, results)
        if len(results) > 1 and results[0][0] in (200, 201):
            assert all(a[0] in (200, 201) for a in results), (seed, call.kind, results)

    _money_adds_up(calls, opening, seed)
    _cash_box_counts_add_up(calls, opening, seed)
    _beds_and_stock_add_up(calls, seed)
    _one_audit_entry_per_change(calls, audit_before, seed)


def _code(body: Any) -> str | None:
    return body.get("error", {}).get("code") if isinstance(body, dict) else None


def _record_id(kind: str, body: dict) -> str:
    return str(body.get({"transfer": "movement_id", "disbursement": "disbursement_id",
                         "approval": "disbursement_id",
                         "hold": "hold_id", "distribution": "movement_id",
                         "shelter": "shelter_id", "count": "box_id"}[kind]))


def _money_adds_up(calls: list[Call], opening: dict[str, int], seed: str) -> None:
    expected = dict(opening)
    for call in _committed(calls, "donation") + _committed(calls, "vipps"):
        expected[call.detail["fund"]] += call.detail["amount"]
    for call in _committed(calls, "refund"):
        expected[call.detail["fund"]] -= call.detail["amount"]
    for call in _committed(calls, "transfer"):
        expected[call.detail["from"]] -= call.detail["amount"]
        expected[call.detail["to"]] += call.detail["amount"]
    paid = [c for c in _committed(calls, "disbursement") + _committed(calls, "approval")
            if c.final[2]["status"] == "paid"]
    expected["emergency-cash"] -= sum(c.detail["amount"] for c in paid)
    expected[BOX] = _balances()[BOX]  # the counts': _cash_box_counts_add_up
    assert _balances() == expected, seed
    assert [d for d in reconcile() if not d.ok] == [], seed  # ledger == balances
    transfers = [m for m in Movement.scan() if m.kind == "transfer"]
    assert len(transfers) == len(_committed(calls, "transfer")), seed
    donations = [m for m in Movement.scan() if m.kind == "donation"]
    assert len(donations) == len(_committed(calls, "donation")) + len(
        _committed(calls, "vipps")), seed
    for call in _committed(calls, "vipps"):
        gift = Donation.get(call.detail["reference"])
        assert (gift.status, gift.credited) == ("credited", True), seed
    refunds = [m for m in Movement.scan() if m.kind == "refund"]
    assert len(refunds) == len(_committed(calls, "refund")), seed
    assert len(list(Disbursement.scan())) == len(_committed(calls, "disbursement"))
    # The kept count of payments waiting for approval is the waiting ones.
    from chalicelib.disbursements.totals import waiting

    still = [d for d in Disbursement.scan() if d.status == "pending"]
    assert waiting() == (len(still), sum(int(d.amount) for d in still)), seed


def _cash_box_counts_add_up(calls: list[Call], opening: dict[str, int],
                            seed: str) -> None:
    """Each count sets the box to what was counted: the box holds what a
    count found, its differences sum to the change, and the books
    show one difference movement per count that found one."""
    counts = list(CashCount.query(BOX))
    box = _balances()[BOX]
    # (Which count is last depends on commit order, not on counted_at.)
    assert box in {int(c.counted) for c in counts} | {opening[BOX]}, seed
    assert box - opening[BOX] == sum(int(c.difference) for c in counts), seed
    differences = [m for m in Movement.scan() if m.kind == "cash_count"]
    assert len(differences) == sum(1 for c in counts if int(c.difference)), seed
    # A count sent again after a lost answer may be recorded twice, but
    # the second finds nothing missing: no client's count is lost.
    assert len(counts) >= len(_committed(calls, "count")), seed


def _beds_and_stock_add_up(calls: list[Call], seed: str) -> None:
    holds = Shelter.get("sh-mix").holds.as_dict()
    placed = {c.final[2]["hold_id"] for c in _committed(calls, "hold")}
    assert len(holds) <= BEDS, seed
    assert set(holds) == placed, seed
    given = sum(c.detail["quantity"] for c in _committed(calls, "distribution"))
    assert stock.quantity("hygiene-pack", "office") == STOCK - given >= 0, seed
    movements = [m for m in StockMovement.scan() if m.kind == "distribution"]
    assert len(movements) == len(_committed(calls, "distribution")), seed
    registered = {c.final[2]["shelter_id"] for c in _committed(calls, "shelter")}
    stored = {s.shelter_id for s in Shelter.scan() if s.shelter_id != "sh-mix"}
    assert stored == registered, seed


def _one_audit_entry_per_change(calls: list[Call], before: Counter,
                                seed: str) -> None:
    added = _audited() - before
    print("audit entries added:", dict(added))
    committed = Counter(c.kind for c in calls if _succeeded(c, c.final[0]))
    assert added[("create", "transfer")] == committed["transfer"], seed
    assert added[("checkout.session.completed", "stripe_event")] == committed[
        "donation"], seed
    # A gift whose refund came first: the credit, then the refund applied.
    assert added[("create", "donation")] <= committed["refund"], seed
    assert added[("create", "disbursement")] == committed["disbursement"], seed
    assert added[("approve", "disbursement")] == committed["approval"], seed
    assert added[("create", "hold")] == committed["hold"], seed
    assert added[("update", "client")] == committed["distribution"], seed
    assert added[("charge.refunded", "stripe_event")] == committed["refund"], seed
    assert added[("epayments.payment.captured.v1", "vipps_event")] == committed[
        "vipps"], seed
    assert added[("create", "shelter")] == committed["shelter"], seed
    assert added[("create", "cash_count")] == len(list(CashCount.query(BOX))), seed
    # Reads are logged once per answer shown (a 503 may have logged too).
    looked = [c for c in calls if c.kind == "lookup"]
    answered = sum(1 for c in looked for a in c.answers if a[0] == 200)
    assert answered <= added[("read", "client")] <= sum(len(c.answers)
                                                        for c in looked), seed
