"""Regions are today's counties, stored as codes and shown by name; a search
finds them in any case; a shelter stored with an old county is read as its
successor when its municipality says which, else shown as stored and flagged."""
from __future__ import annotations

from chalicelib.shelters.models import Shelter
from tests.conftest import bearer, json_body
from tests.shelters.helpers import make_shelter


def store_old_region(shelter_id: str, region: str, municipality: str) -> None:
    Shelter.get(shelter_id).update(actions=[
        Shelter.region.set(region), Shelter.municipality.set(municipality)])


def search(client, query: str) -> list[dict]:
    response = client.get(f"/api/shelters/availability?{query}",
                          headers=bearer("coordinator"))
    assert response.status_code == 200
    return json_body(response)["results"]


def test_a_search_for_lowercase_oslo_ranks_the_oslo_shelter_first(client):
    make_shelter("sh-salten", total=5, region="Nordland")
    make_shelter("sh-oslo", total=1, region="OSLO")
    rows = search(client, "region=oslo")
    assert [row["shelter_id"] for row in rows] == ["sh-oslo", "sh-salten"]
    assert (rows[0]["region"], rows[0]["region_name"]) == ("oslo", "Oslo")


def test_a_shelter_stored_in_viken_in_lillestrom_is_found_in_akershus(client):
    make_shelter("sh-other", total=5, region="Buskerud")
    make_shelter("sh-treff", total=1, region="Oslo")
    store_old_region("sh-treff", "Viken", "Lillestrøm")
    rows = search(client, "region=Akershus")
    assert rows[0]["shelter_id"] == "sh-treff"
    assert rows[0]["region_name"] == "Akershus" and not rows[0]["region_outdated"]


def test_a_viken_shelter_of_unknown_municipality_is_shown_as_stored_and_flagged(
        client, session_as):
    make_shelter("sh-old", total=1, region="Oslo")
    store_old_region("sh-old", "Viken", "")
    row = search(client, "")[0]
    assert (row["region"], row["region_outdated"]) == ("Viken", True)
    html = client.get("/staff/shelters?lang=en",
                      headers=session_as("coordinator").headers()).body.decode()
    assert "Viken (county before 2024: choose it again)" in html


def test_an_unknown_county_is_refused_with_the_field_named(client):
    response = client.get("/api/shelters/availability?region=Atlantis",
                          headers=bearer("coordinator"))
    assert response.status_code == 400
    assert json_body(response)["error"]["code"] == "validation_failed"
    created = client.post("/api/shelters", headers=bearer("coordinator"), body=(
        '{"name": "X", "region": "Viken", "kind": "flat", "total": 1}'))
    assert created.status_code == 400
    assert json_body(created)["error"]["code"] == "validation_failed"


def test_shelter_languages_outside_the_list_are_refused_and_names_are_shown(
        client, session_as):
    created = client.post("/api/shelters", headers=bearer("coordinator"), body=(
        '{"name": "X", "region": "oslo", "kind": "flat", "total": 1,'
        ' "languages": ["es", "xx"]}'))
    assert created.status_code == 400
    make_shelter("sh-es", total=1, languages="ES nb")
    html = client.get("/staff/shelters?lang=nb",
                      headers=session_as("coordinator").headers()).body.decode()
    assert "Spansk, Norsk" in html
