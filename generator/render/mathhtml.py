"""Equations as HTML text: the mathtext subset the families write, typeset with inline HTML
and CSS (italic variables, sub- and superscripts, stacked fractions) in the page's own serif.

Text costs nothing to draw, so equations whose numbers differ per student need no picture:
:func:`equation_html` returns None for anything outside the subset, and the caller falls back
to a picture (:func:`spikeset.render.mathsvg.equation_img`).
"""
from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Sequence

_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|[{}_^]|\s+|[A-Za-z]|[0-9.]+|.", re.S)

_SYMBOLS = {
    "times": "\u00d7", "cdot": "\u00b7", "approx": "\u2248", "pm": "\u00b1", "to": "\u2192",
    "rightarrow": "\u2192", "Rightarrow": "\u21d2", "leq": "\u2264", "geq": "\u2265", "le": "\u2264",
    "ge": "\u2265", "infty": "\u221e", "circ": "\u00b0", "sum": "\u2211", "neq": "\u2260",
    "ll": "\u226a", "gg": "\u226b", "propto": "\u221d", "partial": "\u2202",
}
_GREEK = {
    "alpha": "\u03b1", "beta": "\u03b2", "gamma": "\u03b3", "delta": "\u03b4", "epsilon": "\u03b5",
    "eta": "\u03b7", "theta": "\u03b8", "kappa": "\u03ba", "lambda": "\u03bb", "mu": "\u03bc",
    "nu": "\u03bd", "pi": "\u03c0", "rho": "\u03c1", "sigma": "\u03c3", "tau": "\u03c4", "phi": "\u03c6",
    "chi": "\u03c7", "psi": "\u03c8", "omega": "\u03c9", "varphi": "\u03c6",
}
_UPRIGHT_GREEK = {"Delta": "\u0394", "Gamma": "\u0393", "Omega": "\u03a9", "Phi": "\u03a6", "Sigma": "\u03a3",
                  "Theta": "\u0398", "Lambda": "\u039b", "Pi": "\u03a0", "Psi": "\u03a8"}
_FUNCTIONS = {"ln", "exp", "log", "sin", "cos", "tan", "max", "min", "lim", "det"}
_SPACES = {",": "\u2009", ":": "\u2005", ";": "\u2004", " ": " ", "!": "", "quad": "\u2003",
           "qquad": "\u2003\u2003"}
_RELATIONS = {"=", "\u2248", "\u21d2", "\u2192", "\u2264", "\u2265", "<", ">", "\u2260", "\u226a", "\u226b",
              "\u221d"}
_BINARY = {"+", "\u2212", "\u00d7", "\u00b7", "\u00b1"}


class Unsupported(Exception):
    """The TeX uses something this typesetter does not do (the caller draws a picture)."""


