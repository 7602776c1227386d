"""Moodle XML (question bank import, "Moodle XML format").

Layout: a category per problem (``$course$/top/<assignment>/Problem 1 <title>``) and below it a
sub-category per question part (``.../p1.a``) holding the N variants of that part, so a quiz
can take one "random question" from each part's category. Question types:

* ``numerical``: the right answer (fraction 100) with an absolute ``<tolerance>`` equal to
  half the accepted interval, then each non-overlapping typical wrong answer (fraction 0) with
  the misconception's feedback, then ``*`` (fraction 0) with general feedback. Moodle uses the
  first answer whose interval holds the response. ``<units>`` lists the unit (multiplier 1)
  and its spellings, plus V or M with multiplier 0.001 for mV or mM; units are optional.
* ``multichoice`` (``<single>true</single>``): one answer per option, feedback on each.

Equations and figures are SVG files inside ``<questiontext>`` (``<file name=... path="/"
encoding="base64">``) referenced as ``@@PLUGINFILE@@/name.svg``, as Moodle's own exporter
writes them, so an import needs nothing else.
"""
from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from typing import Sequence

from . import LmsQuestion, extract_images, fmt, problem_titles, unit_display, unit_plain

PLUGINFILE = "@@PLUGINFILE@@/"
PENALTY = "0.3333333"


def _text(parent: ET.Element, tag: str, text: str, fmt_: str | None = "html",
          files: dict[str, bytes] | None = None) -> ET.Element:
    el = ET.SubElement(parent, tag)
    if fmt_:
        el.set("format", fmt_)
    ET.SubElement(el, "text").text = text
    for name, data in sorted((files or {}).items()):
        f = ET.SubElement(el, "file", name=name, path="/", encoding="base64")
        f.text = base64.b64encode(data).decode("ascii")
    return el


def _category(quiz: ET.Element, path: str, info: str) -> None:
    q = ET.SubElement(quiz, "question", type="category")
    c = ET.SubElement(q, "category")
    ET.SubElement(c, "text").text = path
    _text(q, "info", info)


def _unit_spellings(unit: str) -> list[tuple[str, str]]:
    """(name, multiplier) pairs accepted for ``unit``: the unit first (multiplier 1)."""
    names = [unit]
    pretty = unit_plain(unit)
    for alt in (pretty, pretty.replace("^2", "²"), unit.replace("u", "µ", 1) if unit.startswith("u") else unit):
        if alt and alt not in names:
            names.append(alt)
    pairs = [(n, "1") for n in names]
    larger = {"mV": "V", "mM": "M", "ms": "s", "uM": "mM", "uV": "mV"}.get(unit)
    if larger:
        pairs.append((larger, "0.001"))
    return pairs


def _header(q: ET.Element, lq: LmsQuestion) -> None:
    name = ET.SubElement(q, "name")
    ET.SubElement(name, "text").text = lq.name
    body, files = extract_images(lq.html, PLUGINFILE)
    _text(q, "questiontext", body, files=files)
    _text(q, "generalfeedback", "")
    ET.SubElement(q, "defaultgrade").text = fmt(lq.points)
    ET.SubElement(q, "penalty").text = PENALTY
    ET.SubElement(q, "hidden").text = "0"
    ET.SubElement(q, "idnumber").text = f"{lq.assignment_id}/{lq.qid}/{lq.variant}"


def _numerical(quiz: ET.Element, lq: LmsQuestion) -> None:
    q = ET.SubElement(quiz, "question", type="numerical")
    _header(q, lq)
    right = ET.SubElement(q, "answer", fraction="100", format="moodle_auto_format")
    ET.SubElement(right, "text").text = fmt(lq.centre)
    ET.SubElement(right, "tolerance").text = fmt(lq.tolerance)
    _text(right, "feedback", "Correct.")
    for w in lq.wrong:
        a = ET.SubElement(q, "answer", fraction="0", format="moodle_auto_format")
        ET.SubElement(a, "text").text = fmt((w.low + w.high) / 2)
        ET.SubElement(a, "tolerance").text = fmt((w.high - w.low) / 2)
        _text(a, "feedback", w.feedback)
    other = ET.SubElement(q, "answer", fraction="0", format="moodle_auto_format")
    ET.SubElement(other, "text").text = "*"
    ET.SubElement(other, "tolerance").text = "0"
    _text(other, "feedback", "Not within the accepted tolerance.")
    if lq.unit:
        units = ET.SubElement(q, "units")
        for name, mult in _unit_spellings(lq.unit):
            u = ET.SubElement(units, "unit")
            ET.SubElement(u, "multiplier").text = mult
            ET.SubElement(u, "unit_name").text = name
        ET.SubElement(q, "unitgradingtype").text = "0"   # units optional: a bare number is in the first unit
        ET.SubElement(q, "unitpenalty").text = "0.1000000"
        ET.SubElement(q, "showunits").text = "0"         # typed with the number
        ET.SubElement(q, "unitsleft").text = "0"
    else:
        ET.SubElement(q, "showunits").text = "3"         # no units


def _multichoice(quiz: ET.Element, lq: LmsQuestion) -> None:
    q = ET.SubElement(quiz, "question", type="multichoice")
    _header(q, lq)
    ET.SubElement(q, "single").text = "true"
    ET.SubElement(q, "shuffleanswers").text = "true"
    ET.SubElement(q, "answernumbering").text = "abc"
    _text(q, "correctfeedback", "Correct.")
    _text(q, "partiallycorrectfeedback", "")
    _text(q, "incorrectfeedback", "Not correct.")
    for opt in lq.options:
        body, files = extract_images(opt.html, PLUGINFILE)
        a = _text(q, "answer", body, files=files)
        a.set("fraction", "100" if opt.correct else "0")
        _text(a, "feedback", opt.feedback)


def _seg(name: str) -> str:
    """One category-path segment: Moodle reads a doubled slash as a literal '/'."""
    return name.replace("/", "//")


def moodle_xml(questions: Sequence[LmsQuestion], *, title: str, assignment_id: str) -> bytes:
    """The Moodle XML document (UTF-8 bytes)."""
    quiz = ET.Element("quiz")
    root = f"$course$/top/{_seg(title)} ({_seg(assignment_id)})"
    titles = problem_titles(questions)
    done_problem: set[int] = set()
    done_part: set[str] = set()
    for lq in questions:
        ptitle = _seg(titles[lq.problem_number])
        pcat = f"{root}/Problem {lq.problem_number}: {ptitle}"
        if lq.problem_number not in done_problem:
            _category(quiz, pcat, f"spikeset {assignment_id}, problem {lq.problem_number}: {ptitle}")
            done_problem.add(lq.problem_number)
        if lq.qid not in done_part:
            _category(quiz, f"{pcat}/{lq.qid}", f"Variants of {lq.qid}: use one random question from here.")
            done_part.add(lq.qid)
        (_numerical if lq.type == "numeric" else _multichoice)(quiz, lq)
    ET.indent(quiz, space=" ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="utf-8", xml_declaration=False) + b"\n"


__all__ = ["moodle_xml", "unit_display"]
