"""Bank and Vipps gifts recorded one by one and imported from CSV files."""

from __future__ import annotations

import json

import pytest

from chalicelib.core.thanks import money_givers
from chalicelib.gifts.models import Gift
from tests.conftest import bearer, json_body
from tests.money_helpers import balance, make_fund

GIFT = {"amount": 100_000_00, "fund_id": "victims", "channel": "bank",
        "reference": "BANK-2025-001", "date": "2025-03-14",
        "donor_name": "Foreningen Solidaritet", "thank_by_name": True}


@pytest.fixture
def victims():
    return make_fund("victims")


def post_gift(client, **changes):
    return client.post("/api/gifts", body=json.dumps({**GIFT, **changes}),
                       headers=bearer("finance"))


def preview(client, text: bytes | str, channel="vipps", fund="victims"):
    raw = text.encode() if isinstance(text, str) else text
    response = client.post(f"/api/gifts/imports?fund_id={fund}&channel={channel}",
                           body=raw, headers={**bearer("finance"),
                                              "Content-Type": "text/csv"})
    return json_body(response)


def confirm(client, import_id):
    return client.post(f"/api/gifts/imports/{import_id}/confirm", body="",
                       headers=bearer("finance"))


def test_finance_records_a_bank_gift_and_the_fund_grows(client, victims):
    response = post_gift(client)
    assert response.status_code == 201
    assert balance("victims") == 100_000_00


def test_the_same_gift_sent_twice_is_recorded_once(client, victims):
    assert post_gift(client).status_code == 201
    assert post_gift(client).status_code == 200
    assert balance("victims") == 100_000_00
    other = post_gift(client, amount=5_00)
    assert json_body(other)["error"]["code"] == "duplicate_reference"
    assert balance("victims") == 100_000_00


@pytest.mark.parametrize("changes,field", [
    ({"amount": 0}, "amount"), ({"amount": -5}, "amount"),
    ({"amount": 1.5}, "amount"), ({"amount": "ten"}, "amount"),
    ({"channel": "cash"}, "channel"), ({"date": "14.03.2099"}, "date"),
    ({"reference": ""}, "reference"), ({"donor_email": "nope"}, "donor_email"),
])
def test_bad_gifts_are_refused_and_write_nothing(client, victims, changes, field):
    response = post_gift(client, **changes)
    assert response.status_code == 400
    assert field in json_body(response)["error"]["fields"]
    assert balance("victims") == 0


def test_a_gift_to_an_unknown_fund_is_refused(client, victims):
    assert json_body(post_gift(client, fund_id="x"))["error"]["code"] == "unknown_fund"


def test_only_finance_records_gifts(client, victims):
    response = client.post("/api/gifts", body=json.dumps(GIFT),
                           headers=bearer("staff"))
    assert response.status_code == 403


def test_a_clean_csv_is_previewed_then_imported_in_one_go(client, victims):
    text = ("Salgsdato;Beløp;Transaksjons-ID;Navn\n"
            "01.12.2025;200,00;V-1;Kari\n2025-12-02;1 500,50;V-2;\n")
    draft = preview(client, text)
    assert draft["errors"] == [] and draft["total"] == 1700_50
    assert balance("victims") == 0  # nothing until confirmed
    response = confirm(client, draft["import_id"])
    assert json_body(response)["status"] == "imported"
    assert balance("victims") == 1700_50
    assert len(list(Gift.scan())) == 2
    assert confirm(client, draft["import_id"]).status_code == 200
    assert balance("victims") == 1700_50


def test_a_file_with_bad_rows_lists_each_and_imports_nothing(client, victims):
    text = ("date,amount,reference\n2025-12-01,100,R-1\n2025-13-01,100,R-2\n"
            "2025-12-03,-5,R-3\n2025-12-04,abc,R-4\n2025-12-05,10,R-1\n")
    draft = preview(client, text, channel="bank")
    assert [e["line"] for e in draft["errors"]] == [3, 4, 5, 6]
    response = confirm(client, draft["import_id"])
    assert json_body(response)["error"]["code"] == "import_has_errors"
    assert balance("victims") == 0 and list(Gift.scan()) == []


