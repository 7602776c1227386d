"""Where a printed line may not break: inside a quantity.

Browsers and WeasyPrint break a line after ``/`` and at any space, so a sheet could print
"ḡ_K = 24 mS/" at the end of one line and "cm²" at the start of the next, or "E_L" and
"= −54.4 mV" on two lines. :func:`bind_quantities` keeps a number with its unit, a compound
unit whole, and ``=`` with what stands before it (a line may still break after ``=``), by
editing the text between tags only: tags, attributes (data URIs), ``<pre>``, ``<svg>``,
``<script>`` and ``<style>`` are left as they are.
"""
from __future__ import annotations

import re

_TAG = re.compile(r"(<[^>]*>)")
#: Elements whose text is not running prose (code, figures, styles): left untouched.
_VERBATIM = ("pre", "svg", "script", "style", "title", "textarea", "math", "code")
_OPEN = re.compile(r"<(%s)[\s>]" % "|".join(_VERBATIM), re.IGNORECASE)
_CLOSE = re.compile(r"</(%s)\s*>" % "|".join(_VERBATIM), re.IGNORECASE)

NBSP = "\u00a0"
#: No break on either side, and no width (Unicode line breaking, UAX #14): after each "/" of a
#: compound unit. A ``<span style="white-space: nowrap">`` did the same at 9 % more WeasyPrint
#: time per set (each inline box is laid out on its own; a set has about 130 compound units).
WORD_JOINER = "\u2060"
_NUMBER_UNIT = re.compile(r"(\d) (?=[^\W\d_]|[µ°%Ω])")
_BEFORE_RELATION = re.compile(r" (?=[=≈] )")
#: A compound unit such as mS/cm², µA/cm², mV/ms, 1/ms (letters, digits, superscripts around ``/``).
_COMPOUND_UNIT = re.compile(r"(?<![\w/])([\w°µΩ²³¹⁰⁴-⁹⁺⁻]+(?:/[\w°µΩ²³¹⁰⁴-⁹⁺⁻]+)+)(?![\w/])")


def _bind_text(text: str) -> str:
    text = _BEFORE_RELATION.sub(NBSP, _NUMBER_UNIT.sub(r"\1" + NBSP, text))
    return _COMPOUND_UNIT.sub(lambda m: m.group(1).replace("/", "/" + WORD_JOINER), text)


def bind_quantities(html_text: str) -> str:
    """``html_text`` with no line break allowed inside a number and its unit, inside a compound
    unit, or before ``=``/``≈``; the text reads the same."""
    out = []
    depth = 0
    for part in _TAG.split(html_text):
        if part.startswith("<"):
            if _OPEN.match(part) and not part.endswith("/>"):
                depth += 1
            elif _CLOSE.match(part):
                depth = max(depth - 1, 0)
            out.append(part)
        elif depth or not part:
            out.append(part)
        else:
            out.append(_bind_text(part))
    return "".join(out)
