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


_GREEK = {"alpha": "alpha", "beta": "beta", "gamma": "gamma", "delta": "delta", "Delta": "Delta",
          "tau": "tau", "theta": "theta", "mu": "mu", "phi": "phi", "pi": "pi", "sigma": "sigma",
          "infty": "infinity", "Omega": "ohm", "omega": "omega", "eta": "eta", "rho": "rho"}
_WORDS = {"times": " times ", "cdot": " times ", "approx": " is approximately ", "leq": " is at most ",
          "geq": " is at least ", "pm": " plus or minus ", "to": " to ", "ln": " ln ", "exp": " exp ",
          "log": " log ", "sum": " sum ", "sqrt": " square root of ", "circ": " degrees ",
          "rightarrow": " to ", "quad": " ", ",": " ", " ": " ", "!": "", ";": " ", ":": " "}
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
            words.append(" squared " if power == "2" else " cubed " if power == "3" else f" to the power {power} ")
        elif item in ("\\mathrm", "\\mathit", "\\mathbf", "\\text", "\\left", "\\right", "\\bar"):
            continue
        elif item.startswith("\\"):
            name = item[1:]
            words.append(_WORDS.get(name, " " + _GREEK.get(name, name) + " "))
        else:
            words.append(_SYMBOLS.get(item, item))
    text = re.sub(r"\s+", " ", "".join(words))
    return re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", text)).strip()


def tex_to_speech(tex: str) -> str:
    """Words a screen reader can read for a mathtext string (alt text of equation images):
    ``E_X = \\frac{RT}{zF}`` becomes "E sub X equals RT over zF"."""
    tokens = _TOKEN.findall(tex)
    tree, _ = _groups(tokens, 0)
    return _speak(tree)


_PARSER = None


def _depth_pt(tex: str) -> float:
    """Depth below the baseline (pt at EQUATION_FONT_PT) of a mathtext string."""
    global _PARSER
    from matplotlib.font_manager import FontProperties
    from matplotlib.mathtext import MathTextParser

    if _PARSER is None:
        _PARSER = MathTextParser("path")
    try:
        result = _PARSER.parse(f"${tex}$", dpi=72,
                               prop=FontProperties(size=EQUATION_FONT_PT, math_fontfamily="dejavuserif"))
        return float(result[2])
    except Exception:  # an unparseable string fails again, with a clear message, in savefig
        return 0.25 * EQUATION_FONT_PT


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
    fig = Figure()
    fig.text(0, 0, f"${source}$", fontsize=EQUATION_FONT_PT)
    svg = svg_bytes(fig, bbox_inches="tight", pad_inches=PAD_IN, transparent=True)
    m = _SVG_SIZE.search(svg.decode("utf-8", "replace"))
    width_pt, height_pt = (float(m.group(1)), float(m.group(2))) if m else (100.0, 20.0)
    em = EQUATION_FONT_PT
    css = "eq-inline" if inline else "eq"
    alt_text = html.escape(alt or tex_to_speech(tex) or tex_to_text(tex), quote=True)
    style = f"width:{width_pt / em:.3f}em;height:{height_pt / em:.3f}em"
    if inline:
        style += f";vertical-align:-{(_depth_pt(source) + PAD_IN * 72) / em:.3f}em"
    img = f'<img class="{css}" alt="{alt_text}" src="{data_uri(svg)}" style="{style}">'
    return img if inline else f'<div class="equation">{img}</div>'
