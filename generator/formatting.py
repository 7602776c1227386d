"""Number and text formatting shared by pages, answer files and reports."""
from __future__ import annotations

import html
import math
import re

MINUS = "\u2212"


def num(x: float, digits: int = 2) -> str:
    """``x`` with ``digits`` decimals and a typographic minus (for HTML)."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    text = f"{x:.{digits}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text.replace("-", MINUS)


def sig(x: float, digits: int = 4) -> str:
    """``x`` with ``digits`` significant figures, plain ASCII (for text and JSON-facing output)."""
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    return f"{x:.{digits}g}" if abs(x) < 1e-3 or abs(x) >= 1e5 else f"{x:.{max(0, digits - 1 - math.floor(math.log10(abs(x))))}f}"


_TAGS = re.compile(r"<[^>]+>")
_SCRIPT_END = re.compile(r"</su[bp]>(?=\w)")
_IMG_ALT = re.compile(r'<img[^>]*\balt="([^"]*)"[^>]*>')


def plain(text: str) -> str:
    """HTML prompt text as plain text: images become their alt text, tags are dropped."""
    text = _IMG_ALT.sub(lambda m: m.group(1), text)
    text = _SCRIPT_END.sub(" ", text)          # "ḡ<sub>Na</sub>m<sup>3</sup>h" reads "ḡ_Na m^3 h"
    text = text.replace("<sup>", "^").replace("<sub>", "_")
    return re.sub(r"\s+", " ", html.unescape(_TAGS.sub("", text))).strip()


UNIT_HTML = {
    "uA/cm^2": "µA/cm<sup>2</sup>",
    "mS/cm^2": "mS/cm<sup>2</sup>",
    "uF/cm^2": "µF/cm<sup>2</sup>",
}


def unit_html(unit: str | None) -> str:
    if not unit:
        return ""
    return UNIT_HTML.get(unit, html.escape(unit))


def points_number(x: float) -> str:
    """Points as a person writes them: ``0.5``, ``1``, ``1.25`` (at most two decimals, no trailing zeros)."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def points_text(x: float) -> str:
    """Points with their unit, the one way every output prints them: ``0.5 pts``, ``1 pt``, ``2 pts``."""
    number = points_number(x)
    return f"{number} {'pt' if number == '1' else 'pts'}"
