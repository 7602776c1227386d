"""Charts without matplotlib (spikeset.render.chart): the SVG is read back and checked against
the data (axis transform inverted from the drawn frame), matplotlib's own tick locator, and the
families' figures."""
from __future__ import annotations

import base64
import json
import math
import os
import random
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html import escape
from pathlib import Path

import pytest

from spikeset.render.chart import (Chart, HLine, Label, Line, chart_svg, log_ticks, nice_ticks, text_width,
                                   tick_labels)

SVG = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def parse(svg: bytes) -> ET.Element:
    assert svg.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')
    return ET.fromstring(svg)


def frame(root: ET.Element) -> tuple[float, float, float, float]:
    """The drawn plot frame (left, top, right, bottom): the unfilled rectangle with a stroke."""
    rects = [r for r in root.iter(SVG + "rect") if r.get("fill") == "none"]
    assert len(rects) == 1
    r = rects[0]
    x, y, w, h = (float(r.get(k)) for k in ("x", "y", "width", "height"))
    return x, y, x + w, y + h


def subpaths(d: str) -> list[list[tuple[float, float]]]:
    """Absolute "M x y L x y x y ..." path data as lists of points."""
    out = []
    for piece in re.findall(r"M[^M]+", d):
        nums = [float(v) for v in NUMBER.findall(piece)]
        out.append(list(zip(nums[0::2], nums[1::2])))
    return out


def series_paths(root: ET.Element) -> list[ET.Element]:
    clipped = [g for g in root.iter(SVG + "g") if g.get("clip-path")]
    assert len(clipped) == 1
    return list(clipped[0])


def to_data(px: float, py: float, box, xlim, ylim, log: bool = False) -> tuple[float, float]:
    """Page point back to data by inverting the axis transform of the drawn frame."""
    left, top, right, bottom = box
    fx = (px - left) / (right - left)
    x = (10 ** (math.log10(xlim[0]) + fx * (math.log10(xlim[1]) - math.log10(xlim[0]))) if log
         else xlim[0] + fx * (xlim[1] - xlim[0]))
    y = ylim[0] + (bottom - py) / (bottom - top) * (ylim[1] - ylim[0])
    return x, y


def tick_texts(root: ET.Element, anchor: str) -> list[tuple[float, float, str]]:
    group = [g for g in root.iter(SVG + "g") if g.get("text-anchor") == anchor][0]
    return [(float(t.get("x")), float(t.get("y")), "".join(t.itertext())) for t in group]


def value(label: str) -> float:
    return float(label.replace("\u2212", "-"))


# --- mapping ------------------------------------------------------------------------------------

def test_points_land_where_the_data_say_linear():
    xs = [-90.0, -61.3, -20.0, 0.0, 12.7, 40.0]
    ys = [-0.8, 0.35, 0.9, -0.2, 0.0, 0.61]
    xlim, ylim = (-100.0, 50.0), (-1.0, 1.0)
    root = parse(chart_svg(Chart(series=(Line(xs, ys),), xlim=xlim, ylim=ylim, xlabel="V (mV)", ylabel="y")))
    box = frame(root)
    (pts,) = subpaths(series_paths(root)[0].get("d"))
    assert len(pts) == len(xs)
    left, top, right, bottom = box
    for (px, py), x, y in zip(pts, xs, ys):
        # within 0.05 unit (coordinates rounded to 0.1) of where the inverted transform puts the data
        ex = left + (x - xlim[0]) / (xlim[1] - xlim[0]) * (right - left)
        ey = bottom - (y - ylim[0]) / (ylim[1] - ylim[0]) * (bottom - top)
        assert abs(px - ex) <= 0.05 + 1e-9 and abs(py - ey) <= 0.05 + 1e-9
        dx, dy = to_data(px, py, box, xlim, ylim)
        assert dx == pytest.approx(x, abs=0.06 * (xlim[1] - xlim[0]) / (right - left))
        assert dy == pytest.approx(y, abs=0.06 * (ylim[1] - ylim[0]) / (bottom - top))