class _Parser:
    def __init__(self, tokens: Sequence[str]):
        self.tokens = tokens
        self.n = n = len(tokens)
        # skip[i]: the first token at or after i that is not white space (n: none)
        self.skip = skip = [n] * (n + 1)
        following = n
        for k in range(n - 1, -1, -1):
            if not tokens[k].isspace():
                following = k
            skip[k] = following
        self.i = 0

    def peek(self) -> str | None:
        i = self.i = self.skip[self.i]
        return self.tokens[i] if i < self.n else None

    def take(self) -> str:
        i = self.skip[self.i]
        if i >= self.n:
            self.i = i
            raise Unsupported("unexpected end")
        self.i = i + 1
        return self.tokens[i]

    def group(self, roman: bool = False) -> str:
        """One argument: a braced group or a single token."""
        tok = self.peek()
        if tok == "{":
            self.take()
            out = self.sequence(roman=roman, until="}")
            self.take()
            return out
        return self.atom(roman=roman)

    def raw_group(self) -> str:
        """A braced group as plain text (``\\mathrm``, ``\\text``): letters upright, spaces kept."""
        if self.peek() != "{":
            return html.escape(self.take())
        self.take()
        depth, parts = 1, []
        while self.i < len(self.tokens):
            tok = self.tokens[self.i]
            self.i += 1
            if tok == "{":
                depth += 1
                continue
            if tok == "}":
                depth -= 1
                if depth == 0:
                    return "".join(parts)
                continue
            if tok == "^":
                arg = self.group(roman=True)
                parts.append(arg if arg == "\u00b0" else f"<sup>{arg}</sup>")
            elif tok == "_":
                parts.append(f"<sub>{self.group(roman=True)}</sub>")
            elif tok.startswith("\\"):
                parts.append(self.command(tok[1:], roman=True))
            elif tok == "-":
                parts.append("\u2212")
            else:
                parts.append(html.escape(tok))
        raise Unsupported("unclosed group")

    def sequence(self, roman: bool = False, until: str | None = None) -> str:
        parts: list[tuple[str, str]] = []  # (kind, html): kind "op", "rel", "open", "atom"
        while True:
            tok = self.peek()
            if tok is None or tok == until:
                if until is not None and tok is None:
                    raise Unsupported("unclosed group")
                break
            if tok == "}":
                raise Unsupported("unbalanced brace")
            if tok in ("^", "_"):
                self.take()
                if not parts:
                    parts.append(("atom", ""))
                arg = self.group(roman=roman)
                kind, text = parts[-1]
                if tok == "^" and arg == "\u00b0":
                    parts[-1] = ("atom", text + arg)
                else:
                    parts[-1] = ("atom", text + (f"<sup>{arg}</sup>" if tok == "^" else f"<sub>{arg}</sub>"))
                continue
            text = self.atom(roman=roman)
            parts.append((_kind(text, parts), text))
        return _join(parts)

    def atom(self, roman: bool = False) -> str:
        tok = self.take()
        if tok == "{":
            out = self.sequence(roman=roman, until="}")
            self.take()
            return out
        if tok.startswith("\\"):
            return self.command(tok[1:], roman=roman)
        if tok.isalpha():  # a letter: nothing to escape
            return tok if roman else f"<i>{tok}</i>"
        if tok in ("-", "\u2212"):
            return "\u2212"
        if tok == "'":
            return "\u2032"
        if tok in "()[]|0123456789.,+=<>/!:;*" or tok[0].isdigit() or tok[0] == ".":
            return html.escape(tok) if tok in "<>" else tok  # else one character or digits: nothing to escape
        raise Unsupported(f"character {tok!r}")

    def command(self, name: str, roman: bool = False) -> str:
        if name in ("frac", "dfrac", "tfrac"):
            num, den = self.group(), self.group()
            return f'<span class="fr"><span class="fn">{num}</span><span class="fd">{den}</span></span>'
        if name in ("mathrm", "text", "mathrm", "operatorname"):
            return f'<span class="rm">{self.raw_group()}</span>'
        if name == "mathit":
            return self.group()
        if name == "bar" or name == "overline":
            return f'<span class="ov">{self.group(roman=roman)}</span>'
        if name == "sqrt":
            return f'\u221a<span class="ov">{self.group(roman=roman)}</span>'
        if name in ("left", "right", "big", "Big", "bigl", "bigr", "Bigl", "Bigr"):
            tok = self.take()
            if tok == ".":
                return ""
            return html.escape(tok[1:] if tok.startswith("\\") and tok[1:] in "{}|" else tok)
        if name in _SPACES:
            return _SPACES[name]
        if name in _SYMBOLS:
            return _SYMBOLS[name]
        if name in _GREEK:
            return _GREEK[name] if roman else f"<i>{_GREEK[name]}</i>"
        if name in _UPRIGHT_GREEK:
            return _UPRIGHT_GREEK[name]
        if name in _FUNCTIONS:
            return f'<span class="fn-name">{name}</span>\u2009'
        if name in ("%", "$", "#", "&", "{", "}"):
            return html.escape(name)
        raise Unsupported(f"command \\{name}")


def _kind(text: str, before: list[tuple[str, str]]) -> str:
    if text in _RELATIONS:
        return "rel"
    if text in _BINARY:
        # A sign at the start, after an opening bracket or an operator, is unary.
        if not before or before[-1][0] in ("rel", "op", "open") or before[-1][1] in ("(", "["):
            return "sign"
        return "op"
    if text in ("(", "["):
        return "open"
    return "atom"


def _join(parts: list[tuple[str, str]]) -> str:
    out = []
    for kind, text in parts:
        if kind == "rel":
            out.append(f" {text} ")
        elif kind == "op":
            out.append(f"\u2009{text}\u2009" if text != "\u00d7" else f" {text} ")
        else:
            out.append(text)
    return "".join(out)


#: A number as the tokenizer reads it (at least one digit: a lone "." is ``\left.``).
_NUMBER = re.compile(r"[0-9.]*[0-9][0-9.]*\Z")
#: Where the k-th number of an equation goes in its typeset shape (a token read as a number).
_SLOT = re.compile("0\x00([0-9]+)\x00")


@lru_cache(maxsize=8192)
def equation_html(tex: str, inline: bool = False) -> str | None:
    """``tex`` (mathtext without dollar signs) as HTML text, or None when it uses anything
    outside the supported subset. Display equations are a centred block.

    An equation is typeset once per shape: its numbers (which differ from student to student)
    are typeset as slots and filled in afterwards. A number comes out as written wherever it
    stands, so the result is what typesetting the whole equation gives."""
    tokens = _TOKEN.findall(tex)
    if "\x00" in tex:  # the slots' character: typeset as it is
        return _typeset(tuple(tokens), inline)
    numbers: list[str] = []
    shape = []
    for tok in tokens:
        if tok[0] in "0123456789." and _NUMBER.match(tok):
            shape.append(f"0\x00{len(numbers)}\x00")
            numbers.append(tok)
        else:
            shape.append(tok)
    text = _typeset(tuple(shape), inline)
    if text is None or not numbers:
        return text
    return _SLOT.sub(lambda m: numbers[int(m.group(1))], text)


@lru_cache(maxsize=2048)
def _typeset(tokens: tuple[str, ...], inline: bool) -> str | None:
    try:
        body = _Parser(tokens).sequence()
    except (Unsupported, IndexError):
        return None
    body = re.sub(r" {2,}", " ", body.replace("</i><i>", "")).strip()
    if inline:
        return f'<span class="m">{body}</span>'
    return f'<div class="equation"><span class="m">{body}</span></div>'
