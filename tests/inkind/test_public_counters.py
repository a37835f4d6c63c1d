"""Public needs counters move in steps that hide any one pledge: a giver who
pledges and looks again learns nothing about other people's pledges that is
not a total of at least three of them."""
from __future__ import annotations

from itertools import product

import pytest

from chalicelib.inkind import needs
from chalicelib.inkind.models import Need
from tests.inkind.helpers import STAFF, add_items


def _need() -> str:
    add_items()
    needs.publish_need("n-soap", "soap", 100, None, {"en": "Soap for a shelter"})
    return "n-soap"


def _pledge(number: int, quantity: int, who: str = "other") -> None:
    needs.make_pledge(f"p-{who}-{number}", "n-soap", needs.PledgeInput(
        f"Giver {who}", f"{who}{number}@example.org", quantity))


def _public() -> tuple:
    (need,) = [n for n in needs.public_needs("en") if n["need_id"] == "n-soap"]
    return need["pledged"], need["received"], need["progress"]


@pytest.mark.parametrize("others", [(1,), (2,), (1, 1), (2, 1)])
def test_one_pledge_and_a_look_reveal_nothing_about_fewer_than_four_pledges(
        others):
    _need()
    for number, quantity in enumerate(others):
        _pledge(number, quantity)
    seen = []
    for attempt, quantity in enumerate((5, 1, 2)):
        if len(others) + attempt + 1 >= needs.SHOW_EVERY:
            break
        seen.append(_public())
        _pledge(attempt, quantity, who="attacker")
        seen.append(_public())
    # Whatever the others pledged, the attacker sees the same: nothing shown.
    assert set(seen) == {(None, None, 0)}


def test_the_counter_moves_after_four_pledges_and_the_step_holds_three_others():
    _need()
    for number, quantity in enumerate((1, 2, 1)):
        _pledge(number, quantity)
    assert _public()[0] is None
    _pledge(9, 5, who="attacker")
    shown = _public()[0]
    assert shown == 9  # the attacker can subtract 5: the rest is three pledges


def test_every_sequence_of_two_hidden_pledges_looks_the_same_around_a_new_one():
    views = {}
    for hidden, mine in product(product((1, 2), repeat=2), (1, 3)):
        _need()
        for number, quantity in enumerate(hidden):
            _pledge(number, quantity)
        _pledge(7, mine, who="attacker")
        views.setdefault(mine, set()).add(_public())
        for need in Need.scan():
            need.delete()
    assert all(len(seen) == 1 for seen in views.values())


def test_receipts_move_the_received_counter_in_the_same_steps():
    from chalicelib.inkind.service import ReceiptLine, receive_gifts

    _need()
    for number in range(needs.SHOW_EVERY - 1):
        receive_gifts(f"r-{number}", "Walk-in", "office",
                      [ReceiptLine("soap", 2)], STAFF, need_id="n-soap")
    assert _public()[1] is None
    receive_gifts("r-last", "Walk-in", "office", [ReceiptLine("soap", 2)], STAFF,
                  need_id="n-soap")
    assert _public()[1] == 2 * needs.SHOW_EVERY
    assert int(Need.get("n-soap").received) == 2 * needs.SHOW_EVERY


def test_a_changed_need_text_keeps_its_counters():
    _need()
    for number in range(needs.SHOW_EVERY):
        _pledge(number, 3)
    needs.publish_need("n-soap", "soap", 100, None, {"en": "Soap, please"})
    assert _public()[0] == 3 * needs.SHOW_EVERY
