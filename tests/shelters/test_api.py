"""The JSON API and the pages, as coordinators and other roles use them."""

import json

import pytest

from chalicelib.audit.service import recent
from chalicelib.shelters import demo
from tests.conftest import bearer, json_body
from tests.shelters.helpers import SECRET_ADDRESS, SECRET_CONTACT, make_shelter


def post_hold(client, shelter_id, role="coordinator", **body):
    headers = {**bearer(role), "Accept-Language": "en"}
    return client.post(
        f"/api/shelters/{shelter_id}/holds",
        headers=headers,
        body=json.dumps({"client_code": "K-2025-031", **body}),
    )


def test_a_coordinator_holds_checks_in_and_checks_out_through_the_api(client):
    make_shelter(total=2)
    held = post_hold(client, "sh-test", hours=6)
    assert held.status_code == 201
    hold = json_body(held)
    assert hold["status"] == "active"
    stay = client.post(
        f"/api/holds/{hold['hold_id']}/checkin", headers=bearer("coordinator")
    )
    assert stay.status_code == 201
    stay_id = json_body(stay)["stay_id"]
    out = client.post(f"/api/stays/{stay_id}/checkout", headers=bearer("coordinator"))
    assert json_body(out)["ended_at"]
    again = client.post(f"/api/stays/{stay_id}/checkout", headers=bearer("coordinator"))
    assert (again.status_code, json_body(again)["error"]["code"]) == (409, "stay_ended")


def test_a_hold_on_a_full_shelter_gets_409_no_free_bed(client):
    make_shelter(total=1)
    assert post_hold(client, "sh-test").status_code == 201
    refused = post_hold(client, "sh-test", client_code="K-2025-032")
    assert refused.status_code == 409
    error = json_body(refused)["error"]
    assert error["code"] == "no_free_bed"
    assert error["message"] == (
        "Shelter sh-test has no free bed right now. Choose another shelter."
    )


@pytest.mark.parametrize(
    "body, field",
    [
        ({"client_code": "Maria"}, "client_code"),
        ({"hours": 0}, "hours"),
        ({"hours": 73}, "hours"),
        ({"hours": "four"}, "hours"),
    ],
)
def test_bad_hold_input_is_refused_and_writes_nothing(client, body, field):
    make_shelter(total=2)
    response = post_hold(client, "sh-test", **body)
    assert response.status_code == 400
    assert field in json_body(response)["error"]["fields"]
    availability = json_body(
        client.get("/api/shelters/availability", headers=bearer("coordinator"))
    )
    assert availability["results"][0]["held"] == 0


def test_unknown_shelter_hold_and_stay_get_404(client):
    assert post_hold(client, "sh-nowhere").status_code == 404
    missing = client.delete("/api/holds/H-0000", headers=bearer("coordinator"))
    assert json_body(missing)["error"]["code"] == "unknown_hold"
    missing = client.post("/api/stays/S-0000/checkout", headers=bearer("coordinator"))
    assert json_body(missing)["error"]["code"] == "unknown_stay"


def test_releasing_a_hold_frees_the_bed_and_check_in_then_fails(client):
    make_shelter(total=1)
    hold = json_body(post_hold(client, "sh-test"))
    released = client.delete(
        f"/api/holds/{hold['hold_id']}", headers=bearer("coordinator")
    )
    assert json_body(released)["status"] == "released"
    late = client.post(
        f"/api/holds/{hold['hold_id']}/checkin", headers=bearer("coordinator")
    )
    assert json_body(late)["error"]["code"] == "hold_not_active"
    assert post_hold(client, "sh-test", client_code="K-2025-099").status_code == 201


def test_counts_below_held_beds_are_refused_with_a_clear_error(client):
    make_shelter(total=2)
    post_hold(client, "sh-test")
    response = client.post(
        "/api/shelters/sh-test/counts",
        headers=bearer("coordinator"),
        body=json.dumps({"total": 2, "occupied": 2}),
    )
    assert response.status_code == 409
    assert json_body(response)["error"]["code"] == "counts_below_commitments"