def test_tick_labels_sit_at_their_values():
    root = parse(chart_svg(Chart(series=(Line([0, 1], [0, 1]),), xlim=(-100, 50), ylim=(-7.5, 12.5))))
    box = frame(root)
    left, top, right, bottom = box
    xt = tick_texts(root, "middle")
    assert [value(t) for _, _, t in xt] == [-100, -80, -60, -40, -20, 0, 20, 40]
    for px, _, t in xt:
        assert to_data(px, 0, box, (-100, 50), (0, 1))[0] == pytest.approx(value(t), abs=0.05 * 150 / (right - left))
    yt = tick_texts(root, "end")
    assert [t for _, _, t in yt] == ["\u22127.5", "\u22125.0", "\u22122.5", "0.0", "2.5", "5.0", "7.5", "10.0", "12.5"]
    # a label is centred on its tick: baseline = tick + half the digits' height
    for _, py, t in yt:
        tick_y = bottom - (value(t) + 7.5) / 20.0 * (bottom - top)
        assert py - tick_y == pytest.approx(0.73 * 10 / 2, abs=0.1)


def test_log_axis_maps_decades_and_points():
    xs, ys = [0.2, 0.5, 1, 3, 10, 40], [-200, -800, -950, 0, 520, 540]
    chart = Chart(series=(Line(xs, ys, marker="o"),), xscale="log", xlim=(0.1, 100), ylim=(-1000, 600))
    root = parse(chart_svg(chart))
    box = frame(root)
    assert [value(t) for _, _, t in tick_texts(root, "middle")] == [0.1, 1, 10, 100]
    line, markers = series_paths(root)
    for (px, py), x, y in zip(subpaths(line.get("d"))[0], xs, ys):
        dx, dy = to_data(px, py, box, (0.1, 100), (-1000, 600), log=True)
        assert math.log10(dx) == pytest.approx(math.log10(x), abs=0.06 * 3 / (box[2] - box[0]))
        assert dy == pytest.approx(y, abs=0.06 * 1600 / (box[3] - box[1]))
    centres = [(float(a) + 3.0, float(b)) for a, b in re.findall(r"M(-?[\d.]+) (-?[\d.]+)a", markers.get("d"))]
    line_pts = subpaths(line.get("d"))[0]
    assert len(centres) == len(line_pts)
    for (cx, cy), (lx, ly) in zip(centres, line_pts):   # markers centred on the data (0.1 rounding each)
        assert abs(cx - lx) <= 0.11 and abs(cy - ly) <= 0.11


# --- ticks --------------------------------------------------------------------------------------

def test_ticks_match_matplotlib_max_n_locator():
    from matplotlib.ticker import MaxNLocator

    rng = random.Random(12)
    cases = [(-100, 50, 6), (-100, 50, 9), (0, 1, 8), (-90, 40, 9), (-1000, 600, 8), (1000, 1003, 5),
             (0.153, 52, 9), (-3e-4, 7e-4, 7)]
    for _ in range(200):
        a = rng.uniform(-1e3, 1e3) * 10 ** rng.randint(-3, 2)
        cases.append((a, a + abs(rng.uniform(0.01, 1e3)) * 10 ** rng.randint(-3, 2), rng.randint(1, 9)))
    for lo, hi, n in cases:
        ref = [t for t in MaxNLocator(nbins=n, steps=[1, 2, 2.5, 5, 10]).tick_values(lo, hi)
               if lo - 1e-10 * (hi - lo) <= t <= hi + 1e-10 * (hi - lo)]
        assert nice_ticks(lo, hi, n) == pytest.approx(ref, rel=1e-9, abs=1e-12 * (hi - lo)), (lo, hi, n)


