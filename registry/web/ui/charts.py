"""Bar charts drawn on the server as SVG geometry (no JavaScript, no chart library, no CDN).

The template draws the rectangles; every chart is also given as a data table for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass

BAR_HEIGHT = 22
GAP = 6
LABEL_WIDTH = 230
PLOT_WIDTH = 420
COLUMN_WIDTH = 44
PLOT_HEIGHT = 180


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    horizontal: bool


def horizontal_bars(items: list[tuple[str, int]]) -> Chart:
    """One bar per (label, value), longest value full width; labels on the left."""
    top = max((value for _, value in items), default=0) or 1
    bars = [
        Bar(label, value, LABEL_WIDTH, i * (BAR_HEIGHT + GAP), PLOT_WIDTH * value / top, BAR_HEIGHT)
        for i, (label, value) in enumerate(items)
    ]
    height = max(len(items) * (BAR_HEIGHT + GAP), BAR_HEIGHT)
    return Chart(LABEL_WIDTH + PLOT_WIDTH + 40, height, bars, horizontal=True)


def vertical_bars(items: list[tuple[str, int]]) -> Chart:
    """One column per (label, value), labels below, values above each column."""
    top = max((value for _, value in items), default=0) or 1
    bars = []
    for i, (label, value) in enumerate(items):
        height = PLOT_HEIGHT * value / top
        x = i * (COLUMN_WIDTH + GAP * 2) + GAP
        bars.append(Bar(label, value, x, 20 + PLOT_HEIGHT - height, COLUMN_WIDTH, height))
    width = max(len(items) * (COLUMN_WIDTH + GAP * 2) + GAP, 200)
    return Chart(width, PLOT_HEIGHT + 50, bars, horizontal=False)