def test_the_search_ranks_by_fit_and_leaves_out_shelters_that_cannot_take_her(client):
    make_shelter(
        "sh-bergen", total=4, region="Vestland", languages="nb en es", children_max="2"
    )
    make_shelter("sh-oslo", total=4, region="Oslo", languages="nb en", children_max="2")
    make_shelter("sh-nochildren", total=4, region="Vestland", languages="es")
    make_shelter(
        "sh-men",
        total=4,
        region="Vestland",
        accepts_women="",
        accepts_men="1",
        children_max="2",
    )
    response = client.get(
        "/api/shelters/availability?region=Vestland&gender=woman&children=1"
        "&language=es",
        headers=bearer("staff"),
    )
    ids = [row["shelter_id"] for row in json_body(response)["results"]]
    assert ids == ["sh-bergen", "sh-oslo"]


def test_a_never_confirmed_count_is_unknown_in_the_search(client):
    make_shelter(total=2, confirm=False)
    row = json_body(
        client.get("/api/shelters/availability", headers=bearer("coordinator"))
    )["results"][0]
    assert row["stale"] is True
    assert (row["free"], row["last_free"]) == (None, 2)


def test_viewing_a_clients_stays_is_audit_logged(client):
    make_shelter(total=2)
    hold = json_body(post_hold(client, "sh-test"))
    client.post(f"/api/holds/{hold['hold_id']}/checkin", headers=bearer("coordinator"))
    history = client.get("/api/clients/K-2025-031/stays", headers=bearer("coordinator"))
    assert [s["shelter_id"] for s in json_body(history)["stays"]] == ["sh-test"]
    reads = [(e.action, e.record_type, e.record_id) for e in recent()]
    assert ("read", "client", "K-2025-031") in reads


def test_the_same_idempotency_key_places_one_hold(client):
    make_shelter(total=3)
    headers = {**bearer("coordinator"), "Idempotency-Key": "tap-1"}
    body = json.dumps({"client_code": "K-2025-031"})
    first = client.post("/api/shelters/sh-test/holds", headers=headers, body=body)
    again = client.post("/api/shelters/sh-test/holds", headers=headers, body=body)
    assert json_body(first)["hold_id"] == json_body(again)["hold_id"]
    summary = json_body(
        client.get("/api/shelters/summary", headers=bearer("coordinator"))
    )
    assert summary["free_total"] == 2
    assert summary["holds_expiring_within_2h"] == 0


def test_demo_data_loads_twice_without_changing_anything(client):
    demo.load()
    first = json_body(
        client.get("/api/shelters/availability", headers=bearer("coordinator"))
    )["results"]
    demo.load()
    second = json_body(
        client.get("/api/shelters/availability", headers=bearer("coordinator"))
    )["results"]
    assert len(first) == 10
    assert [(r["shelter_id"], r["free"]) for r in first] == [
        (r["shelter_id"], r["free"]) for r in second
    ]
    assert any(r["stale"] for r in first)


def test_the_detail_api_gives_the_coordinator_the_address(client):
    make_shelter(total=2)
    body = json_body(client.get("/api/shelters/sh-test", headers=bearer("admin")))
    assert (body["address"], body["contact"]) == (SECRET_ADDRESS, SECRET_CONTACT)


def test_registering_through_the_api_validates_and_keeps_the_address_apart(client):
    bad = client.post(
        "/api/shelters",
        headers=bearer("coordinator"),
        body=json.dumps(
            {
                "name": "X",
                "kind": "tent",
                "region": "Oslo",
                "address": "Hemmeligveien 1",
                "total": 2,
            }
        ),
    )
    assert bad.status_code == 400
    assert "Hemmeligveien" not in bad.body.decode()
    assert (
        json_body(client.get("/api/shelters/availability", headers=bearer("staff")))[
            "results"
        ]
        == []
    )
    created = client.post(
        "/api/shelters",
        headers=bearer("coordinator"),
        body=json.dumps(
            {
                "name": "Krisesenteret i Tromsø",
                "kind": "crisis_centre",
                "region": "Troms",
                "address": "Hemmeligveien 1",
                "contact": "+47 1",
                "total": 3,
                "languages": ["nb", "en"],
                "accepts_women": True,
            }
        ),
    )
    assert created.status_code == 201
    rows = json_body(client.get("/api/shelters/availability", headers=bearer("staff")))[
        "results"
    ]
    # All beds free, but unknown until the shelter confirms its counts.
    assert [(r["name"], r["free"], r["last_free"], r["languages"]) for r in rows] == [
        ("Krisesenteret i Tromsø", None, 3, ["en", "nb"])
    ]
    assert "address" not in rows[0]
