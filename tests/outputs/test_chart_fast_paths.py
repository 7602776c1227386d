"""The chart's fast paths give what the plain code gives: clipping by runs against a
segment-by-segment reference, coordinates from the lookup table against the arithmetic, and
the cache of drawn charts by content."""
from __future__ import annotations

import numpy as np
import pytest

from spikeset.render import chart
from spikeset.render.chart import Chart, Line, chart_svg

BOX = (50.0, 10.0, 400.0, 200.0)


def reference_polylines(points: np.ndarray, box) -> list[np.ndarray]:
    """Segment by segment (Liang-Barsky on each): the visible pieces of the line."""
    left, top, right, bottom = box
    finite = np.isfinite(points).all(axis=1)
    with np.errstate(invalid="ignore"):
        inside = finite & (points[:, 0] >= left) & (points[:, 0] <= right) & (points[:, 1] >= top) & (
            points[:, 1] <= bottom)
    pieces, current = [], None
    for i in range(len(points) - 1):
        if not (finite[i] and finite[i + 1]):
            current = None
            continue
        if inside[i] and inside[i + 1]:
            if current is None:
                current = [tuple(points[i])]
                pieces.append(current)
            current.append(tuple(points[i + 1]))
            continue
        seg = chart._clip_segment(points[i, 0], points[i, 1], points[i + 1, 0], points[i + 1, 1], box)
        if seg is None:
            current = None
            continue
        if current is None or not inside[i]:
            current = [(seg[0], seg[1])]
            pieces.append(current)
        current.append((seg[2], seg[3]))
        if not inside[i + 1]:
            current = None
    return [np.array(p) for p in pieces if len(p) >= 2]


def _lines(rng: np.random.Generator, count: int):
    grid = np.array([0.0, 10.0, 50.0, 100.0, 200.0, 400.0, 420.0])  # the box's edges and corners
    for k in range(count):
        n = int(rng.integers(0, 60))
        kind = k % 5
        if kind == 0:
            pts = rng.uniform(0, 450, (n, 2))
        elif kind == 1:  # a wave leaving and entering the box
            pts = np.column_stack([np.linspace(0, 450, n), 100 + 150 * np.sin(np.linspace(0, rng.uniform(1, 20), n))])
        elif kind == 2:  # gaps
            pts = rng.uniform(40, 410, (n, 2))
            if n:
                pts[rng.integers(0, n, max(1, n // 5))] = np.nan
        elif kind == 3:  # points on the edges, segments along them
            pts = rng.choice(grid, (n, 2))
        else:
            pts = np.column_stack([np.linspace(50, 400, n), np.clip(rng.normal(100, 80, n), 10, 200)])
            if n > 3:
                pts[rng.integers(0, n, 2), 1] = [np.inf, -5.0]
        yield pts


def test_polylines_by_runs_equal_the_segment_by_segment_reference():
    rng = np.random.default_rng(12)
    for pts in _lines(rng, 2500):
        got, want = chart._polylines(pts, BOX), reference_polylines(pts, BOX)
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert g.dtype == w.dtype and np.array_equal(g, w)


def test_coordinates_from_the_table_equal_the_arithmetic():
    values = list(range(-3000, 30000, 7)) + [0, 9, 10, 14399, 14400, -1, -10, 10 ** 7]
    assert chart._tenths_words(values) == [chart._tenths(v) for v in values]
    assert chart._tenths_words([]) == []
    for v in (-12.34, -0.04, 0.0, 0.05, 3.14159, 99.95, 1439.94, 1440.0, 5000.0):
        assert chart._n(v) == chart._tenths(round(v * 10.0))


def _chart(y_last: float) -> Chart:
    return Chart(series=(Line([0, 1, 2], [0.0, 0.5, y_last], label="x_{1}"),), legend="best", grid=True)


def test_charts_are_kept_by_content():
    first = chart_svg(_chart(1.0))
    assert chart_svg(_chart(1.0)) == first          # an equal chart (another object): the same bytes
    assert chart_svg(_chart(0.75)) != first          # one value changed: drawn again
    assert chart_svg(_chart(1.0)) == chart._draw_svg(_chart(1.0))
    assert chart._recent_svg.cache_info().maxsize <= 64   # bounded


def test_a_chart_that_cannot_be_hashed_is_drawn_anyway(monkeypatch):
    c = _chart(1.0)
    object.__setattr__(c, "labels", [])  # a list: unhashable
    with pytest.raises(TypeError):
        hash(c)
    assert chart_svg(c) == chart._draw_svg(_chart(1.0))


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16, np.int64, np.int32, np.uint8, np.uint64])
def test_arrays_become_the_floats_float_gives(dtype):
    rng = np.random.default_rng(3)
    if np.dtype(dtype).kind == "f":
        values = (rng.normal(0, 1e3, 200)).astype(dtype)
        values[:4] = [np.nan, np.inf, -np.inf, -0.0]
    else:
        info = np.iinfo(dtype)
        values = rng.integers(info.min, info.max, 200, dtype=dtype, endpoint=True)
        values[:2] = [info.min, info.max]
    got = chart._floats(values)
    want = tuple(float(v) for v in values)
    assert all(type(g) is float for g in got)
    assert [repr(g) for g in got] == [repr(w) for w in want]   # NaN and -0.0 included
