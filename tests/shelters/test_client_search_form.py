"""The coordinator's stay search with a name keeps it and says what a code is."""
from __future__ import annotations

from tests.form_helpers import read_page


def test_a_name_in_the_stay_search_marks_the_field_in_norwegian(client, session_as):
    response = client.get("/staff/shelters/clients?code=Maria+Olsen",
                          headers=session_as("coordinator").headers())
    page = read_page(response.body.decode())
    assert response.status_code == 422
    assert page.by_id["code"].invalid
    assert page.by_id["code"].attrs["value"] == "Maria Olsen"
    assert page.texts["code-error"] == "Bruk en klientkode som K-2025-031."
    assert "Ingen opphold" not in response.body.decode()  # no search was made
