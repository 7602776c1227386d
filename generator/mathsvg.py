"""Equations and figures as self-contained SVG images (no JavaScript, no network).

Equations are typeset by matplotlib's mathtext; both equations and figures are embedded
as ``data:image/svg+xml`` images, which browsers and WeasyPrint draw as vectors. Output is
byte-for-byte reproducible: fixed SVG hash salt, no dates in metadata.
"""
from __future__ import annotations

import base64
import html
import io
import re
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams.update({
    "svg.hashsalt": "spikeset",
    "svg.fonttype": "path",
    "mathtext.fontset": "dejavuserif",
    "font.family": "DejaVu Sans",
})
from matplotlib.figure import Figure  # noqa: E402

EQUATION_FONT_PT = 12.0
_SVG_SIZE = re.compile(r'<svg[^>]*?width="([\d.]+)pt" height="([\d.]+)pt"')
_METADATA = {"Date": None, "Creator": None}


def svg_bytes(fig: Figure, **savefig: object) -> bytes:
    """A matplotlib figure as reproducible SVG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata=_METADATA, **savefig)
    return buf.getvalue()


def data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def tex_to_text(tex: str) -> str:
    """A readable plain-text version of a mathtext string, for alt text and answer files."""
    text = tex
    for cmd, rep in ((r"\frac", ""), (r"\left", ""), (r"\right", ""), (r"\,", " "), (r"\ ", " "),
                     (r"\!", ""), (r"\mathrm", ""), (r"\times", "×"), (r"\ln", "ln"), (r"\exp", "exp"),
                     (r"\Delta", "Δ"), (r"\alpha", "alpha"), (r"\beta", "beta"), (r"\tau", "tau"),
                     (r"\infty", "inf"), (r"\sum", "sum"), (r"\approx", "≈"), (r"\cdot", "·"),
                     (r"\infty", "∞"), (r"\quad", " "), (r"\to", "→"), (r"\mu", "µ"), (r"\phi", "phi"),
                     (r"\bar", ""), (r"\leq", "≤"), (r"\geq", "≥"), (r"\pm", "±")):
        text = text.replace(cmd, rep)
    text = text.replace("}{", ")/(").replace("{", "(").replace("}", ")").replace("\\", "")
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=4096)
def equation_img(tex: str, alt: str | None = None, inline: bool = False) -> str:
    """An ``<img>`` element showing ``tex`` (mathtext, without the dollar signs), sized to the text."""
    fig = Figure()
    fig.text(0, 0, f"${tex}$", fontsize=EQUATION_FONT_PT)
    svg = svg_bytes(fig, bbox_inches="tight", pad_inches=0.02, transparent=True)
    m = _SVG_SIZE.search(svg.decode("utf-8", "replace"))
    width_pt, height_pt = (float(m.group(1)), float(m.group(2))) if m else (100.0, 20.0)
    em = EQUATION_FONT_PT
    css = "eq-inline" if inline else "eq"
    alt_text = html.escape(alt or tex_to_text(tex), quote=True)
    img = (f'<img class="{css}" role="math" alt="{alt_text}" src="{data_uri(svg)}" '
           f'style="width:{width_pt / em:.3f}em;height:{height_pt / em:.3f}em">')
    return img if inline else f'<div class="equation">{img}</div>'
