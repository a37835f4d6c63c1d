"""Whatever happens (gifts, disbursements, reversals, transfers), every balance
equals the sum of its entries and never goes below zero."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from chalicelib.audit.service import Actor
from chalicelib.disbursements import service as disbursements
from chalicelib.errors import DomainError
from chalicelib.funds.admin import transfer
from chalicelib.funds.models import Fund
from chalicelib.funds.service import reconcile
from chalicelib.gifts.service import GiftInput, record_gift
from tests.conftest import reset_tables
from tests.money_helpers import make_fund

FUNDS = ("fund-a", "fund-b")
STAFF = Actor("u-staff", ("staff",))
FINANCE = Actor("u-finance", ("finance",))
amounts = st.integers(min_value=1, max_value=3000_00)


class Ledger(RuleBasedStateMachine):
    @initialize()
    def start(self):
        reset_tables()
        for fund in FUNDS:
            make_fund(fund)
        self.paid: list[str] = []
        self.serial = 0

    def next_id(self) -> str:
        self.serial += 1
        return f"{self.serial:05d}"

    @rule(fund=st.sampled_from(FUNDS), amount=amounts)
    def gift(self, fund, amount):
        record_gift(GiftInput(fund, "bank", f"R-{self.next_id()}", "2025-06-01",
                              amount), FINANCE)

    @rule(fund=st.sampled_from(FUNDS), amount=amounts)
    def disburse(self, fund, amount):
        request = disbursements.Request(
            f"K-2025-{self.next_id()[-3:]}", amount, "food", "payment_card", fund,
            override_limit=True)
        try:
            item, _ = disbursements.create(request, FINANCE)
        except DomainError:
            return
        if item.status == "pending":
            try:
                disbursements.approve(item.disbursement_id, Actor("u-f2", ("finance",)))
            except DomainError:
                return
        self.paid.append(item.disbursement_id)

    @rule(data=st.data())
    def reverse(self, data):
        if self.paid:
            paid = self.paid.pop(data.draw(st.integers(0, len(self.paid) - 1)))
            disbursements.reverse(paid, FINANCE, "wrong amount")

    @rule(source=st.sampled_from(FUNDS), amount=amounts)
    def move(self, source, amount):
        target = "fund-b" if source == "fund-a" else "fund-a"
        try:
            transfer(f"t-{self.next_id()}", source, target, amount, FINANCE, "test")
        except DomainError:
            pass

    @invariant()
    def books_agree(self):
        if not hasattr(self, "paid"):
            return
        for drift in reconcile():
            assert drift.ok, drift
        for fund in Fund.scan():
            assert int(fund.balance) >= 0


Ledger.TestCase.settings = settings(max_examples=25, stateful_step_count=8,
                                    deadline=None)
TestLedger = Ledger.TestCase
