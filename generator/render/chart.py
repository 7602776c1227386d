"""Line charts as small, deterministic SVG, without matplotlib.

A problem family describes its figure as data (:class:`Chart` of :class:`Line` series, with
optional :class:`HLine` reference lines and :class:`Label` annotations) and
:func:`chart_svg` draws it: a few kilobytes of SVG with text as ``<text>`` (a sans-serif stack
led by DejaVu Sans), laid out the way matplotlib lays out one plot (its tick choice, dash
patterns, marker and legend sizes), about a hundred times faster. Same chart, same bytes.

Coordinates are SVG user units of 1 pt (1/72 inch; the ``<svg>`` is ``width_in`` x
``height_in`` inches), rounded to 0.1. Text accepts ``_{...}`` and ``^{...}`` for subscripts
and superscripts (``"m_{∞}"``); everything else is literal.
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

import numpy as np

FONT_FAMILY = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif"
#: Size [pt] of tick labels, axis labels and legend text (matplotlib's default 10 pt).
FONT_PT = 10.0
#: Major tick length and gap to its label [pt]; minor tick length [pt]; axis label gap [pt].
TICK_PT, TICK_PAD_PT, MINOR_TICK_PT, LABEL_PAD_PT = 3.5, 3.5, 2.0, 4.0
#: Width [pt] of the frame, ticks and grid lines.
AXIS_LINE_PT = 0.8
#: Blank margin [pt] kept at the top and right of the plot, and around the labels at the figure's edges.
TOP_PT, RIGHT_PT, EDGE_PT = 8.6, 10.0, 3.0
GRID_COLOR, GRID_OPACITY = "#b0b0b0", 0.3
INK = "#000000"

LINE_STYLES = ("-", "--", ":", "-.", "")
MARKERS = ("o", "s")
#: Dash patterns in units of the line width (matplotlib's lines.*_pattern, scaled by width).
_DASHES = {"--": (3.7, 1.6), ":": (1.0, 1.65), "-.": (6.4, 1.6, 1.0, 1.6)}
LEGEND_LOCATIONS = ("best", "upper right", "upper left", "lower left", "lower right", "right", "center left",
                    "center right", "lower center", "upper center", "center")
#: Named colours the families use (matplotlib's tab:red and friends), besides "#rrggbb" and "0.45"-style greys.
NAMED_COLORS = {"black": "#000000", "white": "#ffffff", "tab:red": "#d62728", "tab:blue": "#1f77b4",
                "tab:orange": "#ff7f0e", "tab:green": "#2ca02c", "tab:gray": "#7f7f7f"}


def color_hex(color: str) -> str:
    """``"#rrggbb"``, a named colour of :data:`NAMED_COLORS`, or a grey level ``"0"``..``"1"``
    (as in matplotlib) as ``"#rrggbb"``."""
    if color in NAMED_COLORS:
        return NAMED_COLORS[color]
    if len(color) == 7 and color[0] == "#" and all(c in "0123456789abcdefABCDEF" for c in color[1:]):
        return color.lower()
    try:
        level = float(color)
    except ValueError:
        raise ValueError(f"unknown colour {color!r}: use #rrggbb, a grey level 0..1 or one of "
                         f"{', '.join(NAMED_COLORS)}") from None
    if not 0.0 <= level <= 1.0:
        raise ValueError(f"grey level {color!r} outside 0..1")
    v = int(round(level * 255))
    return f"#{v:02x}{v:02x}{v:02x}"


def _floats(values: Iterable[float]) -> tuple[float, ...]:
    if isinstance(values, np.ndarray) and values.ndim == 1 and (
            values.dtype.kind in "iu" or (values.dtype.kind == "f" and values.dtype.itemsize <= 8)):
        return tuple(values.astype(float).tolist())  # the values float() gives, converted at once
    return tuple(float(v) for v in values)


@dataclass(frozen=True)
class Line:
    """One data series, y against x, as a line and/or markers. A NaN (or infinite) point breaks
    the line; on a log axis so does a value <= 0.

    ``style``: "-" solid, "--" dashed, ":" dotted, "-." dash-dot, "" markers only.
    ``width_pt``: line width [pt]; ``marker``: None, "o" (disc) or "s" (square), of
    ``marker_size_pt`` [pt] across; ``label``: its legend entry (None: not in the legend)."""
    x: tuple[float, ...]
    y: tuple[float, ...]
    style: str = "-"
    color: str = "black"
    width_pt: float = 1.5
    marker: str | None = None
    marker_size_pt: float = 6.0
    label: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "x", _floats(self.x))
        object.__setattr__(self, "y", _floats(self.y))
        if len(self.x) != len(self.y):
            raise ValueError(f"Line {self.label!r}: {len(self.x)} x values but {len(self.y)} y values")
        if self.style not in LINE_STYLES:
            raise ValueError(f"Line style {self.style!r}: expected one of {LINE_STYLES}")
        if self.marker is not None and self.marker not in MARKERS:
            raise ValueError(f"Line marker {self.marker!r}: expected None or one of {MARKERS}")
        color_hex(self.color)


@dataclass(frozen=True)
class HLine:
    """A horizontal reference line across the plot at ``y`` (data units), such as zero current."""
    y: float
    color: str = "0.7"
    width_pt: float = 0.8
    style: str = "-"

    def __post_init__(self) -> None:
        if self.style not in LINE_STYLES[:-1]:
            raise ValueError(f"HLine style {self.style!r}: expected one of {LINE_STYLES[:-1]}")
        color_hex(self.color)


@dataclass(frozen=True)
class Label:
    """A text annotation centred ``dx_pt`` right of and ``dy_pt`` above the data point (x, y)
    (offsets [pt]); drawn only when the point is inside the plot, and moved as little as
    needed to keep the text inside it."""
    x: float
    y: float
    text: str
    dx_pt: float = 0.0
    dy_pt: float = 0.0
    color: str = "black"
    size_pt: float = FONT_PT
    bold: bool = False

    def __post_init__(self) -> None:
        color_hex(self.color)


@dataclass(frozen=True)
class Chart:
    """One plot: its series, axes and decorations, ``width_in`` x ``height_in`` inches.

    ``xlim``/``ylim``: the axis ranges (data units); None takes the data's range plus 5 %
    on each side (as matplotlib does). ``xscale``: "linear" or "log" (decades labelled, minor
    ticks at 2..9). ``legend``: None (no legend) or where it goes, one of
    :data:`LEGEND_LOCATIONS` ("best": where it covers the fewest data points and segments).
    ``caption``: shown under the figure on the page."""
    series: tuple[Line, ...]
    xlabel: str = ""
    ylabel: str = ""
    xlim: tuple[float, float] | None = None
    ylim: tuple[float, float] | None = None
    xscale: str = "linear"
    grid: bool = False
    legend: str | None = None
    hlines: tuple[HLine, ...] = ()
    labels: tuple[Label, ...] = ()
    caption: str = ""
    width_in: float = 6.0
    height_in: float = 3.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "series", tuple(self.series))
        object.__setattr__(self, "hlines", tuple(self.hlines))
        object.__setattr__(self, "labels", tuple(self.labels))
        if self.xscale not in ("linear", "log"):
            raise ValueError(f"xscale {self.xscale!r}: expected 'linear' or 'log'")
        if self.legend is not None and self.legend not in LEGEND_LOCATIONS:
            raise ValueError(f"legend {self.legend!r}: expected None or one of {LEGEND_LOCATIONS}")
        for name in ("xlim", "ylim"):
            lim = getattr(self, name)
            if lim is not None:
                lo, hi = float(lim[0]), float(lim[1])
                if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
                    raise ValueError(f"{name} {lim!r}: expected two finite numbers, low < high")
                if name == "xlim" and self.xscale == "log" and lo <= 0:
                    raise ValueError(f"xlim {lim!r}: a log axis needs positive limits")
                object.__setattr__(self, name, (lo, hi))
        if not (0.5 <= self.width_in <= 20 and 0.5 <= self.height_in <= 20):
            raise ValueError(f"chart size {self.width_in} x {self.height_in} in: expected 0.5 to 20 inches each")


# ---------------------------------------------------------------------------------------------
# Text: widths of DejaVu Sans (advance widths per 1000 em), so labels can be laid out without a font.

_WIDTH_CHARS = (' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz'
                '{|}~µ²³−∞·°±×αβτΔ–')
_REGULAR = (318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636,
            636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775,
            752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390,
            337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
            635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838, 636, 401, 401, 838, 833,
            318, 500, 838, 838, 659, 638, 602, 684, 500)
_BOLD = (348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696,
         696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837,
         372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457,
         838, 500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493,
         595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838, 736, 438, 438, 838, 833, 380, 500, 838, 838,
         687, 716, 638, 774, 500)
_ADVANCE = {False: dict(zip(_WIDTH_CHARS, _REGULAR)), True: dict(zip(_WIDTH_CHARS, _BOLD))}
#: Ascent of digits and capitals, and descent, as fractions of the font size (DejaVu Sans).
CAP_HEIGHT, DESCENT = 0.73, 0.24
#: Size and baseline shift of subscripts and superscripts, as fractions of the font size.
SCRIPT_SCALE, SUB_SHIFT, SUP_SHIFT = 0.8, 0.25, -0.4


def _runs(text: str) -> list[tuple[str, int]]:
    """``text`` as runs of (characters, level): 0 normal, 1 subscript, -1 superscript."""
    runs: list[tuple[str, int]] = []
    i, buf = 0, []
    while i < len(text):
        if text[i] in "_^" and i + 1 < len(text) and text[i + 1] == "{":
            end = text.find("}", i + 2)
            if end > 0:
                if buf:
                    runs.append(("".join(buf), 0))
                    buf = []
                runs.append((text[i + 2:end], 1 if text[i] == "_" else -1))
                i = end + 1
                continue
        buf.append(text[i])
        i += 1
    if buf:
        runs.append(("".join(buf), 0))
    return runs


def text_width(text: str, size_pt: float = FONT_PT, bold: bool = False) -> float:
    """Width [pt] of ``text`` (with ``_{}``/``^{}`` scripts) in DejaVu Sans of ``size_pt``."""
    table = _ADVANCE[bold]
    total = 0.0
    for run, level in _runs(text):
        scale = SCRIPT_SCALE if level else 1.0
        total += scale * sum(table.get(ch, 620) for ch in run)
    return total * size_pt / 1000.0


def _text_xml(text: str, size_pt: float) -> str:
    """The content of a ``<text>`` element: escaped characters, scripts as ``<tspan>``."""
    out, shift = [], 0.0
    for run, level in _runs(text):
        target = {0: 0.0, 1: SUB_SHIFT, -1: SUP_SHIFT}[level] * size_pt
        dy = target - shift
        shift = target
        escaped = html.escape(run, quote=False)
        if level == 0 and abs(dy) < 1e-9:
            out.append(escaped)
        else:
            size = f' font-size="{_n(size_pt * (SCRIPT_SCALE if level else 1.0))}"'
            out.append(f'<tspan dy="{_n(dy)}"{size}>{escaped}</tspan>')
    return "".join(out)


def _n(v: float) -> str:
    """A coordinate rounded to 0.1, without a trailing ".0"."""
    r = round(v * 10.0)
    return _TENTHS_TEXT[r] if 0 <= r < len(_TENTHS_TEXT) else _tenths(r)


def _tenths(r: int) -> str:
    """The number ``r`` / 10 written with at most one decimal (``r`` an integer)."""
    whole, tenth = divmod(abs(r), 10)
    text = str(whole) if tenth == 0 else f"{whole}.{tenth}"
    return "-" + text if r < 0 else text


#: :func:`_tenths` of 0 .. 1439.9 pt (a 20-inch chart's width), looked up (a chart writes
#: thousands); filled when the first line is drawn.
_TENTHS_TABLE_SIZE = 14400
_TENTHS_TEXT: list[str] = []


def _tenths_words(values: list[int]) -> list[str]:
    """:func:`_tenths` of each of ``values``."""
    table = _TENTHS_TEXT
    if not table:
        table.extend(_tenths(r) for r in range(_TENTHS_TABLE_SIZE))
    size = len(table)
    return [table[r] if 0 <= r < size else _tenths(r) for r in values]


# ---------------------------------------------------------------------------------------------
# Ticks

_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)


def nice_ticks(low: float, high: float, max_bins: int) -> list[float]:
    """Ticks at 1, 2, 2.5 or 5 times a power of ten covering [low, high] with at most
    ``max_bins`` intervals (matplotlib's MaxNLocator with steps 1, 2, 2.5, 5, 10; only those
    inside [low, high] are returned)."""
    max_bins = max(1, int(max_bins))
    span = high - low
    if not (math.isfinite(span) and span > 0):
        return []
    mean = (high + low) / 2.0
    offset = 0.0
    if span > 0 and abs(mean) / span >= 100:
        offset = math.copysign(10 ** (math.log10(abs(mean)) // 1), mean)
    scale = 10 ** (math.log10(span / max_bins) // 1)
    lo, hi = low - offset, high - offset
    staircase = [0.1 * s for s in _STEPS[:-1]] + list(_STEPS) + [10 * _STEPS[1]]
    steps = [s * scale for s in staircase]
    raw_step = (hi - lo) / max_bins
    first_large = next(i for i, s in enumerate(steps) if s >= raw_step)
    ticks: list[float] = []
    for step in reversed(steps[:first_large + 1]):
        best_lo = (lo // step) * step
        tol = 1e-10
        if offset > 0:
            tol = min(0.4999, max(1e-10, 10 ** (math.log10(offset / step) - 12)))
        d, m = divmod(lo - best_lo, step)
        first = d + 1 if abs(m / step - 1) < tol else d
        d, m = divmod(hi - best_lo, step)
        last = d if abs(m / step) < tol else d + 1
        ticks = [k * step + best_lo + offset for k in range(int(first), int(last) + 1)]
        if sum(1 for t in ticks if low - offset <= t - offset <= hi) >= 2:
            break
    eps = 1e-10 * max(abs(span), 1e-300)
    return [0.0 if abs(t) < 1e-12 * max(abs(low), abs(high)) else t for t in ticks
            if low - eps <= t <= high + eps]


def log_ticks(low: float, high: float) -> tuple[list[float], list[float]]:
    """(decades, minor ticks at 2..9 times a decade) inside [low, high] (both > 0)."""
    major, minor = [], []
    for k in range(math.floor(math.log10(low)) - 1, math.ceil(math.log10(high)) + 1):
        decade = 10.0 ** k
        for mult in range(1, 10):
            v = mult * decade
            if low * (1 - 1e-12) <= v <= high * (1 + 1e-12):
                (major if mult == 1 else minor).append(v)
    return major, minor


def tick_labels(ticks: Sequence[float]) -> list[str]:
    """Labels of linear ticks with as many decimals as they need (all alike), minus as U+2212;
    powers of ten for very large or very small numbers."""
    largest = max((abs(t) for t in ticks), default=0.0)
    if largest >= 1e6 or 0 < largest < 1e-3:
        return [_scientific(t) for t in ticks]
    decimals = 0
    for decimals in range(0, 10):
        if all(abs(round(t, decimals) - t) <= 1e-9 * max(1.0, abs(t)) for t in ticks):
            break
    return [_minus(f"{t:.{decimals}f}") for t in ticks]


def _scientific(v: float) -> str:
    if v == 0:
        return "0"
    mantissa, exponent = f"{v:.3e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return _minus(f"{mantissa}×10^{{{int(exponent)}}}")


def _log_label(v: float) -> str:
    k = round(math.log10(v))
    if -3 <= k <= 4:
        return _minus(f"{v:.{max(0, -k)}f}")
    return _minus(f"10^{{{k}}}")


def _minus(text: str) -> str:
    if text.startswith("-") and text[1:].strip("0.") == "":
        text = text[1:]  # no "-0.0"
    return text.replace("-", "\u2212")


# ---------------------------------------------------------------------------------------------
# Axes


@dataclass(frozen=True)
class _Axis:
    """Maps data to page coordinates along one axis: ``low`` -> ``start``, ``high`` -> ``end`` [pt]."""
    low: float
    high: float
    start: float
    end: float
    log: bool = False

    def __call__(self, v: float) -> float:
        if self.log:
            if not v > 0:
                return math.nan
            v, lo, hi = math.log10(v), math.log10(self.low), math.log10(self.high)
        else:
            lo, hi = self.low, self.high
        return self.start + (v - lo) / (hi - lo) * (self.end - self.start)

    def array(self, values: Sequence[float]) -> np.ndarray:
        """:meth:`__call__` over an array (NaN where a log axis gets a value <= 0)."""
        v = np.asarray(values, dtype=float)
        lo, hi = self.low, self.high
        if self.log:
            with np.errstate(divide="ignore", invalid="ignore"):
                v = np.where(v > 0, np.log10(np.where(v > 0, v, 1.0)), np.nan)
            lo, hi = math.log10(lo), math.log10(hi)
        with np.errstate(over="ignore", invalid="ignore"):
            return self.start + (v - lo) / (hi - lo) * (self.end - self.start)


def _data_range(values: Iterable[float], log: bool) -> tuple[float, float] | None:
    finite = [v for v in values if math.isfinite(v) and (v > 0 or not log)]
    if not finite:
        return None
    return min(finite), max(finite)


def _auto_limits(rng: tuple[float, float] | None, log: bool) -> tuple[float, float]:
    """The data range plus 5 % each side (in log space on a log axis)."""
    if rng is None:
        return (1.0, 10.0) if log else (0.0, 1.0)
    lo, hi = rng
    if log:
        lo, hi = math.log10(lo), math.log10(hi)
    if hi == lo:
        pad = 1.0 if log else max(abs(lo) * 0.05, 1.0)
        lo, hi = lo - pad, hi + pad
    else:
        pad = 0.05 * (hi - lo)
        lo, hi = lo - pad, hi + pad
    return (10 ** lo, 10 ** hi) if log else (lo, hi)


def _limits(chart: Chart) -> tuple[tuple[float, float], tuple[float, float]]:
    log = chart.xscale == "log"
    xs = [x for s in chart.series for x in s.x]
    ys = [y for s in chart.series for x, y in zip(s.x, s.y) if not log or x > 0]
    ys += [h.y for h in chart.hlines]
    xlim = chart.xlim or _auto_limits(_data_range(xs, log), log)
    ylim = chart.ylim or _auto_limits(_data_range(ys, False), False)
    if not all(math.isfinite(v) for v in (*xlim, *ylim, xlim[1] - xlim[0], ylim[1] - ylim[0])):
        raise ValueError(f"chart limits {xlim}, {ylim}: the data's range is too large to draw; set xlim and ylim")
    return xlim, ylim


# ---------------------------------------------------------------------------------------------
# Geometry


def _clip_segment(x0: float, y0: float, x1: float, y1: float,
                  box: tuple[float, float, float, float]) -> tuple[float, float, float, float] | None:
    """The part of a segment inside ``box`` (left, top, right, bottom), or None (Liang-Barsky)."""
    left, top, right, bottom = box
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x0 - left), (dx, right - x0), (-dy, y0 - top), (dy, bottom - y0)):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            if t > t1:
                return None
            t0 = max(t0, t)
        else:
            if t < t0:
                return None
            t1 = min(t1, t)
    return x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy


def _segments_hit(x0: np.ndarray, y0: np.ndarray, x1: np.ndarray, y1: np.ndarray,
                  box: tuple[float, float, float, float]) -> np.ndarray:
    """Which segments touch ``box`` (left, top, right, bottom): :func:`_clip_segment` over arrays."""
    left, top, right, bottom = box
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = np.zeros_like(x0), np.ones_like(x0)
    ok = np.ones(x0.shape, dtype=bool)
    for p, q in ((-dx, x0 - left), (dx, right - x0), (-dy, y0 - top), (dy, bottom - y0)):
        parallel = p == 0
        ok &= ~(parallel & (q < 0))
        t = q / np.where(parallel, 1.0, p)
        t0 = np.where(p < 0, np.maximum(t0, t), t0)
        t1 = np.where(p > 0, np.minimum(t1, t), t1)
    return ok & (t0 <= t1)


def _polylines(points: np.ndarray, box: tuple[float, float, float, float]) -> list[np.ndarray]:
    """The visible pieces of a line through ``points`` (an n x 2 array of page coordinates; a
    non-finite point breaks it), clipped to ``box``."""
    left, top, right, bottom = box
    finite = np.isfinite(points).all(axis=1)
    with np.errstate(invalid="ignore"):
        inside = finite & (points[:, 0] >= left) & (points[:, 0] <= right) & (points[:, 1] >= top) & (
            points[:, 1] <= bottom)
    if inside.all():
        return [points] if len(points) >= 2 else []
    if len(points) < 2:
        return []
    # Segments are copied whole in runs (both ends inside), clipped (one end outside, crossing
    # the box) or left out (a non-finite end, or missing the box: they end the current piece).
    both_inside = inside[:-1] & inside[1:]
    both_finite = finite[:-1] & finite[1:]
    with np.errstate(invalid="ignore", divide="ignore"):
        crossing = both_finite & ~both_inside & _segments_hit(
            points[:-1, 0], points[:-1, 1], points[1:, 0], points[1:, 1], box)
    whole = np.concatenate([[False], both_inside, [False]])
    edges = np.flatnonzero(whole[1:] != whole[:-1]).tolist()
    run_end = dict(zip(edges[::2], edges[1::2]))  # first segment of a run -> its last point
    events = sorted([*run_end, *np.flatnonzero(crossing).tolist()])
    ins = inside.tolist()
    pieces: list[list[np.ndarray]] = []
    current: list[np.ndarray] | None = None
    expected = 0  # the segment after the last one drawn: a gap left segments out
    for i in events:
        if i != expected:
            current = None
        end = run_end.get(i)
        if end is not None:
            if current is None:
                current = [points[i:i + 1]]
                pieces.append(current)
            current.append(points[i + 1:end + 1])
            expected = end
            continue
        expected = i + 1
        seg = _clip_segment(points[i, 0], points[i, 1], points[i + 1, 0], points[i + 1, 1], box)
        if seg is None:
            current = None
            continue
        if current is None or not ins[i]:
            current = [np.array([(seg[0], seg[1])])]
            pieces.append(current)
        current.append(np.array([(seg[2], seg[3])]))
        if not ins[i + 1]:
            current = None
    return [np.concatenate(piece) for piece in pieces if sum(len(chunk) for chunk in piece) >= 2]


def _path_data(pieces: Sequence[np.ndarray]) -> str:
    """Path data "Mx yLx y x y..." of the pieces, coordinates rounded to 0.1, repeats dropped."""
    out = []
    for piece in pieces:
        tenths = np.rint(piece * 10.0).astype(np.int64)
        keep = np.ones(len(tenths), dtype=bool)
        keep[1:] = (tenths[1:] != tenths[:-1]).any(axis=1)
        tenths = tenths[keep]
        if len(tenths) < 2:
            continue
        words = _tenths_words(tenths.ravel().tolist())
        out.append(f"M{words[0]} {words[1]}L" + " ".join(words[2:]))
    return "".join(out)


def _marker_path(marker: str, centres: Sequence[tuple[float, float]], size: float) -> str:
    r = size / 2.0
    out = []
    for x, y in centres:
        if marker == "o":
            out.append(f"M{_n(x - r)} {_n(y)}a{_n(r)} {_n(r)} 0 1 0 {_n(2 * r)} 0a{_n(r)} {_n(r)} 0 1 0 {_n(-2 * r)} 0z")
        else:
            out.append(f"M{_n(x - r)} {_n(y - r)}h{_n(2 * r)}v{_n(2 * r)}h{_n(-2 * r)}z")
    return "".join(out)


def _stroke(color: str, width: float, style: str) -> str:
    attrs = f'fill="none" stroke="{color_hex(color)}" stroke-width="{_n(width)}"'
    if style in _DASHES:
        attrs += ' stroke-dasharray="' + " ".join(_n(d * width) for d in _DASHES[style]) + '"'
    else:
        attrs += ' stroke-linejoin="round" stroke-linecap="square"'
    return attrs


# ---------------------------------------------------------------------------------------------
# Legend


@dataclass(frozen=True)
class _LegendBox:
    left: float
    top: float
    width: float
    height: float
    row: float


_LEGEND_PAD, _LEGEND_SPACING, _HANDLE_LEN, _HANDLE_PAD, _LEGEND_AXES_PAD = 0.4, 0.5, 2.0, 0.8, 0.5
_ROW_EM = 1.0


def _legend_size(entries: Sequence[Line]) -> tuple[float, float, float]:
    fs = FONT_PT
    row = _ROW_EM * fs
    width = (2 * _LEGEND_PAD + _HANDLE_LEN + _HANDLE_PAD) * fs + max(text_width(e.label or "") for e in entries)
    height = 2 * _LEGEND_PAD * fs + len(entries) * row + (len(entries) - 1) * _LEGEND_SPACING * fs
    return width, height, row


def _legend_at(loc: str, size: tuple[float, float, float], box: tuple[float, float, float, float]) -> _LegendBox:
    left, top, right, bottom = box
    w, h, row = size
    pad = _LEGEND_AXES_PAD * FONT_PT
    horizontal = "left" if "left" in loc else "right" if "right" in loc else "center"
    vertical = "upper" if "upper" in loc else "lower" if "lower" in loc else "center"
    x = left + pad if horizontal == "left" else right - pad - w if horizontal == "right" else (left + right - w) / 2
    y = top + pad if vertical == "upper" else bottom - pad - h if vertical == "lower" else (top + bottom - h) / 2
    return _LegendBox(x, y, w, h, row)


def _badness(lb: _LegendBox, points: np.ndarray, segments: np.ndarray) -> int:
    """How much data a legend box covers: points inside it plus segments crossing it
    (``points``: n x 2, ``segments``: m x 4, page coordinates, all finite)."""
    rect = (lb.left, lb.top, lb.left + lb.width, lb.top + lb.height)
    inside = ((points[:, 0] >= rect[0]) & (points[:, 0] <= rect[2]) & (points[:, 1] >= rect[1])
              & (points[:, 1] <= rect[3]))
    hits = _segments_hit(segments[:, 0], segments[:, 1], segments[:, 2], segments[:, 3], rect)
    return int(inside.sum() + hits.sum())


def _finite_geometry(paths: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The finite points (n x 2) and the segments between consecutive finite points (m x 4) of ``paths``."""
    points, segments = [np.zeros((0, 2))], [np.zeros((0, 4))]
    for pts in paths:
        finite = np.isfinite(pts).all(axis=1)
        points.append(pts[finite])
        both = finite[:-1] & finite[1:]
        segments.append(np.hstack([pts[:-1], pts[1:]])[both])
    return np.vstack(points), np.vstack(segments)


