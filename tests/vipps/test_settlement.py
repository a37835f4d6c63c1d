"""Vipps settlement reconciliation: the portal's CSV and the Report API's
ledger lines matched to donations and gifts, fees booked once, the rest in
finance's queue, and a report read twice changing nothing."""

from __future__ import annotations

import pytest

from chalicelib.audit.service import Actor
from chalicelib.donations.models import Donation
from chalicelib.funds.models import LedgerEntry
from chalicelib.funds.service import FundExhausted
from chalicelib.gifts.models import Gift
from chalicelib.vipps import settlement, settlement_booking
from chalicelib.vipps.payments import credit_captured
from chalicelib.vipps.settlement_lines import ledger_lines, parse_portal_csv
from chalicelib.vipps.settlement_models import SettlementLine
from tests.money_helpers import balance, make_fund

FINANCE = Actor("u-finance", ("finance",))
HEADER = ("Salgsdato;Salgssted;Vippsnummer;Produkt;Transaksjons-ID;Ordre-ID;Brutto;"
          "Gebyr;Netto;Transaksjonstype;Fornavn;Etternavn;Melding")
REF_A = "gave-" + "a" * 40
REF_B = "gave-" + "b" * 40


def row(psp, reference, gross, fee="3,50", kind="Salg", message="", day="01.12.2026",
        first="Kari", last="Nordmann"):
    gross_ore = round(float(gross.replace(",", ".")) * 100)
    fee_ore = round(float(fee.replace(",", ".")) * 100)
    net = gross_ore - fee_ore
    net_text = f"{net // 100},{net % 100:02d}"
    return (f"{day};Hjelpesenteret;123456;ePayment;{psp};{reference};{gross};{fee};"
            f"{net_text};{kind};{first};{last};{message}")


def report(*rows):
    return ("\n".join((HEADER, *rows)) + "\n").encode()


@pytest.fixture
def books():
    for fund in ("general", "christmas"):
        make_fund(fund)
    make_fund("operations", nok=1000)


def donation(reference, amount, credited=True):
    item = Donation(reference, version=1, status="pending", credited=False,
                    amount=amount, currency="NOK", channel="vipps", frequency="once",
                    fund_id="general", lang="nb", vipps_open="open")
    item.save()
    if credited:
        event = {"id": f"vipps-{reference}-CAPTURED-test",
                 "type": "epayments.payment.captured.v1", "data": {"object": {}}}
        credit_captured(event, Donation.get(reference), amount)
    return reference


def import_csv(raw, fee_fund="operations"):
    lines, errors = parse_portal_csv(raw)
    return settlement.preview(lines, errors, fee_fund, FINANCE, "csv")


def book_csv(raw, fee_fund="operations"):
    draft = import_csv(raw, fee_fund)
    return settlement_booking.book(draft.import_id, FINANCE)


def planned(draft):
    import json

    return {row["psp"]: (row["action"], row["reason"]) for row in json.loads(draft.lines)}


def ledger_count(fund):
    return sum(1 for _ in LedgerEntry.query(fund))


def test_a_credited_donation_in_the_report_is_marked_settled_and_not_credited_again(
        books):
    donation(REF_A, 50_000)
    assert balance("general") == 50_000
    booked = book_csv(report(row("3343121302", REF_A, "500,00")))
    assert balance("general") == 50_000
    line = SettlementLine.get("capture#3343121302")
    assert (line.outcome, line.target) == ("settled", REF_A)
    assert planned(booked)["3343121302"] == ("settle", "")


def test_a_donation_the_webhook_never_credited_is_credited_once_from_the_report(books):
    donation(REF_B, 20_000, credited=False)
    draft = import_csv(report(row("3259823497", REF_B, "200,00")))
    assert planned(draft)["3259823497"][0] == "credit_donation"
    assert balance("general") == 0  # the preview books nothing
    settlement_booking.book(draft.import_id, FINANCE)
    settlement_booking.book(draft.import_id, FINANCE)
    assert balance("general") == 20_000
    assert Donation.get(REF_B).credited
    assert SettlementLine.get("capture#3259823497").outcome == "credited"
    book_csv(report(row("3259823497", REF_B, "200,00")))
    assert balance("general") == 20_000


