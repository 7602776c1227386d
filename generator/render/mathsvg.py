"""Equations and figures as self-contained SVG images (no JavaScript, no network).

Pages set equations as text (:mod:`.mathhtml`); the pictures here are for TeX outside its
subset and for exports. Equations are typeset by matplotlib's mathtext; both equations and figures are embedded
as ``data:image/svg+xml`` images, which browsers and WeasyPrint draw as vectors. Output is
byte-for-byte reproducible: fixed SVG hash salt, no dates in metadata.
"""
from __future__ import annotations

import html
import io
import re
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams.update({
    "svg.hashsalt": "spikeset",
    "svg.fonttype": "none",  # figure text as SVG text in DejaVu Sans: half the drawing time of outlines
    "mathtext.fontset": "dejavuserif",
    "font.family": "DejaVu Sans",
})
from matplotlib.figure import Figure  # noqa: E402

from .datauri import data_uri  # noqa: E402,F401  (re-exported: equations and report plots use it)

EQUATION_FONT_PT = 12.0
_SVG_SIZE = re.compile(r'<svg[^>]*?width="([\d.]+)pt" height="([\d.]+)pt"')
_METADATA = {"Date": None, "Creator": None}


def svg_bytes(fig: Figure, **savefig: object) -> bytes:
    """A matplotlib figure as reproducible SVG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata=_METADATA, **savefig)
    return buf.getvalue()


#: Margins [inch] around a single plot (left, bottom, right, top): room for tick labels and
#: axis labels of the families' figures at their 10 pt default.
FIXED_MARGINS_IN = (0.86, 0.50, 0.14, 0.12)


@contextmanager
def fixed_layout() -> Iterator[None]:
    """While active, ``Figure.tight_layout()`` of a one-plot figure sets fixed margins
    (:data:`FIXED_MARGINS_IN`) instead of measuring every label: half of a figure's drawing
    time. Figures with several plots keep matplotlib's tight layout."""
    original = Figure.tight_layout

    def fixed(self: Figure, *args: object, **kwargs: object) -> None:
        if len(self.axes) != 1:
            return original(self, *args, **kwargs)
        width, height = self.get_size_inches()
        left, bottom, right, top = FIXED_MARGINS_IN
        self.subplots_adjust(left=left / width, bottom=bottom / height,
                             right=1 - right / width, top=1 - top / height)
        return None

    Figure.tight_layout = fixed  # type: ignore[method-assign]
    try:
        yield
    finally:
        Figure.tight_layout = original  # type: ignore[method-assign]


def tex_to_text(tex: str) -> str:
    """A readable plain-text version of a mathtext string, for alt text and answer files."""
    text = tex
    for cmd, rep in ((r"\frac", ""), (r"\left", ""), (r"\right", ""), (r"\,", " "), (r"\ ", " "),
                     (r"\!", ""), (r"\mathrm", ""), (r"\times", "×"), (r"\ln", "ln"), (r"\exp", "exp"),
                     (r"\Delta", "Δ"), (r"\alpha", "alpha"), (r"\beta", "beta"), (r"\tau", "tau"),
                     (r"\infty", "inf"), (r"\sum", "sum"), (r"\approx", "≈"), (r"\cdot", "·"),
                     (r"\infty", "∞"), (r"\qquad", "   "), (r"\quad", " "), (r"\to", "→"), (r"\mu", "µ"), (r"\phi", "phi"),
                     (r"\bar", ""), (r"\leq", "≤"), (r"\geq", "≥"), (r"\pm", "±")):
        text = text.replace(cmd, rep)
    text = text.replace("}{", ")/(").replace("{", "(").replace("}", ")").replace("\\", "")
    return re.sub(r"\s+", " ", text).strip()


_GREEK = {"alpha": "alpha", "beta": "beta", "gamma": "gamma", "delta": "delta", "Delta": "Delta",
          "tau": "tau", "theta": "theta", "mu": "mu", "phi": "phi", "pi": "pi", "sigma": "sigma",
          "infty": "infinity", "Omega": "ohm", "omega": "omega", "eta": "eta", "rho": "rho"}
_WORDS = {"times": " times ", "cdot": " times ", "approx": " is approximately ", "leq": " is at most ",
          "geq": " is at least ", "pm": " plus or minus ", "to": " to ", "ln": " ln ", "exp": " exp ",
          "log": " log ", "sum": " sum ", "sqrt": " square root of ", "circ": " degrees ",
          "rightarrow": " to ", "qquad": "; ", "quad": " ", ",": " ", " ": " ", "!": "", ";": " ", ":": " "}
_SYMBOLS = {"=": " equals ", "+": " plus ", "-": " minus ", "\u2212": " minus ", "<": " less than ",
            ">": " greater than ", "/": " per "}
_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|[{}_^]|[^\\{}_^]")


def _groups(tokens: list[str], i: int) -> tuple[list, int]:
    """Parse tokens from ``i`` into a nested list until the matching ``}``."""
    out: list = []
    while i < len(tokens):
        t = tokens[i]
        if t == "{":
            sub, i = _groups(tokens, i + 1)
            out.append(sub)
        elif t == "}":
            return out, i + 1
        else:
            out.append(t)
            i += 1
    return out, i