def _legend_svg(chart: Chart, lb: _LegendBox, entries: Sequence[Line]) -> list[str]:
    fs = FONT_PT
    out = ['<g class="legend">']
    x_handle = lb.left + _LEGEND_PAD * fs
    x_text = x_handle + (_HANDLE_LEN + _HANDLE_PAD) * fs
    for i, e in enumerate(entries):
        yc = lb.top + _LEGEND_PAD * fs + i * (lb.row + _LEGEND_SPACING * fs) + lb.row / 2
        if e.style:
            out.append(f'<path d="M{_n(x_handle)} {_n(yc)}h{_n(_HANDLE_LEN * fs)}" {_stroke(e.color, e.width_pt, e.style)}/>')
        if e.marker:
            c = color_hex(e.color)
            out.append(f'<path d="{_marker_path(e.marker, [(x_handle + _HANDLE_LEN * fs / 2, yc)], e.marker_size_pt)}" '
                       f'fill="{c}" stroke="{c}"/>')
        out.append(f'<text x="{_n(x_text)}" y="{_n(yc + CAP_HEIGHT * fs / 2)}">{_text_xml(e.label or "", fs)}</text>')
    out.append("</g>")
    return out


# ---------------------------------------------------------------------------------------------
# The chart


def _layout(chart: Chart, xlim, ylim):
    """The plot box (left, top, right, bottom) [pt], the two axes, and their ticks and labels."""
    fs = FONT_PT
    width, height = chart.width_in * 72.0, chart.height_in * 72.0
    log = chart.xscale == "log"
    x_label_h = (CAP_HEIGHT + DESCENT) * fs if chart.xlabel else 0.0
    bottom_margin = TICK_PT + TICK_PAD_PT + (CAP_HEIGHT + DESCENT) * fs + (LABEL_PAD_PT + x_label_h if chart.xlabel
                                                                          else 0.0) + EDGE_PT
    plot_h = height - TOP_PT - bottom_margin
    yticks = nice_ticks(ylim[0], ylim[1], min(9, max(1, int(plot_h // (2 * fs)))))
    ylabels = tick_labels(yticks)
    widest = max((text_width(t) for t in ylabels), default=0.0)
    y_label_w = (CAP_HEIGHT + DESCENT) * fs + LABEL_PAD_PT if chart.ylabel else 0.0
    left_margin = EDGE_PT + y_label_w + widest + TICK_PAD_PT + TICK_PT
    right_margin = RIGHT_PT
    for _ in range(2):  # the last x tick label may need room past the plot's right edge
        plot_w = width - left_margin - right_margin
        xaxis = _Axis(xlim[0], xlim[1], left_margin, left_margin + plot_w, log)
        if log:
            xticks, xminor = log_ticks(*xlim)
            if len(xticks) < 2:
                xticks = sorted(set(xticks) | {v for v in xminor if round(v / 10 ** math.floor(math.log10(v) + 1e-9))
                                               in (2, 5)})
            xlabels = [_log_label(v) if abs(math.log10(v) - round(math.log10(v))) < 1e-9 else _minus(f"{v:g}")
                       for v in xticks]
        else:
            xticks, xminor = nice_ticks(xlim[0], xlim[1], min(9, max(1, int(plot_w // (3 * fs))))), []
            xlabels = tick_labels(xticks)
        need = max((xaxis(t) + text_width(lab) / 2 + EDGE_PT - width + right_margin
                    for t, lab in zip(xticks, xlabels)), default=0.0)
        if need <= right_margin + 1e-9:
            break
        right_margin = need
    # the frame on the 0.1 grid of the coordinates, so that it is drawn exactly where data map
    box = (round(left_margin, 1), round(TOP_PT, 1), round(width - right_margin, 1), round(height - bottom_margin, 1))
    xaxis = _Axis(xlim[0], xlim[1], box[0], box[2], log)
    yaxis = _Axis(ylim[0], ylim[1], box[3], box[1])
    return box, xaxis, yaxis, (xticks, xlabels, xminor), (yticks, ylabels)


def chart_svg(chart: Chart) -> bytes:
    """``chart`` as a self-contained SVG document (UTF-8 bytes); the same chart gives the same bytes.

    The last few charts drawn are kept by content (equal charts: the same bytes), so a figure
    that is the same for every student is drawn once per process."""
    try:
        return _recent_svg(chart)
    except TypeError:  # a field that cannot be hashed: drawn without the cache
        return _draw_svg(chart)


def _draw_svg(chart: Chart) -> bytes:
    fs = FONT_PT
    width, height = chart.width_in * 72.0, chart.height_in * 72.0
    xlim, ylim = _limits(chart)
    box, xaxis, yaxis, (xticks, xlabels, xminor), (yticks, ylabels) = _layout(chart, xlim, ylim)
    left, top, right, bottom = box
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width)}pt" height="{_n(height)}pt" '
           f'viewBox="0 0 {_n(width)} {_n(height)}" font-family="{FONT_FAMILY}" font-size="{_n(fs)}" fill="{INK}">',
           f'<defs><clipPath id="plot-area"><rect x="{_n(left)}" y="{_n(top)}" width="{_n(right - left)}" '
           f'height="{_n(bottom - top)}"/></clipPath></defs>',
           f'<rect width="{_n(width)}" height="{_n(height)}" fill="#ffffff"/>']
    if chart.grid:
        d = "".join(f"M{_n(xaxis(t))} {_n(top)}V{_n(bottom)}" for t in xticks)
        d += "".join(f"M{_n(left)} {_n(yaxis(t))}H{_n(right)}" for t in yticks)
        out.append(f'<path d="{d}" fill="none" stroke="{GRID_COLOR}" stroke-opacity="{GRID_OPACITY}" '
                   f'stroke-width="{_n(AXIS_LINE_PT)}"/>')
    out.append('<g clip-path="url(#plot-area)">')
    page_paths: list[np.ndarray] = []
    for h in chart.hlines:
        y = yaxis(h.y)
        if top <= y <= bottom:
            out.append(f'<path d="M{_n(left)} {_n(y)}H{_n(right)}" {_stroke(h.color, h.width_pt, h.style)}/>')
            page_paths.append(np.array([(left, y), (right, y)]))
    for s in chart.series:
        pts = np.column_stack([xaxis.array(s.x), yaxis.array(s.y)]) if s.x else np.zeros((0, 2))
        page_paths.append(pts)
        if s.style:
            d = _path_data(_polylines(pts, box))
            if d:
                out.append(f'<path d="{d}" {_stroke(s.color, s.width_pt, s.style)}/>')
        if s.marker:
            r = s.marker_size_pt / 2
            inside = [(float(x), float(y)) for x, y in pts.tolist() if math.isfinite(x) and math.isfinite(y)
                      and left - r <= x <= right + r and top - r <= y <= bottom + r]
            if inside:
                c = color_hex(s.color)
                out.append(f'<path d="{_marker_path(s.marker, inside, s.marker_size_pt)}" fill="{c}" stroke="{c}"/>')
    out.append("</g>")
    # frame and ticks
    out.append(f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(right - left)}" height="{_n(bottom - top)}" '
               f'fill="none" stroke="{INK}" stroke-width="{_n(AXIS_LINE_PT)}"/>')
    d = "".join(f"M{_n(xaxis(t))} {_n(bottom)}v{_n(TICK_PT)}" for t in xticks)
    d += "".join(f"M{_n(left)} {_n(yaxis(t))}h{_n(-TICK_PT)}" for t in yticks)
    out.append(f'<path d="{d}" stroke="{INK}" stroke-width="{_n(AXIS_LINE_PT)}"/>')
    if xminor:
        d = "".join(f"M{_n(xaxis(t))} {_n(bottom)}v{_n(MINOR_TICK_PT)}" for t in xminor)
        out.append(f'<path d="{d}" stroke="{INK}" stroke-width="0.6"/>')
    x_base = bottom + TICK_PT + TICK_PAD_PT + CAP_HEIGHT * fs
    out.append('<g text-anchor="middle">')
    out += [f'<text x="{_n(xaxis(t))}" y="{_n(x_base)}">{_text_xml(lab, fs)}</text>' for t, lab in zip(xticks, xlabels)]
    out.append("</g>")
    y_right = left - TICK_PT - TICK_PAD_PT
    out.append('<g text-anchor="end">')
    out += [f'<text x="{_n(y_right)}" y="{_n(yaxis(t) + CAP_HEIGHT * fs / 2)}">{_text_xml(lab, fs)}</text>'
            for t, lab in zip(yticks, ylabels)]
    out.append("</g>")
    if chart.xlabel:
        y = x_base + DESCENT * fs + LABEL_PAD_PT + CAP_HEIGHT * fs
        out.append(f'<text x="{_n((left + right) / 2)}" y="{_n(y)}" text-anchor="middle">'
                   f'{_text_xml(chart.xlabel, fs)}</text>')
    if chart.ylabel:
        widest = max((text_width(t) for t in ylabels), default=0.0)
        x = y_right - widest - LABEL_PAD_PT - DESCENT * fs
        y = (top + bottom) / 2
        out.append(f'<text transform="translate({_n(x)} {_n(y)}) rotate(-90)" text-anchor="middle">'
                   f'{_text_xml(chart.ylabel, fs)}</text>')
    for lab in chart.labels:
        px, py = xaxis(lab.x), yaxis(lab.y)
        if not (left <= px <= right and top <= py <= bottom):
            continue
        cx, cy = px + lab.dx_pt, py - lab.dy_pt
        # kept inside the plot, clear of the frame and the tick labels
        half_w, half_h = text_width(lab.text, lab.size_pt, lab.bold) / 2 + 2.0, CAP_HEIGHT * lab.size_pt / 2 + 2.0
        cx = min(max(cx, left + half_w), right - half_w)
        cy = min(max(cy, top + half_h), bottom - half_h)
        weight = ' font-weight="bold"' if lab.bold else ""
        out.append(f'<text x="{_n(cx)}" y="{_n(cy + CAP_HEIGHT * lab.size_pt / 2)}" text-anchor="middle" '
                   f'font-size="{_n(lab.size_pt)}" fill="{color_hex(lab.color)}"{weight}>'
                   f'{_text_xml(lab.text, lab.size_pt)}</text>')
    entries = [s for s in chart.series if s.label]
    if chart.legend and entries:
        size = _legend_size(entries)
        if chart.legend == "best":
            candidates = [_legend_at(loc, size, box) for loc in LEGEND_LOCATIONS[1:]]
            points, segments = _finite_geometry(page_paths)
            lb = min(candidates, key=lambda c: _badness(c, points, segments))  # first of the least covering
        else:
            lb = _legend_at(chart.legend, size, box)
        out += _legend_svg(chart, lb, entries)
    out.append("</svg>")
    return ("\n".join(out) + "\n").encode("utf-8")


def chart_box(chart: Chart) -> tuple[float, float, float, float]:
    """The plot area (left, top, right, bottom) [pt] of ``chart``'s SVG, and so its data
    transform: for tests and for placing things by hand."""
    xlim, ylim = _limits(chart)
    return _layout(chart, xlim, ylim)[0]


def chart_limits(chart: Chart) -> tuple[tuple[float, float], tuple[float, float]]:
    """The (x, y) axis ranges ``chart`` is drawn with (its own, or taken from the data)."""
    return _limits(chart)


#: Charts drawn recently, by content (:func:`chart_svg`); bounded, a few hundred kB at most.
_recent_svg = lru_cache(maxsize=16)(_draw_svg)