def test_unmatched_lines_wait_in_the_queue_each_with_its_reason(books):
    donation(REF_A, 50_000)
    raw = report(
        row("1000000001", "order-nobody-knows", "150,00"),
        row("1000000002", REF_A, "400,00"),
        row("1000000003", "", "80,00", kind="Refusjon"),
    )
    draft = import_csv(raw)
    plans = planned(draft)
    assert plans["1000000001"] == ("queue", "unknown")
    assert plans["1000000002"] == ("queue", "amount")
    assert plans["1000000003"] == ("queue", "type")
    settlement_booking.book(draft.import_id, FINANCE)
    queued = {line.psp: line.reason
              for line in SettlementLine.queue_index.query("open")}
    assert queued == {"1000000001": "unknown", "1000000002": "amount",
                      "1000000003": "type"}
    assert balance("general") == 50_000


def test_a_line_in_another_currency_is_queued_not_credited(books):
    donation(REF_A, 50_000, credited=False)
    raw = (HEADER + ";Valuta\n" + row("1000000009", REF_A, "500,00") + ";SEK\n").encode()
    draft = import_csv(raw)
    assert planned(draft)["1000000009"] == ("queue", "currency")
    settlement_booking.book(draft.import_id, FINANCE)
    assert balance("general") == 0
    assert not Donation.get(REF_A).credited


def test_a_gift_to_the_vipps_number_naming_a_fund_is_credited_once_to_that_fund(books):
    raw = report(row("2000000001", "", "300,00", message="Julegave christmas!"))
    booked = book_csv(raw)
    assert planned(booked)["2000000001"] == ("credit_gift", "")
    assert balance("christmas") == 30_000
    gift = Gift.get("vipps#2000000001")
    assert (gift.amount, gift.donor_name, gift.fund_id) == (30_000, "Kari Nordmann",
                                                            "christmas")
    book_csv(raw)
    assert balance("christmas") == 30_000
    assert ledger_count("christmas") == 1


def test_a_vipps_gift_finance_recorded_already_is_only_marked_settled(books, client):
    from chalicelib.gifts.service import GiftInput, record_gift

    record_gift(GiftInput("general", "vipps", "2000000002", "2026-12-01", 12_000),
                FINANCE)
    booked = book_csv(report(row("2000000002", "", "120,00", message="general")))
    assert planned(booked)["2000000002"] == ("settle", "")
    assert balance("general") == 12_000
    assert SettlementLine.get("capture#2000000002").target == "vipps#2000000002"


def test_a_transaction_twice_in_one_report_is_booked_once(books):
    raw = report(row("2000000003", "", "100,00", message="christmas"),
                 row("2000000003", "", "100,00", message="christmas"))
    draft = import_csv(raw)
    import json

    actions = [r["action"] for r in json.loads(draft.lines)]
    assert actions == ["credit_gift", "duplicate"]
    settlement_booking.book(draft.import_id, FINANCE)
    assert balance("christmas") == 10_000
    assert balance("operations") == 100_000 - 350


def test_importing_the_same_report_again_books_nothing_and_shows_it_as_duplicates(
        books):
    donation(REF_A, 50_000)
    donation(REF_B, 20_000, credited=False)
    raw = report(row("3343121302", REF_A, "500,00"), row("3259823497", REF_B, "200,00"),
                 row("2000000004", "", "75,00", message="christmas"),
                 row("1000000001", "unknown-ref", "10,00"))
    book_csv(raw)
    before = {fund: (balance(fund), ledger_count(fund))
              for fund in ("general", "christmas", "operations")}
    lines_before = {line.line_key: line.outcome for line in SettlementLine.scan()}
    again = book_csv(raw)
    assert set(planned(again).values()) == {("duplicate",
                                             settlement.BOOKED_BEFORE)}
    assert {fund: (balance(fund), ledger_count(fund))
            for fund in before} == before
    assert {line.line_key: line.outcome for line in SettlementLine.scan()} == lines_before


