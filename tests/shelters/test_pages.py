"""The coordinator's board and forms, without JavaScript."""

from datetime import UTC, datetime, timedelta

from chalicelib.shelters import registry, service
from tests.form_helpers import read_page
from tests.shelters.helpers import COORDINATOR, make_shelter


def test_a_coordinator_holds_a_bed_from_the_board_and_checks_in(client, session_as):
    make_shelter(total=1)
    coordinator = session_as("coordinator")
    board = client.get(
        "/staff/shelters?gender=woman&lang=en", headers=coordinator.headers()
    )
    assert "1 free" in board.body.decode()
    headers, body = coordinator.form(
        {"client_code": "K-2025-031", "hours": "4", "request_key": "k1"}
    )
    placed = client.post("/staff/shelters/sh-test/holds", headers=headers, body=body)
    assert placed.status_code == 303
    page = client.get(placed.headers["Location"], headers=coordinator.headers())
    assert "K-2025-031" in page.body.decode()
    hold_id = registry.active_holds_of(service.get_shelter("sh-test"))[0].hold_id
    headers, body = coordinator.form({})
    client.post(f"/staff/holds/{hold_id}/checkin", headers=headers, body=body)
    counts = service.shelter_counts(service.get_shelter("sh-test"))
    assert (counts.occupied, counts.held) == (1, 0)


def test_a_second_hold_on_the_last_bed_shows_the_error_on_the_shelter_page(
    client, session_as
):
    make_shelter(total=1)
    service.place_hold("sh-test", "K-2025-031", 4, COORDINATOR)
    headers, body = session_as("coordinator").form({"client_code": "K-2025-032"})
    response = client.post(
        "/staff/shelters/sh-test/holds?lang=en", headers=headers, body=body
    )
    assert response.status_code == 409
    assert "has no free bed right now" in response.body.decode()


def test_the_board_flags_counts_older_than_a_day(client, session_as):
    make_shelter(total=2, confirm=False)
    board = client.get("/staff/shelters?lang=en", headers=session_as("staff").headers())
    assert "Counts never confirmed" in board.body.decode()


def test_registering_a_shelter_with_bad_input_names_the_fields_and_saves_nothing(
    client, session_as
):
    headers, body = session_as("coordinator").form(
        {"name": "", "kind": "castle", "region": "oslo", "total": "-1"}
    )
    response = client.post("/staff/shelters/new?lang=en", headers=headers, body=body)
    assert response.status_code == 422
    page = read_page(response.body.decode())
    assert page.texts["name-error"] == "This field is required."
    assert page.by_id["name"].invalid and page.by_id["kind"].invalid
    assert page.texts["kind-error"] == "Choose a shelter type."
    assert page.by_id["region"].selected == ["oslo"]
    assert page.by_id["total"].attrs["value"] == "-1"
    assert registry.list_shelters() == []


def test_a_coordinator_registers_a_shelter_and_staff_see_it_on_the_board(
    client, session_as
):
    headers, body = session_as("coordinator").form(
        {
            "name": "Krisesenteret i Tromsø",
            "kind": "crisis_centre",
            "region": "troms",
            "address": "Nordveien 3",
            "total": "4",
            "accepts_women": "1",
            "languages": ["nb", "en"],  # the boxes ticked
            "request_key": "register-tromso-1",
        }
    )
    response = client.post("/staff/shelters/new", headers=headers, body=body)
    assert response.status_code == 303
    board = client.get("/staff/shelters", headers=session_as("staff").headers())
    text = board.body.decode()
    assert "Krisesenteret i Tromsø" in text and "Nordveien" not in text
    from chalicelib.shelters.models import Shelter

    [saved] = [s for s in Shelter.scan() if s.name == "Krisesenteret i Tromsø"]
    assert saved.region == "troms" and saved.languages == {"nb", "en"}


def test_the_shelter_form_offers_counties_and_languages_to_choose_not_to_type(
        client, session_as):
    make_shelter(region="Oslo", languages="nb es")
    coordinator = session_as("coordinator")
    form = read_page(client.get("/staff/shelters/sh-test/edit?lang=nb",
                                headers=coordinator.headers()).body.decode())
    assert form.by_id["region"].tag == "select" and form.by_id["region"].selected == ["oslo"]
    assert "checked" in form.by_id["languages-es"].attrs
    assert "checked" not in form.by_id["languages-en"].attrs
    board = client.get("/staff/shelters?lang=nb", headers=coordinator.headers()).body
    page = read_page(board.decode())
    assert page.by_id["region"].tag == "select" and page.by_id["language"].tag == "select"
    assert ">Spansk</option>" in board.decode() and ">Trøndelag</option>" in board.decode()


