"""What DynamoDB cannot hold (an item is at most 400 KB) or a service cannot
read (a wrong JSON type) is refused by the shared parsers with a 4xx and a
stable code, in the caller's language: never a 500."""

from __future__ import annotations

import json

from chalicelib.inkind.models import Item
from tests.conftest import bearer, json_body
from tests.money_helpers import make_fund


def _csv(client, raw: bytes) -> dict:
    make_fund("victims")
    response = client.post("/api/gifts/imports?fund_id=victims&channel=bank",
                           body=raw, headers={**bearer("finance"),
                                              "Content-Type": "text/csv"})
    assert response.status_code == 201
    return json_body(response)


def test_a_wrong_json_type_names_the_field_in_norwegian(client):
    body = {"client_code": "K-2025-031", "amount": 100, "purpose": ["food"],
            "method": "cash", "fund_id": "victims"}
    response = client.post("/api/disbursements", body=json.dumps(body),
                           headers=bearer("staff"))
    assert response.status_code == 400
    error = json_body(response)["error"]
    assert error["code"] == "validation_failed"
    assert error["fields"] == {"purpose": "Oppgi en tekst."}


def test_a_text_longer_than_declared_is_refused_in_spanish(client):
    response = client.post("/api/volunteers", body=json.dumps({"name": "x" * 101}),
                           headers={"Content-Type": "application/json",
                                    "Accept-Language": "es"})
    error = json_body(response)["error"]
    assert response.status_code == 400
    assert error["fields"] == {"name": "Esto es demasiado largo."}


def test_a_json_body_over_256_kb_answers_413_too_large(client):
    body = json.dumps({"what": "x" * 300_000})
    response = client.post("/api/tasks", body=body, headers=bearer("staff"))
    assert response.status_code == 413
    assert json_body(response)["error"]["code"] == "too_large"


def test_a_catalogue_name_of_1_mb_is_refused_and_nothing_is_stored(
        client, session_as):
    headers, body = session_as("staff").form(
        {"item_id": "socks", "name_nb": "x" * 1_000_000, "name_en": "Socks",
         "unit": "pair", "value": "40", "kind": "goods", "low_stock": "3"})
    response = client.post("/staff/inkind/catalogue", headers=headers, body=body)
    assert response.status_code == 400
    assert "text/html" in response.headers["Content-Type"]
    assert Item.count() == 0


def test_a_form_over_2_mb_answers_413(client, session_as):
    headers, body = session_as("staff").form({"name_nb": "x" * 2_100_000})
    response = client.post("/staff/inkind/catalogue", headers=headers, body=body)
    assert response.status_code == 413


def test_a_csv_file_of_10_mb_is_refused_in_its_preview(client):
    preview = _csv(client, b"date,amount,reference\n2025-01-02,100," + b"x" * 10**7)
    assert preview["rows"] == []
    assert [e["message"] for e in preview["errors"]] == [
        "The file is larger than 512 KB; split it in parts."]


def test_a_csv_cell_too_big_to_read_is_a_row_error_and_the_rest_is_read(client):
    raw = (b"date,amount,reference\n2025-01-02,100,REF-1\n"
           b'2025-01-02,100,"' + b"x" * 200_000 + b'"\n')
    preview = _csv(client, raw)
    assert [row["reference"] for row in preview["rows"]] == ["REF-1"]
    assert [(e["line"], e["message"]) for e in preview["errors"]] == [
        (3, "The line could not be read.")]


def test_a_csv_file_with_thousands_of_bad_lines_keeps_the_first_50(client):
    raw = b"date,amount,reference\n" + b"not a date,100,REF\n" * 5000
    errors = _csv(client, raw)["errors"]
    assert len(errors) == 51
    assert errors[0] == {"line": 0, "message": "Only the first 50 problems are listed.",
                         "value": ""}
