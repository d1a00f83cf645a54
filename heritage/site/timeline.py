"""The geometry of a monument's timeline chart, drawn as inline SVG on the server.

A step chart: one row per state, time left to right, a segment for each period the
evidence supported a state, a point at each change (linked to the claim that caused
it) and, when the page shows a past date, a line at that date. Pure: plain values in,
plain values out; the template turns them into SVG.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

# Rows from top to bottom: the undamaged states first, then worse and worse damage.
ROWS = ("intact", "restored", "damaged", "severely_damaged", "destroyed")
WIDTH = 720
LABEL_WIDTH = 150
RIGHT_MARGIN = 20
ROW_HEIGHT = 30
TOP = 16
AXIS_HEIGHT = 28


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    date: datetime.date
    state: str
    claim: str | None


@dataclass(frozen=True)
class Segment:
    x1: float
    x2: float
    y: float
    state: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    rows: list[tuple[str, float]]  # (state, y of its line)
    segments: list[Segment]
    risers: list[tuple[float, float, float]]  # (x, y1, y2): a change between two rows
    points: list[Point]
    ticks: list[tuple[float, str]]  # (x, year)
    axis_y: float
    marker: tuple[float, datetime.date] | None  # the page's as-of date


def chart(
    changes: list[tuple[datetime.date, str, str | None]],
    *,
    end: datetime.date,
    marker: datetime.date | None = None,
) -> Chart | None:
    """The chart of *changes* ``(date, state, claim)`` (oldest first) up to *end*.

    None without changes: there is nothing to draw.
    """
    if not changes:
        return None
    first = changes[0][0]
    last = max(end, changes[-1][0], marker or end)
    start = datetime.date(first.year, 1, 1)
    stop = datetime.date(last.year + 1, 1, 1)
    span = (stop - start).days
    plot_left, plot_right = LABEL_WIDTH, WIDTH - RIGHT_MARGIN

    def x(day: datetime.date) -> float:
        return round(plot_left + (plot_right - plot_left) * (day - start).days / span, 1)

    rows = [(state, TOP + i * ROW_HEIGHT + ROW_HEIGHT / 2) for i, state in enumerate(ROWS)]
    y = dict(rows)
    segments, risers, points = [], [], []
    for i, (day, state, claim) in enumerate(changes):
        until = changes[i + 1][0] if i + 1 < len(changes) else last
        segments.append(Segment(x(day), x(until), y[state], state))
        if i:
            risers.append((x(day), y[changes[i - 1][1]], y[state]))
        points.append(Point(x(day), y[state], day, state, claim))
    axis_y = TOP + len(ROWS) * ROW_HEIGHT
    years = stop.year - start.year
    step = max(1, -(-years // 10))  # at most about ten labels
    ticks = [
        (x(datetime.date(year, 1, 1)), str(year))
        for year in range(start.year, stop.year + 1, step)
    ]
    return Chart(
        width=WIDTH,
        height=int(axis_y + AXIS_HEIGHT),
        plot_left=plot_left,
        plot_right=plot_right,
        rows=rows,
        segments=segments,
        risers=risers,
        points=points,
        ticks=ticks,
        axis_y=axis_y,
        marker=(x(marker), marker) if marker else None,
    )