def test_the_statistics_page_shows_bed_nights_per_type(client, session_as):
    make_shelter(total=1, kind="flat")
    start = datetime(2026, 3, 1, 18, tzinfo=UTC)
    hold = service.place_hold("sh-test", "K-2025-031", 4, COORDINATOR, now=start)
    stay = service.check_in(hold.hold_id, COORDINATOR, now=start)
    service.check_out(stay.stay_id, COORDINATOR, now=start + timedelta(days=3))
    page = client.get(
        "/staff/shelters/stats?year=2026&lang=en",
        headers=session_as("finance").headers(),
    )
    assert page.status_code == 200
    row = page.body.decode().split('<th scope="row">Flat</th>')[1].split("</tr>")[0]
    assert ">3</td>" in row


def test_a_malformed_client_code_on_the_hold_form_says_what_is_wrong(
        client, session_as):
    make_shelter(total=1)
    headers, body = session_as("coordinator").form(
        {"_form": "hold-sh-test", "client_code": "Maria", "hours": "12"})
    response = client.post("/staff/shelters/sh-test/holds?lang=en", headers=headers,
                           body=body)
    page = read_page(response.body.decode())
    assert response.status_code == 422
    assert page.by_id["hold-sh-test-client_code"].invalid
    assert page.by_id["hold-sh-test-client_code"].attrs["value"] == "Maria"
    assert page.by_id["hold-sh-test-hours"].attrs["value"] == "12"
    assert page.texts["hold-sh-test-client_code-error"] == \
        "Use a client code like K-2025-031."
    assert service.shelter_counts(service.get_shelter("sh-test")).held == 0


def test_the_shelter_page_shows_a_holds_expiry_in_oslo_time_with_its_zone(
    client, session_as
):
    from zoneinfo import ZoneInfo

    make_shelter(total=2)
    hold = service.place_hold("sh-test", "K-2025-031", 4, COORDINATOR)
    page = client.get("/staff/shelters/sh-test?lang=nb",
                      headers=session_as("coordinator").headers()).body.decode()
    local = hold.expires_at.astimezone(ZoneInfo("Europe/Oslo"))
    assert f"reservert til {local:%d.%m.%Y %H:%M} {local.tzname()}" in page
    assert "UTC" not in page


def test_counts_below_what_is_held_keep_the_numbers_typed_in_norwegian(
        client, session_as):
    make_shelter(total=2)
    headers, body = session_as("coordinator").form(
        {"_form": "counts", "total": "-1", "occupied": "1"})
    response = client.post("/staff/shelters/sh-test/counts", headers=headers,
                           body=body)
    page = read_page(response.body.decode())
    assert response.status_code == 422
    assert page.by_id["counts-total"].invalid
    assert page.by_id["counts-total"].attrs["value"] == "-1"
    assert page.by_id["counts-occupied"].attrs["value"] == "1"
    assert service.shelter_counts(service.get_shelter("sh-test")).total == 2


def test_the_edit_form_shows_the_shelter_as_stored(client, session_as):
    make_shelter(total=2)
    response = client.get("/staff/shelters/sh-test/edit",
                          headers=session_as("coordinator").headers())
    page = read_page(response.body.decode())
    stored = service.get_shelter("sh-test")
    assert page.by_id["name"].attrs["value"] == stored.name
    assert page.by_id["kind"].selected == [stored.kind]
    assert not page.by_id["name"].invalid


def test_a_tap_on_release_asks_first_and_the_bed_stays_held_until_confirmed(
        client, session_as):
    make_shelter(total=1, name="Krisesenteret i Vest")
    hold = service.place_hold("sh-test", "K-2025-031", 4, COORDINATOR)
    coordinator = session_as("coordinator")
    headers, body = coordinator.form({})
    asked = client.post(f"/staff/holds/{hold.hold_id}/release?lang=en",
                        headers=headers, body=body)
    text = asked.body.decode()
    assert asked.status_code == 200
    assert "Release the hold for K-2025-031?" in text
    assert "The bed at Krisesenteret i Vest held for K-2025-031 until" in text
    assert 'href="/staff/shelters/sh-test">Cancel, go back</a>' in text
    assert service.hold_state(service.get_hold(hold.hold_id)) == "active"
    confirm_form = text.split('<form method="post" action="/staff/holds/')[1]
    assert f'name="csrf_token" value="{coordinator.csrf}"' in confirm_form
    headers, body = coordinator.form({"_form": "confirm", "_confirmed": "yes"})
    done = client.post(f"/staff/holds/{hold.hold_id}/release", headers=headers,
                       body=body)
    assert done.status_code == 303
    assert service.hold_state(service.get_hold(hold.hold_id)) == "released"


def test_a_confirmed_release_without_the_csrf_token_releases_nothing(
        client, session_as):
    make_shelter(total=1)
    hold = service.place_hold("sh-test", "K-2025-031", 4, COORDINATOR)
    headers, body = session_as("coordinator").form({"_confirmed": "yes"},
                                                   with_csrf=False)
    refused = client.post(f"/staff/holds/{hold.hold_id}/release", headers=headers,
                          body=body)
    assert refused.status_code == 403
    assert service.hold_state(service.get_hold(hold.hold_id)) == "active"
