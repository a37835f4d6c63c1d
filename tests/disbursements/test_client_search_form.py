"""A client search with a name instead of a code keeps what was typed."""
from __future__ import annotations

from urllib.parse import urlencode

from tests.form_helpers import read_page


def test_a_name_in_the_payments_search_marks_the_field_and_keeps_the_name(
        client, session_as):
    query = urlencode({"_form": "lookup", "code": "Maria Olsen"})
    response = client.get(f"/staff/clients?{query}",
                          headers=session_as("staff").headers())
    page = read_page(response.body.decode())
    assert response.status_code == 422
    assert page.by_id["lookup-code"].invalid
    assert page.by_id["lookup-code"].attrs["value"] == "Maria Olsen"
    assert page.texts["lookup-code-error"] == "Bruk en klientkode som K-2025-031."
    assert ("#lookup-code", "Bruk en klientkode som K-2025-031.") in page.summary_links


def test_a_well_formed_code_still_opens_the_clients_page(client, session_as):
    response = client.get("/staff/clients?_form=lookup&code=k-2025-031",
                          headers=session_as("staff").headers())
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/staff/clients/K-2025-031")


def test_a_bridging_date_in_words_keeps_it_on_the_clients_page(client, session_as):
    headers, body = session_as("staff").form({"expected_payout": "snart"})
    response = client.post("/staff/clients/K-2025-031", headers=headers, body=body)
    page = read_page(response.body.decode())
    assert response.status_code == 422
    assert page.by_id["expected_payout"].invalid
    assert page.by_id["expected_payout"].attrs["value"] == "snart"
    assert "Klient K-2025-031" in response.body.decode()
