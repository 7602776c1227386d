"""Moodle XML (question bank import, "Moodle XML format"), one Cloze question per problem.

Layout: a category per problem (``$course$/top/<assignment>/Problem 1: <title>``) holding that
problem's N variants, so a quiz takes one "random question" from each problem's category and
every part a student answers belongs to the same variant (the same cell, the same temperature).

Each variant is an "Embedded answers (Cloze)" question (``type="cloze"``): the statement, the
figure, then the parts, each with its answer box embedded as Moodle's Cloze syntax, which
``qtype_multianswer_extract_question`` reads:

* numeric part: ``{w:NUMERICAL:=centre:half-width#Correct.~%0%wrong:half-width#feedback...}``,
  the right interval first, then each typical wrong answer (misconception) that does not
  overlap it, with its feedback. The unit is fixed and printed after the box ("in mV"): Cloze
  numeric boxes take a bare number, so a number typed with another unit is refused, never
  scored as if it were in the printed unit.
* choice part: ``{w:MULTICHOICE_V:%100%option#feedback~%0%option#feedback...}`` (radio
  buttons, in the variant's order, so option letters match spikeset's own labels).

``w``, the weight of a part, is its points (scaled to whole numbers when a part has half
points; the question's default mark is then the scaled total, and the category's info says so).
Feedback (of an option, of a typical wrong number) is typeset as the question text is
(:func:`spikeset.formatting.formula_html`: g<sub>Na</sub>, E<sub>K</sub>, τ) and escaped for
the Cloze syntax (:func:`cloze_html`).
Text is written as CDATA, so spaces and markup reach Moodle verbatim; equations are TeX for
Moodle's MathJax filter; figures are SVG files of the question text (``@@PLUGINFILE@@``).
"""
from __future__ import annotations

import base64
import html
import math
import re
from fractions import Fraction
from typing import Sequence

from . import LmsProblem, LmsQuestion, extract_images, fmt, unit_display

PLUGINFILE = "@@PLUGINFILE@@/"
PENALTY = "0.3333333"


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


def _text_el(tag: str, text: str, *, fmt_: str | None = "html", files: dict[str, bytes] | None = None,
             indent: str = "  ") -> str:
    attrs = f' format="{fmt_}"' if fmt_ else ""
    inner = [f"{indent}<{tag}{attrs}>", f"{indent} <text>{_cdata(text)}</text>"]
    for name, data in sorted((files or {}).items()):
        inner.append(f'{indent} <file name="{_attr(name)}" path="/" encoding="base64">'
                     f"{base64.b64encode(data).decode('ascii')}</file>")
    inner.append(f"{indent}</{tag}>")
    return "\n".join(inner)


def cloze_escape(text: str) -> str:
    """Plain text (feedback) safe inside a Cloze answer (see :func:`cloze_html`)."""
    return cloze_html(html.escape(text, quote=False))


def cloze_html(html_text: str) -> str:
    """HTML (a typeset feedback) safe inside a Cloze answer: Moodle ends a feedback at ``}`` or
    ``~`` and decodes HTML entities once before storing the text as HTML, so the HTML's ``&``
    are escaped once more and the delimiters become character references; tags stay as written."""
    return re.sub(r"[}#~]", lambda m: f"&#{ord(m.group())};", html_text.replace("&", "&amp;"))


def _option_escape(html_text: str) -> str:
    """HTML (option text) inside a Cloze answer, which Moodle ends at ``}``, ``#`` or ``~``
    (unless after a backslash or ``&``) and then entity-decodes and unescapes ``\\}``, ``\\#``."""
    escaped = html_text.replace("}", "\\}").replace("#", "\\#").replace("&", "&amp;")
    return escaped.replace("~", "&#126;")


def part_weights(parts: Sequence[LmsQuestion]) -> tuple[list[int], int]:
    """Whole-number Cloze weights proportional to the parts' points, and the factor applied."""
    fractions = [Fraction(p.points).limit_denominator(100) for p in parts]
    factor = 1
    for f in fractions:
        factor = factor * f.denominator // math.gcd(factor, f.denominator)
    return [max(1, int(f * factor)) for f in fractions], factor


