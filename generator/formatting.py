"""Number and text formatting shared by pages, answer files and reports."""
from __future__ import annotations

import html
import math
import re
from functools import lru_cache

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
    if type(text) is str:  # the same prompts come back for every student: kept (a str subclass is not)
        return _plain_kept(text)
    return _plain(text)


@lru_cache(maxsize=4096)
def _plain_kept(text: str) -> str:
    return _plain(text)


def _plain(text: str) -> str:
    text = _IMG_ALT.sub(lambda m: m.group(1), text)
    text = _SCRIPT_END.sub(" ", text)          # "ḡ<sub>Na</sub>m<sup>3</sup>h" reads "ḡ_Na m^3 h"
    text = text.replace("<sup>", "^").replace("<sub>", "_")
    return re.sub(r"\s+", " ", html.unescape(_TAGS.sub("", text))).strip()


UNIT_HTML = {
    "uA/cm^2": "µA/cm<sup>2</sup>",
    "uA/cm^2/ms": "µA/cm<sup>2</sup>/ms",
    "mS/cm^2": "mS/cm<sup>2</sup>",
    "uF/cm^2": "µF/cm<sup>2</sup>",
    "uM": "µM",
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


# ---------------------------------------------------------------- formulas in feedback text

_GREEK_WORDS = {"lambda": "\u03bb", "tau": "\u03c4", "phi": "\u03c6", "pi": "\u03c0", "alpha": "\u03b1",
                "beta": "\u03b2", "Delta": "\u0394", "gbar": "\u1e21"}
_SUBSCRIPT_WORDS = {"inf": "\u221e"}
_FORMULA_RULES: tuple[tuple[re.Pattern, object], ...] = (
    # ions: Na+, K+, Cl-, Ca2+ (not the K of g_K + g_L)
    (re.compile(r"(?<![\w_])(Na|K|Cl|Ca|Mg)(2\+|\+|-)(?![\w(])"),
     lambda m: f"{m[1]}<sup>{m[2].replace('-', MINUS)}</sup>"),
    (re.compile(r"\b(" + "|".join(_GREEK_WORDS) + r")(?=\b|_)"), lambda m: _GREEK_WORDS[m[1]]),
    (re.compile(r"\bsqrt(?=\()"), lambda m: "\u221a"),
    (re.compile(r"\blog10(?=\()|\blog10\b"), lambda m: "log<sub>10</sub>"),
    (re.compile(r"\b(\d+(?:\.\d+)?)e([+-]?)(\d+)\b"),
     lambda m: ("" if m[1] == "1" else f"{m[1]} \u00d7 ") + f"10<sup>{MINUS if m[2] == '-' else ''}{m[3]}</sup>"),
    (re.compile(r"\bu(m|A|F|S|M|s)\b"), lambda m: f"\u00b5{m[1]}"),
    (re.compile(r"\bdeg ?C\b"), lambda m: "\u00b0C"),
    # "2.3 x 26.7", "g x (V - E)", "kOhm cm^2 x uF/cm^2"; not the variable of "at x = lambda"
    (re.compile(r"(?<=[\w)]) x (?!=)"), lambda m: " \u00d7 "),
    # [K]o, [X]i: outside and inside concentrations
    (re.compile(r"\]_?([oi])\b"), lambda m: f"]<sub>{m[1]}</sub>"),
    # V0, Q10
    (re.compile(r"\b([VQ])(\d{1,2})\b"), lambda m: f"{m[1]}<sub>{m[2]}</sub>"),
    # g_{Na}, E_{rev}: a subscript in braces, as in TeX
    (re.compile(r"(?<![\w])([A-Za-z\u03b1-\u03c9\u1e21])_\{([A-Za-z0-9,]{1,8})\}"),
     lambda m: f"{m[1]}<sub>{_SUBSCRIPT_WORDS.get(m[2], m[2])}</sub>"),
    # E_K, g_Na, tau_m, n_inf: one letter (or Greek letter) and a short subscript
    (re.compile(r"(?<![\w])([A-Za-z\u03b1-\u03c9\u1e21])_([A-Za-z0-9]{1,5})(?![\w])"),
     lambda m: f"{m[1]}<sub>{_SUBSCRIPT_WORDS.get(m[2], m[2])}</sub>"),
    # cm^2, n^4, 2^(-1/4), 3^((T - 6.3)/10)
    (re.compile(r"(?<=[\w)\u03b1-\u03c9])\^(\((?:[^()]|\([^()]*\))*\)|-?\d+(?:\.\d+)?|[A-Za-z])"),
     lambda m: f"<sup>{m[1][1:-1] if m[1].startswith('(') else m[1]}</sup>"),
    # minus signs: "V - E", "(-x", "= -1", " -I/C"; never the hyphen inside a word
    (re.compile(r"(?<=\s)-(?=\s)|(?<=[(=\s\u00d7/<>])-(?=[\w(.\u03b1-\u03c9])|^-(?=[\w(])"), lambda m: MINUS),
)
#: Where the grader's notes about the student's own trace begin (text to show as it is).
_TRACE_NOTE = re.compile(r" \(?Your trace\b")


def formula_html(text: str) -> str:
    """A misconception's plain feedback ("E = RT/(zF) ln([X]o/[X]i)", "g_Na = gbar_Na m^3 h")
    as readable HTML: sub- and superscripts, Greek letters, minus signs, µ and ×; escaped.

    Only the grader's own words are set so: a note about the student's trace, which names
    their file, is escaped and shown as it is."""
    note = _TRACE_NOTE.search(text)
    head, tail = (text[:note.start()], text[note.start():]) if note else (text, "")
    out = html.escape(head, quote=False)
    for pattern, replace in _FORMULA_RULES:
        out = pattern.sub(replace, out)
    return out + html.escape(tail, quote=False)


_MARKUP = re.compile(r"</?(?:sub|sup|i|b|em|span)\b|&(?:[A-Za-z]+|#\d+);")


def plain_feedback(text: str) -> str:
    """A misconception's feedback as plain text for every text report and LMS export (a family may write it with
    HTML, "&tau;<sub>m</sub>": it reads "τ_m"); the HTML outputs typeset it again
    (:func:`formula_html`)."""
    return plain(text) if _MARKUP.search(text) else text
