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


def num_html(x: float, digits: int = 2, significant: int = 4) -> str:
    """:func:`num` for HTML, but a number of 100 000 or more in powers of ten with ``significant``
    figures ("4.218 &times; 10<sup>7</sup>"), where ``digits`` decimals would spell out every digit."""
    if x is None or not math.isfinite(x) or abs(x) < 1e5:
        return num(x, digits)
    exponent = math.floor(math.log10(abs(x)))
    mantissa = x / 10.0 ** exponent
    if round(abs(mantissa), significant - 1) >= 10.0:
        exponent, mantissa = exponent + 1, mantissa / 10.0
    return f"{num(mantissa, significant - 1)} &times; 10<sup>{exponent}</sup>"


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
    "uM": "µM",
}


def unit_html(unit: str | None) -> str:
    if not unit:
        return ""
    return UNIT_HTML.get(unit, html.escape(unit))