def _numerical(part: LmsQuestion, weight: int) -> str:
    alts = [f"={fmt(part.centre)}:{fmt(part.tolerance)}#Correct."]
    for w in part.wrong:
        alts.append(f"%0%{fmt((w.low + w.high) / 2)}:{fmt((w.high - w.low) / 2)}#{cloze_html(w.feedback_html)}")
    return "{" + f"{weight}:NUMERICAL:" + "~".join(alts) + "}"


def _multichoice(part: LmsQuestion, weight: int) -> str:
    alts = []
    for opt in part.options:
        alts.append(("%100%" if opt.correct else "%0%") + _option_escape(opt.html) + "#" + cloze_html(opt.feedback_html))
    return "{" + f"{weight}:MULTICHOICE_V:" + "~".join(alts) + "}"


def cloze_text(problem: LmsProblem) -> str:
    """The question text of one variant: statement, figure, and each part with its box."""
    weights, _ = part_weights(problem.parts)
    out = [f'<div class="statement">{problem.statement}</div>']
    if problem.figure:
        out.append(problem.figure)
    out.append('<ol class="parts" style="list-style:none;padding-left:0">')
    for part, weight in zip(problem.parts, weights):
        label = part.qid.rsplit(".", 1)[-1]
        if part.type == "numeric":
            unit = f" {unit_display(part.unit)}" if part.unit else ""
            box = (f"{_numerical(part, weight)}{unit} <small>(accepted {html.escape(part.precision)}; "
                   f"type the number only, with a decimal point)</small>")
            out.append(f"<li><p><strong>({label})</strong> {part.prompt}</p><p>{box}</p></li>")
        else:
            out.append(f"<li><p><strong>({label})</strong> {part.prompt}</p>{_multichoice(part, weight)}</li>")
    out.append("</ol>")
    return "\n".join(out)


def _question(problem: LmsProblem) -> str:
    body, files = extract_images(cloze_text(problem), PLUGINFILE)
    return "\n".join([
        ' <question type="cloze">',
        f"  <name><text>{_cdata(problem.name)}</text></name>",
        _text_el("questiontext", body, files=files),
        _text_el("generalfeedback", ""),
        f"  <penalty>{PENALTY}</penalty>",
        "  <hidden>0</hidden>",
        f"  <idnumber>{_attr(f'{problem.assignment_id}/p{problem.number}/{problem.variant}')}</idnumber>",
        " </question>",
    ])


def _category(path: str, info: str) -> str:
    return "\n".join([
        ' <question type="category">',
        f"  <category><text>{_cdata(path)}</text></category>",
        _text_el("info", info),
        " </question>",
    ])


def _seg(name: str) -> str:
    """One category-path segment: Moodle reads a doubled slash as a literal '/'."""
    return name.replace("/", "//")


def moodle_xml(problems: Sequence[LmsProblem], *, title: str, assignment_id: str) -> bytes:
    """The Moodle XML document (UTF-8 bytes)."""
    root = f"$course$/top/{_seg(title)} ({_seg(assignment_id)})"
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    done: set[int] = set()
    for lp in problems:
        if lp.number not in done:
            _, factor = part_weights(lp.parts)
            marks = f"{fmt(lp.points * factor)} marks" if factor != 1 else f"{fmt(lp.points)} marks"
            note = (f" (half points are doubled: give the quiz slot {fmt(lp.points)} marks)" if factor != 1
                    else f" (give the quiz slot {fmt(lp.points)} marks)")
            out.append(_category(f"{root}/Problem {lp.number}: {_seg(lp.title)}",
                                 f"spikeset {assignment_id}, problem {lp.number}: {html.escape(lp.title)}. "
                                 f"Each question is one variant worth {marks}{note}; use one random "
                                 f"question from this category."))
            done.add(lp.number)
        out.append(_question(lp))
    out.append("</quiz>")
    return ("\n".join(out) + "\n").encode("utf-8")


__all__ = ["moodle_xml", "cloze_text", "part_weights", "unit_display"]
