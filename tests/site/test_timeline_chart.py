import datetime

from heritage.site.timeline import ROWS, chart

D = datetime.date


def test_no_changes_no_chart():
    assert chart([], end=D(2020, 1, 1)) is None


def test_one_segment_per_period_a_point_per_change_and_the_as_of_marker():
    drawing = chart(
        [(D(2015, 5, 1), "damaged", "claim-a"), (D(2015, 8, 30), "destroyed", "claim-b")],
        end=D(2020, 6, 1),
        marker=D(2016, 1, 1),
    )
    assert [s.state for s in drawing.segments] == ["damaged", "destroyed"]
    assert drawing.segments[0].x2 == drawing.segments[1].x1
    rows = dict(drawing.rows)
    assert drawing.segments[1].y == rows["destroyed"] > rows["damaged"]
    assert [p.claim for p in drawing.points] == ["claim-a", "claim-b"]
    assert drawing.risers == [(drawing.points[1].x, rows["damaged"], rows["destroyed"])]
    assert drawing.points[0].x < drawing.marker[0] < drawing.segments[1].x2
    ticks = dict((label, x) for x, label in drawing.ticks)
    assert ticks["2020"] < drawing.segments[-1].x2 < ticks["2021"]  # runs on to the end
    assert [label for _x, label in drawing.ticks][0] == "2015"
    assert len(drawing.rows) == len(ROWS)


def test_long_histories_keep_about_ten_year_labels():
    drawing = chart([(D(1990, 1, 1), "intact", None)], end=D(2026, 1, 1))
    assert len(drawing.ticks) <= 11