def test_known_tick_choices():
    assert nice_ticks(-100, 50, 6) == [-100, -75, -50, -25, 0, 25, 50]
    assert tick_labels(nice_ticks(0, 1, 8)) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]
    assert tick_labels([-0.0, 25.0, -75.0]) == ["0", "25", "\u221275"]
    major, minor = log_ticks(0.1, 100)
    assert major == pytest.approx([0.1, 1, 10, 100]) and len(minor) == 3 * 8


# --- drawing ------------------------------------------------------------------------------------

def test_data_is_clipped_to_the_plot():
    x = [i / 10 for i in range(-50, 51)]
    y = [v ** 3 for v in x]                       # leaves the plot at both ends
    root = parse(chart_svg(Chart(series=(Line(x, y),), xlim=(-5, 5), ylim=(-10, 10), grid=True)))
    left, top, right, bottom = frame(root)
    pieces = subpaths(series_paths(root)[0].get("d"))
    assert len(pieces) == 1
    pts = pieces[0]
    assert all(left - 0.05 <= px <= right + 0.05 and top - 0.05 <= py <= bottom + 0.05 for px, py in pts)
    # the line runs to the edges where it leaves, not to the last point inside
    assert pts[0][1] == pytest.approx(bottom, abs=0.051) and pts[-1][1] == pytest.approx(top, abs=0.051)
    cube_root = 10 ** (1 / 3)
    assert to_data(*pts[-1], frame(root), (-5, 5), (-10, 10))[0] == pytest.approx(cube_root, abs=0.02)


def test_nan_breaks_a_line_and_log_drops_nonpositive():
    root = parse(chart_svg(Chart(series=(Line([0, 1, 2, 3, 4, 5], [0, 1, math.nan, 3, 4, math.inf]),))))
    assert [len(p) for p in subpaths(series_paths(root)[0].get("d"))] == [2, 2]
    root = parse(chart_svg(Chart(series=(Line([-1, 0, 1, 2, 3], [1, 2, 3, 4, 5]),), xscale="log")))
    assert [len(p) for p in subpaths(series_paths(root)[0].get("d"))] == [3]


def test_same_chart_same_bytes_across_processes():
    code = ("from spikeset.render.chart import *;import sys,hashlib;"
            "c=Chart(series=(Line([0,1,2],[3,-1,2],'--',marker='s',label='a_{1}'),Line([0,2],[1,1],':',label='b')),"
            "hlines=(HLine(0),),labels=(Label(1,-1,'A',0,6,bold=True),),legend='best',grid=True,xlabel='t (ms)',"
            "ylabel='I (µA/cm²)');sys.stdout.write(hashlib.sha256(chart_svg(c)).hexdigest())")
    digests = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(digests) == 1


def test_text_styles_markers_and_legend():
    chart = Chart(series=(Line([0, 1, 2], [0, 1, 0], "--", color="0.45", marker="s", label="B <drug> & co"),
                          Line([0, 1, 2], [1, 0, 1], ":", label="m_{∞}")),
                  hlines=(HLine(0.5, color="0.7"),), labels=(Label(1, 1, "A", 0, 6, color="tab:red", bold=True),),
                  legend="upper center", xlabel="V (mV)", ylabel="I (µA/cm²)")
    svg = chart_svg(chart)
    root = parse(svg)
    text = svg.decode("utf-8")
    assert "B &lt;drug&gt; &amp; co" in text and "<tspan" in text and "\u221e" in text
    dashes = [p.get("stroke-dasharray") for p in series_paths(root) if p.get("fill") == "none"]
    assert dashes == [None, "5.6 2.4", "1.5 2.5"]           # zero line, dashed, dotted (matplotlib's x width)
    assert 'fill="#737373"' in text                          # grey 0.45 markers
    assert 'fill="#d62728" font-weight="bold"' in text
    assert not re.search(r">-\d", text), "minus signs are U+2212"