def _speak(items: list) -> str:
    words: list[str] = []
    i = 0

    def arg() -> str:
        nonlocal i
        if i >= len(items):
            return ""
        item = items[i]
        i += 1
        return _speak(item) if isinstance(item, list) else _speak([item])

    while i < len(items):
        item = items[i]
        i += 1
        if isinstance(item, list):
            words.append(_speak(item))
        elif item in ("\\frac", "\\dfrac", "\\tfrac"):
            num, den = arg(), arg()
            simple = len(num.split()) == 1 and len(den.split()) == 1
            words.append(f" {num} over {den} " if simple else f" fraction, {num}, over {den}, end fraction ")
        elif item == "_":
            words.append(" sub " + arg() + " ")
        elif item == "^":
            power = arg().strip()
            if power == "degrees":                      # 6.3^\circ C: a unit, not a power
                words.append(" degrees ")
            elif power in ("2", "3"):
                words.append(" squared " if power == "2" else " cubed ")
            elif len(power.removeprefix("minus ").split()) == 1:
                words.append(f" to the power {power} ")
            else:                                       # say where a compound exponent ends
                words.append(f" to the power {power}, end of power, ")
        elif item in ("\\mathrm", "\\mathit", "\\mathbf", "\\text", "\\left", "\\right", "\\bar"):
            continue
        elif item.startswith("\\"):
            name = item[1:]
            words.append(_WORDS.get(name, " " + _GREEK.get(name, name) + " "))
        else:
            words.append(_SYMBOLS.get(item, item))
    text = re.sub(r"\s+([;,])", r"\1", re.sub(r"\s+", " ", "".join(words)))
    text = re.sub(r"([;,])[;,]+", r"\1", text)
    return re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", text)).strip().rstrip(",;").strip()


def tex_to_speech(tex: str) -> str:
    """Words a screen reader can read for a mathtext string (alt text of equation images):
    ``E_X = \\frac{RT}{zF}`` becomes "E sub X equals RT over zF"."""
    tokens = _TOKEN.findall(tex)
    tree, _ = _groups(tokens, 0)
    return _speak(tree)


_TEXT_TO_PATH = None
INK = "#1b1f24"


def _svg_path_data(verts, codes, scale: float, baseline: float, pad: float) -> str:
    """SVG path data of matplotlib path vertices (y up, baseline at 0) in a y-down box."""
    from matplotlib.path import Path

    out = []
    i, n = 0, len(codes)

    def xy(k: int) -> str:
        x, y = verts[k]
        return f"{x * scale + pad:.2f} {baseline - y * scale + pad:.2f}"

    while i < n:
        code = codes[i]
        if code == Path.MOVETO:
            out.append("M" + xy(i)); i += 1
        elif code == Path.LINETO:
            out.append("L" + xy(i)); i += 1
        elif code == Path.CURVE3:
            out.append("Q" + xy(i) + " " + xy(i + 1)); i += 2
        elif code == Path.CURVE4:
            out.append("C" + xy(i) + " " + xy(i + 1) + " " + xy(i + 2)); i += 3
        elif code == Path.CLOSEPOLY:
            out.append("Z"); i += 1
        else:
            i += 1
    return "".join(out)


def _equation_svg(source: str) -> tuple[bytes, float, float, float]:
    """``source`` (mathtext) as SVG outlines, with its width, height and depth [pt].

    One mathtext parse per equation (TextToPath's size and path queries share matplotlib's
    parse cache): about ten times faster than drawing a figure with a tight bounding box.
    """
    global _TEXT_TO_PATH
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    if _TEXT_TO_PATH is None:
        _TEXT_TO_PATH = TextToPath()
    prop = FontProperties(size=EQUATION_FONT_PT, math_fontfamily="dejavuserif")
    text = f"${source}$"
    width, height, depth = _TEXT_TO_PATH.get_text_width_height_descent(text, prop, ismath=True)
    verts, codes = _TEXT_TO_PATH.get_text_path(prop, text, ismath=True)
    pad = PAD_IN * 72
    scale = EQUATION_FONT_PT / _TEXT_TO_PATH.FONT_SCALE
    data = _svg_path_data(verts, codes, scale, height - depth, pad)
    w, h = width + 2 * pad, height + 2 * pad
    svg = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.2f}pt" height="{h:.2f}pt" '
           f'viewBox="0 0 {w:.2f} {h:.2f}"><path fill="{INK}" d="{data}"/></svg>')
    return svg.encode("ascii"), w, h, depth


_DISPLAY_FRAC = re.compile(r"\\frac(?![A-Za-z])")
PAD_IN = 0.02


@lru_cache(maxsize=4096)
def equation_img(tex: str, alt: str | None = None, inline: bool = False) -> str:
    """An ``<img>`` element showing ``tex`` (mathtext, without the dollar signs), sized to the text.

    One equation point is 1/12 em, so the mathematics has the size of the surrounding text;
    display equations set fractions at full size (``\\dfrac``). Inline images sit on the text
    baseline. The alt text is spoken mathematics (:func:`tex_to_speech`), which screen readers
    read in place of the picture.
    """
    source = tex if inline else _DISPLAY_FRAC.sub(r"\\dfrac", tex)
    svg, width_pt, height_pt, depth_pt = _equation_svg(source)
    em = EQUATION_FONT_PT
    css = "eq-inline" if inline else "eq"
    alt_text = html.escape(alt or tex_to_speech(tex) or tex_to_text(tex), quote=True)
    style = f"width:{width_pt / em:.3f}em;height:{height_pt / em:.3f}em"
    if inline:
        style += f";vertical-align:-{(depth_pt + PAD_IN * 72) / em:.3f}em"
    img = f'<img class="{css}" alt="{alt_text}" src="{data_uri(svg)}" style="{style}">'
    return img if inline else f'<div class="equation">{img}</div>'
