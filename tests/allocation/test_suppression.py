"""Suppression that cannot be subtracted. On every small table, every way a
reader could work out a hidden cell is tried: total minus the visible rows,
and inverting the rule itself (the reader knows the rule and considers every
secret order of the rows) over every table that publishes the same view. No
hidden cell has only one possible value."""
from __future__ import annotations

from collections import defaultdict
from itertools import permutations, product

import pytest

from chalicelib.allocation import report
from chalicelib.allocation.report import SMALL, Figure, publish


def table(counts: tuple[int, ...]) -> list[Figure]:
    rows = [Figure("donations", f"m{i:02d}", f"month {i}", c, c * 250_00 + i)
            for i, c in enumerate(counts)]
    total = Figure("donations", "total", "Total", sum(counts),
                   sum(int(r.amount or 0) for r in rows))
    return [*rows, total]


def in_order(order: tuple[int, ...]):
    return lambda _section: (lambda key: order.index(int(key[1:])))


def seen(figures: list[Figure]) -> tuple:
    """What a reader of the publication sees of the counts."""
    return tuple((f.key, f.suppressed, f.count) for f in figures)


TABLES = [*product(range(6), repeat=3), *product(range(5), repeat=4)]


@pytest.fixture(scope="module")
def published():
    """{(counts, order): publication} for every table and every secret order."""
    return {(counts, order): publish(table(counts), in_order(order))
            for counts in TABLES for order in permutations(range(len(counts)))}


def test_no_published_cell_counts_one_or_two(published):
    for figures in published.values():
        assert all(f.suppressed or not 0 < (f.count or 0) < SMALL for f in figures)


def test_total_minus_the_visible_rows_never_gives_one_cell_or_a_small_sum(published):
    for (counts, _order), figures in published.items():
        *rows, total = figures
        hidden = [i for i, row in enumerate(rows) if row.suppressed]
        if total.suppressed or not hidden:
            continue
        derived = total.count - sum(r.count for r in rows if not r.suppressed)
        assert len(hidden) >= 2, counts  # one hidden cell: its amount exactly
        assert derived == sum(counts[i] for i in hidden), counts
        assert derived >= SMALL and derived > len(hidden), counts


def test_no_hidden_count_has_one_value_for_a_reader_who_knows_the_rule(published):
    possible: dict[tuple, set[tuple[int, ...]]] = defaultdict(set)
    for (counts, _order), figures in published.items():
        possible[seen(figures)].add(counts)
    checked = 0
    for view, truths in possible.items():
        for index, (_key, suppressed, _count) in enumerate(view[:-1]):
            if suppressed:
                assert len({truth[index] for truth in truths}) >= 2, (view, truths)
                checked += 1
    assert checked > 500  # the enumeration did meet hidden cells


def test_the_reported_single_gift_of_12_345_kr_is_not_given_back_by_the_total():
    rows = [Figure("donations", "bank#2026-03", "bank 2026-03", 1, 12_345_00),
            Figure("donations", "stripe#2026-03", "stripe 2026-03", 40, 52_000_00),
            Figure("donations", "vipps#2026-03", "vipps 2026-03", 7, 3_500_00)]
    total = Figure("donations", "total", "Total", 48, 67_845_00)
    shown = {f.key: f for f in publish([*rows, total],
                                       lambda s: report.secret_rank(2026, s))}
    hidden = [k for k, f in shown.items() if f.suppressed]
    visible = sum(f.amount or 0 for k, f in shown.items()
                  if k != "total" and not f.suppressed)
    assert "bank#2026-03" in hidden and len(hidden) == 2
    assert shown["total"].amount - visible != 12_345_00


def test_sections_without_a_total_hide_only_their_small_cells():
    figures = [Figure("cash", "food", "Food", 2, 900_00),
               Figure("cash", "transport", "Transport", 9, 4_000_00)]
    shown = publish(figures, lambda s: report.secret_rank(2026, s))
    assert [f.suppressed for f in shown] == [True, False]


def test_the_secret_order_is_the_same_at_every_reading():
    first = report.secret_rank(2026, "donations")
    assert [first(k) for k in "abc"] == [report.secret_rank(2026, "donations")(k)
                                         for k in "abc"]