def test_best_legend_avoids_the_data():
    x = [i / 20 for i in range(21)]
    chart = Chart(series=(Line(x, [v * v for v in x], label="rising curve"), Line(x, [1 - v for v in x], "--",
                                                                              label="falling")),
                  xlim=(0, 1), ylim=(0, 1), legend="best")
    root = parse(chart_svg(chart))
    legend = [g for g in root.iter(SVG + "g") if g.get("class") == "legend"][0]
    texts = [t for t in legend if t.tag == SVG + "text"]
    lx = min(float(t.get("x")) for t in texts) - 30
    rx = max(float(t.get("x")) + text_width("".join(t.itertext())) for t in texts)
    ty, by = (min(float(t.get("y")) for t in texts) - 8, max(float(t.get("y")) for t in texts) + 3)
    for piece in subpaths(series_paths(root)[0].get("d")) + subpaths(series_paths(root)[1].get("d")):
        assert not any(lx <= px <= rx and ty <= py <= by for px, py in piece)


@pytest.mark.parametrize("bad", [dict(x=[1, 2], y=[1]), dict(x=[1], y=[1], style="~"),
                                 dict(x=[1], y=[1], marker="x"), dict(x=[1], y=[1], color="chartreuse-ish")])
def test_bad_series_are_refused(bad):
    with pytest.raises(ValueError):
        Line(**bad)


def test_bad_charts_are_refused():
    for kw in (dict(xlim=(1, 1)), dict(ylim=(0, math.nan)), dict(xscale="log", xlim=(0, 10)), dict(legend="top"),
               dict(xscale="symlog")):
        with pytest.raises(ValueError):
            Chart(series=(), **kw)


# --- the families ---------------------------------------------------------------------------------

FIGURE_FAMILIES = ("gating", "threshold-slope", "sim-phases", "fi-curve", "voltage-clamp")


@pytest.fixture(scope="module")
def figure_sets():
    from spikeset.variants.assemble import assemble
    from spikeset.variants.assignment import parse_assignment
    from spikeset.variants.roster import Student

    text = 'id = "charts"\ntitle = "t"\n' + "".join(f'[[problems]]\nfamily = "{f}"\npoints = 1\n'
                                                    for f in FIGURE_FAMILIES)
    return assemble(parse_assignment(text), [Student(f"c{i}") for i in range(3)], b"chart-test-secret-0123")


def test_every_family_figure_renders(figure_sets):
    from spikeset.render.render import figures

    for s in figure_sets:
        drawn = figures(s)
        for p in s.problems:
            chart = p.family.figure(p.params, p.solution)
            assert isinstance(chart, Chart) and chart.caption
            html = str(drawn[p.spec.index])
            svg = base64.b64decode(re.search(r"base64,([^\"]+)", html).group(1))
            root = parse(svg)
            assert svg == chart_svg(chart)
            box = frame(root)
            drawn_pts = [pt for path in series_paths(root) if path.get("fill") == "none"
                         for piece in subpaths(path.get("d")) for pt in piece]
            assert len(drawn_pts) >= 8, p.family.id
            assert all(box[0] - 0.05 <= x <= box[2] + 0.05 and box[1] - 0.05 <= y <= box[3] + 0.05
                       for x, y in drawn_pts)
            assert len(svg) < 16_000, (p.family.id, len(svg))
            assert f"<figcaption>{escape(chart.caption)}</figcaption>" in html
            assert re.search(r'<img class="figure" alt="[^"]{20,}" src="data:image/svg\+xml;base64,[^"]+" '
                             r'style="width:39.27em">', html)          # 432 pt at 11 pt per em, as before