def test_fees_are_booked_once_as_an_expense_of_the_fund_finance_chose(books):
    donation(REF_A, 50_000)
    raw = report(row("3343121302", REF_A, "500,00", fee="3,50"),
                 row("2000000005", "", "100,00", fee="1,25", message="christmas"))
    booked = book_csv(raw)
    import json

    assert json.loads(booked.summary)["fees"] == 475
    assert balance("operations") == 100_000 - 475
    fee_entries = [e for e in LedgerEntry.query("operations") if e.kind == "fee"]
    assert [int(e.amount) for e in fee_entries] == [-475]
    assert balance("general") == 50_000  # the gift's fund keeps the gross amount
    # the same payments' fees from the Report API are the same fees
    lines, _ = ledger_lines([], [{"pspReference": "3343121302", "entryType":
                                  "capture-fee", "amount": -350}], "2026-12-01")
    draft = settlement.preview(lines, [], "operations", FINANCE, "api", "2026-12-01")
    settlement_booking.book(draft.import_id, FINANCE)
    assert balance("operations") == 100_000 - 475


def test_fees_the_chosen_fund_cannot_pay_stop_the_booking_before_anything_moves(books):
    make_fund("empty")
    draft = import_csv(report(row("2000000006", "", "100,00", message="christmas")),
                       fee_fund="empty")
    with pytest.raises(FundExhausted):
        settlement_booking.book(draft.import_id, FINANCE)
    assert balance("christmas") == 0
    assert settlement.get_preview(draft.import_id).status == "preview"


def test_a_report_with_bad_rows_lists_them_and_books_nothing(books):
    raw = report(row("2000000007", "", "100,00", message="christmas"),
                 "32.13.2026;x;1;ePayment;2000000008;;abc;0;0;Salg;;;")
    draft = import_csv(raw)
    import json

    messages = [error["message"] for error in json.loads(draft.errors)]
    assert messages == ["The date is not a valid past date."]
    with pytest.raises(settlement_booking.SettlementHasErrors):
        settlement_booking.book(draft.import_id, FINANCE)
    assert balance("christmas") == 0


def test_a_row_whose_net_is_not_gross_less_fee_is_refused():
    raw = report("01.12.2026;x;1;ePayment;2000000009;;100,00;3,50;99,00;Salg;;;")
    lines, errors = parse_portal_csv(raw)
    assert lines == []
    assert [e.message for e in errors] == ["Gross less fee is not the net amount."]


def test_a_ledger_day_becomes_captures_refunds_fees_and_lines_that_move_no_gift():
    funds = [
        {"pspReference": "3343121302", "time": "2026-12-01T16:33:00.824993+0100",
         "ledgerDate": "2026-12-01", "entryType": "capture", "reference": REF_A,
         "currency": "NOK", "amount": 10000, "recipientHandle": "NO:123456",
         "balanceBefore": 0, "balanceAfter": 10000},
        {"pspReference": "1154320987", "ledgerDate": "2026-12-01", "entryType":
         "refund", "reference": REF_A, "currency": "NOK", "amount": -10000},
        {"pspReference": "12345-2000023", "ledgerDate": "2026-12-01", "entryType":
         "scheduled-for-payout", "reference": "Vipps utbet. 2000023", "currency":
         "NOK", "amount": -28800},
    ]
    fees = [{"pspReference": "3343121302", "entryType": "capture-fee", "amount": -400},
            {"pspReference": "3343121302", "entryType": "capture-fee", "amount": -100},
            {"pspReference": "12345-2000321", "entryType": "fees-retained",
             "amount": 1200}]
    lines, errors = ledger_lines(funds, fees, "2026-12-01")
    assert errors == []
    assert [(line.key, line.amount, line.fee) for line in lines] == [
        ("capture#3343121302", 10000, 0), ("refund#1154320987", -10000, 0),
        ("other#12345-2000023", -28800, 0), ("fee#3343121302", 0, 500)]
