"""Counts older than SHELTER_COUNTS_FRESH_HOURS (12 h) show as unknown on the
board and in searches, and coordinators see how many in the staff menu."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from chalicelib.shelters import registry, search
from tests.shelters.helpers import COORDINATOR, make_shelter

CONFIRMED = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)


def _free_at(moment):
    return [(r["shelter_id"], r["free"]) for r in
            search.find_beds(search.parse_need({}), now=moment)]


def test_a_count_is_shown_until_12_hours_and_unknown_a_second_later():
    make_shelter("sh-a", total=3, occupied=1, confirm=False)
    registry.confirm_counts("sh-a", 3, 1, COORDINATOR, now=CONFIRMED)
    assert _free_at(CONFIRMED + timedelta(hours=12)) == [("sh-a", 2)]
    assert _free_at(CONFIRMED + timedelta(hours=12, seconds=1)) == [("sh-a", None)]


def test_the_board_lists_known_free_beds_then_unknown_counts_then_full_shelters():
    now = datetime.now(UTC)
    for shelter_id, occupied, hours_ago in (("sh-full", 2, 1), ("sh-old", 0, 13),
                                            ("sh-free", 1, 1)):
        make_shelter(shelter_id, total=2, confirm=False)
        registry.confirm_counts(shelter_id, 2, occupied, COORDINATOR,
                                now=now - timedelta(hours=hours_ago))
    assert _free_at(now) == [("sh-free", 1), ("sh-old", None), ("sh-full", 0)]


def test_the_board_says_unknown_instead_of_a_number_for_an_old_count(
        client, session_as):
    make_shelter("sh-old", total=4, confirm=False, name="Old Count House")
    registry.confirm_counts("sh-old", 4, 1, COORDINATOR,
                            now=datetime.now(UTC) - timedelta(hours=13))
    board = client.get("/staff/shelters?lang=en",
                       headers=session_as("coordinator").headers()).body.decode()
    card = board.split('data-shelter="sh-old"')[1].split("</li>")[0]
    figure = card.split('class="free')[1].split("</strong>")[0]
    assert "Free beds unknown" in figure and "3" not in figure
    assert "the last count said 3 free of 4 beds" in card


def _badge(client, session_as, role):
    page = client.get("/staff/shelters?lang=en", headers=session_as(role).headers())
    menu = page.body.decode().split('<details class="menu">')[1].split("</details>")[0]
    entry = re.search(r'href="/staff/shelters"[^>]*>[^<]*</a>(.*?)</li>', menu)
    return entry.group(1) if entry else ""


def test_coordinators_see_how_many_shelters_have_unknown_counts_in_the_menu(
        client, session_as):
    now = datetime.now(UTC)
    make_shelter("sh-never", confirm=False)
    make_shelter("sh-old", confirm=False)
    registry.confirm_counts("sh-old", 3, 0, COORDINATOR, now=now - timedelta(hours=13))
    make_shelter("sh-fresh")
    entry = _badge(client, session_as, "coordinator")
    assert '<span class="badge">2<' in entry and "shelters with unknown counts" in entry
    assert "badge" not in _badge(client, session_as, "staff")
    registry.confirm_counts("sh-old", 3, 0, COORDINATOR)
    registry.confirm_counts("sh-never", 3, 0, COORDINATOR)
    assert "badge" not in _badge(client, session_as, "coordinator")