def test_one_students_html_imports_no_matplotlib(tmp_path):
    """The figures are Charts and the equations HTML text: a page needs no matplotlib."""
    families = "".join(f'[[problems]]\nfamily = "{f}"\npoints = 1\n' for f in FIGURE_FAMILIES + ("nernst", "ghk"))
    (tmp_path / "a.toml").write_text('id = "charts"\ntitle = "t"\n' + families)
    code = f"""
import json, sys
from pathlib import Path
from spikeset.variants.assignment import load_assignment
from spikeset.variants.roster import Student
from spikeset.render.generate import generate
generate(assignment=load_assignment(Path({str(tmp_path / 'a.toml')!r})), students=[Student("s1")],
         secret=b"chart-test-secret-0123", out_dir=Path({str(tmp_path / 'out')!r}), pdf=False, jobs=1)
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("matplotlib", "weasyprint"))))
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads(run.stdout.strip().splitlines()[-1]) == []
    page = (tmp_path / "out" / "students" / "s1" / "problems.html").read_text(encoding="utf-8")
    assert page.count('<figure class="figure">') == len(FIGURE_FAMILIES)
    assert Path(tmp_path / "out" / "instructor" / "solutions" / "s1.html").exists()


def test_labels_stay_inside_the_plot():
    chart = Chart(series=(Line([0, 10], [0, 10]),), xlim=(0, 10), ylim=(0, 10),
                  labels=(Label(5, 0.2, "C", 0, -15, size_pt=11, bold=True), Label(9.9, 5, "wide label", 20, 0),
                          Label(5, 5, "M", 0, 6), Label(11, 5, "outside")))
    root = parse(chart_svg(chart))
    left, top, right, bottom = frame(root)
    texts = {"".join(t.itertext()): t for t in root.iter(SVG + "text") if t.get("text-anchor") == "middle"
             and t.get("font-size")}
    assert set(texts) == {"C", "wide label", "M"}                  # a point outside the plot has no label
    for text, t in texts.items():
        x, y, size = float(t.get("x")), float(t.get("y")), float(t.get("font-size"))
        half = text_width(text, size, t.get("font-weight") == "bold") / 2
        assert left < x - half and x + half < right and top < y - 0.73 * size and y < bottom
    m = texts["M"]   # a label with room is where it was asked: 6 pt above its point, centred on it
    px = left + 0.5 * (right - left)
    py = bottom - 0.5 * (bottom - top)
    assert float(m.get("x")) == pytest.approx(px, abs=0.1)
    assert float(m.get("y")) == pytest.approx(py - 6 + 0.73 * 10 / 2, abs=0.1)


def test_a_matplotlib_figure_is_still_drawn_the_same_every_time():
    """Back-compatibility: a family may return a matplotlib Figure; the first one in a process
    (matplotlib not yet imported) is drawn with the same fixed margins as the later ones."""
    code = """
import sys
from types import SimpleNamespace
from spikeset.render.render import _figure
def figure(params, solution):
    from matplotlib.figure import Figure
    fig = Figure(figsize=(6, 3))
    fig.add_subplot().plot([0, 1, 2], [-70, 30, -80])
    fig.tight_layout()
    fig.spikeset_caption = "One spike."
    return fig
family = SimpleNamespace(has_figure=True, figure=figure, figure_alt=lambda p, s: "A spike")
problem = SimpleNamespace(family=family, params={}, solution={})
first, second = str(_figure(problem)), str(_figure(problem))
assert "matplotlib" in sys.modules and first == second and "<figcaption>One spike.</figcaption>" in first
print("ok")
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr[-2000:]


def test_degenerate_data_draws_or_says_why():
    for chart in (Chart(series=()), Chart(series=(Line([math.nan] * 3, [1, 2, 3]),)),
                  Chart(series=(Line([-1, -2], [1, 2]),), xscale="log"),
                  Chart(series=(Line([1, 1], [1, 1], marker="o", label="one point"),), legend="best")):
        parse(chart_svg(chart))
    root = parse(chart_svg(Chart(series=(Line([0, 1], [0, 1e-9]),))))
    labels = [lab for _, _, lab in tick_texts(root, "end")]
    assert labels[0] == "0" and all("×10" in lab for lab in labels[1:])      # no "0.000000001"
    with pytest.raises(ValueError, match="too large to draw"):
        chart_svg(Chart(series=(Line([0, 1, 2], [1e308, -1e308, 1e300]),)))
