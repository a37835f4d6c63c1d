"""Bar charts as plain geometry for an inline <svg> drawn by the template:
no JavaScript, no style attributes, readable at phone width (labels sit above
their bar, the drawing scales with the viewBox)."""

from __future__ import annotations

from typing import NamedTuple

WIDTH = 320  # viewBox units; the <svg> is 100 % wide
ROW = 40  # label line plus bar
BAR = 14
VALUE_SPACE = 112  # room right of the longest bar for its value


class Bar(NamedTuple):
    label: str
    value: int
    text: str  # the value as shown (formatted money, a count)
    href: str
    y: int
    width: int
    fill: str


class Chart(NamedTuple):
    title: str
    bars: list[Bar]
    height: int
    width: int = WIDTH


def bar_chart(
    title: str, rows: list[tuple[str, int, str, str]], fill: str = "#5b2a86"
) -> Chart:
    """rows: (label, value, value text, href). Negative values draw as empty."""
    top = max([value for _, value, _, _ in rows] + [1])
    usable = WIDTH - VALUE_SPACE
    bars = [
        Bar(label, value, text, href, index * ROW,
            max(int(usable * max(value, 0) / top), 1 if value > 0 else 0), fill)
        for index, (label, value, text, href) in enumerate(rows)
    ]
    return Chart(title, bars, max(len(rows), 1) * ROW)


def progress_chart(
    title: str, rows: list[tuple[str, int, int, str, str]]
) -> Chart:
    """rows: (label, done, goal, text, href): bars as a share of each goal."""
    scaled = [
        (label, min(int(1000 * done / goal), 1000) if goal > 0 else 0, text, href)
        for label, done, goal, text, href in rows
    ]
    chart = bar_chart(title, scaled, fill="#1f6f43")
    usable = WIDTH - VALUE_SPACE
    bars = [
        Bar(b.label, b.value, b.text, b.href, b.y, int(usable * b.value / 1000),
            b.fill)
        for b in chart.bars
    ]
    return Chart(title, bars, chart.height)