def test_a_reference_already_imported_is_never_imported_again(client, victims):
    first = preview(client, "date;amount;reference\n2025-12-01;100;V-9\n")
    confirm(client, first["import_id"])
    again = preview(client, "date;amount;reference\n2025-12-01;100;V-9\n"
                            "2025-12-02;50;V-10\n")
    assert [e["line"] for e in again["errors"]] == [2]
    assert json_body(confirm(client, again["import_id"]))["error"]["code"] == (
        "import_has_errors")
    assert balance("victims") == 100_00


def test_a_race_between_two_previews_of_the_same_file_imports_once(client, victims):
    text = "date;amount;reference\n2025-12-01;100;V-1\n2025-12-02;50;V-2\n"
    one, two = preview(client, text), preview(client, text)
    assert confirm(client, one["import_id"]).status_code == 200
    late = confirm(client, two["import_id"])
    assert json_body(late)["error"]["code"] == "duplicate_reference"
    assert balance("victims") == 150_00 and len(list(Gift.scan())) == 2


def test_wrong_columns_and_another_encoding_are_reported(client, victims):
    wrong = preview(client, "when;how much\n2025-12-01;100\n")
    assert wrong["errors"][0]["line"] == 1 and wrong["rows"] == []
    latin = "date;amount;reference;name\n2025-12-01;100;V-1;Bjørn\n".encode("latin-1")
    draft = preview(client, latin)
    assert [e["line"] for e in draft["errors"]] == [2]
    assert "UTF-8" in draft["errors"][0]["message"]


def test_named_givers_who_agreed_are_thanked_and_others_are_not(client, victims):
    post_gift(client)
    post_gift(client, reference="B-2", donor_name="Anonym Giver",
              thank_by_name=False)
    names = [giver.name for giver in money_givers(2025)]
    assert "Foreningen Solidaritet" in names and "Anonym Giver" not in names


def test_the_import_page_shows_a_preview_before_anything_is_written(
    client, victims, session_as
):
    finance = session_as("finance")
    headers, body = finance.form({
        "channel": "vipps", "fund_id": "victims",
        "csv": "date;amount;reference\n2025-12-01;100;V-1\n"})
    page = client.post("/staff/gifts/import", body=body, headers=headers)
    assert page.status_code == 200 and "V-1" in page.body.decode()
    assert balance("victims") == 0
    import_id = page.body.decode().split('action="/staff/gifts/import/')[1][:16]
    headers, body = finance.form({})
    done = client.post(f"/staff/gifts/import/{import_id}", body=body,
                       headers=headers)
    assert done.status_code == 200 and balance("victims") == 100_00


@pytest.mark.parametrize("typed", ["100 kr", "-5", "0", "ti kroner"])
def test_a_mistyped_amount_on_the_gift_form_is_asked_for_in_kroner_never_ore(
    client, victims, session_as, typed
):
    headers, body = session_as("finance").form({
        "channel": "bank", "fund_id": "victims", "amount": typed, "date": "2025-12-01",
        "reference": "B-9", "donor_name": ""})
    page = client.post("/staff/gifts?lang=nb", body=body, headers=headers).body.decode()
    assert "Oppgi beløpet i kroner, for eksempel 100 eller 100,50." in page
    assert "øre" not in page
    assert balance("victims") == 0


def test_kroner_with_a_comma_and_a_thousands_space_are_read_as_typed(
    client, victims, session_as
):
    headers, body = session_as("finance").form({
        "channel": "bank", "fund_id": "victims", "amount": "1 000,50",
        "date": "2025-12-01", "reference": "B-10", "donor_name": ""})
    client.post("/staff/gifts", body=body, headers=headers)
    assert balance("victims") == 1000_50
