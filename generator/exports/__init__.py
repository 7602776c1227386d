"""Exports to learning-management systems (Moodle XML, Canvas QTI 1.2).

Both formats are built from :func:`lms_problems`: ``variants`` pseudo-students (``variant-001``,
``variant-002``...) are drawn with the assignment's own seeding, and each problem of each
variant becomes an :class:`LmsProblem` holding its statement (equations as TeX, for the LMS's
own math rendering: :mod:`spikeset.exports.tex`), its figure (an SVG file) and its parts as
:class:`LmsQuestion`. Numeric answers carry their accepted interval, in one unit per part for
every variant; the family's typical wrong answers (misconceptions) become zero-credit answers
with their feedback.

Moodle keeps a problem whole (one Cloze question per variant, so every part is about the same
cell); Canvas Classic Quizzes have no multi-part numeric question, so each part is its own item
that repeats its variant's statement (see :mod:`spikeset.exports.qti`).
"""
from __future__ import annotations

import base64
import functools
import hashlib
import html
import math
import re
from dataclasses import dataclass, field
from typing import Sequence

from ..variants.assemble import PlacedQuestion, ProblemInstance, StudentSet, assemble
from ..variants.assignment import Assignment
from ..formatting import formula_html, plain, plain_feedback, unit_html
from ..variants.roster import Student

# Canvas stores numeric answers with four decimals: smaller values are shown in a smaller unit.
SMALLEST_EXPORTED = 1e-4
_PREFIX_STEPS = ["", "m", "u", "n", "p", "f"]
_PREFIX_TEXT = {"u": "µ"}
_BASES = ("V", "M", "A/cm^2", "S/cm^2", "F/cm^2", "s", "A", "S", "F", "mol", "g", "L", "Hz", "m")


def variant_students(n: int) -> list[Student]:
    return [Student(id=f"variant-{i:03d}", name=f"Variant {i}") for i in range(1, n + 1)]


@functools.lru_cache(maxsize=4096)
def _typeset(text: str) -> str:
    """:func:`formula_html`, kept: a few hundred feedback texts recur in tens of thousands of options."""
    return formula_html(text)


def typeset_feedback(text: str) -> str:
    """A plain feedback typeset as the question text is (g<sub>Na</sub>, E<sub>K</sub>, τ); escaped."""
    return _typeset(text) if type(text) is str else formula_html(text)


@dataclass(frozen=True)
class WrongAnswer:
    """A typical wrong numeric answer (a misconception) and its accepted interval;
    ``feedback`` is plain text."""

    id: str
    value: float
    low: float
    high: float
    feedback: str

    @property
    def feedback_html(self) -> str:
        """The feedback typeset as the question text is (:func:`typeset_feedback`)."""
        return typeset_feedback(self.feedback)


@dataclass(frozen=True)
class ChoiceAnswer:
    """An option of a choice part: its text (HTML) and its feedback (plain text)."""

    label: str
    html: str
    correct: bool
    feedback: str

    @property
    def feedback_html(self) -> str:
        """The feedback typeset as the question text is (:func:`typeset_feedback`)."""
        return typeset_feedback(self.feedback)


@dataclass
class LmsQuestion:
    """One question of one variant, ready for an LMS."""

    assignment_id: str
    problem_number: int
    problem_title: str
    qid: str              # "p1.a"
    variant: str          # "variant-001"
    type: str             # "numeric" | "choice"
    points: float
    html: str             # statement, figure and the question (images as data: URIs)
    unit: str | None = None         # the unit answers are given in (after scaling)
    scale: float = 1.0              # exported value = spikeset value * scale
    answer: float | None = None
    low: float | None = None
    high: float | None = None
    wrong: list[WrongAnswer] = field(default_factory=list)
    options: list[ChoiceAnswer] = field(default_factory=list)
    prompt: str = ""                # the part's own question (HTML)
    precision: str = ""             # what is accepted, e.g. "±1 %"

    @property
    def name(self) -> str:
        return f"{self.assignment_id} {self.qid} {self.variant}"

    @property
    def tolerance(self) -> float:
        return (self.high - self.low) / 2

    @property
    def centre(self) -> float:
        return (self.high + self.low) / 2


def _split_unit(unit: str) -> tuple[str, str] | None:
    for base in sorted(_BASES, key=len, reverse=True):
        if unit == base:
            return "", base
        if unit.endswith(base) and unit[:-len(base)] in ("m", "u", "µ", "n", "p") and len(unit) == len(base) + 1:
            return unit[0].replace("µ", "u"), base
    return None


def scaled_unit(unit: str | None, steps: int) -> tuple[str | None, float]:
    """``unit`` made ``steps`` powers of 1000 smaller, and the factor values are multiplied by."""
    if steps == 0:
        return unit, 1.0
    factor = 1000.0 ** steps
    split = _split_unit(unit) if unit else None
    if split and _PREFIX_STEPS.index(split[0]) + steps < len(_PREFIX_STEPS):
        prefix = _PREFIX_STEPS[_PREFIX_STEPS.index(split[0]) + steps]
        return prefix + split[1], factor
    return f"10^-{3 * steps} {unit or ''}".strip(), factor


def choose_scale(unit: str | None, answer: float, half_width: float) -> tuple[str | None, float]:
    """The unit to export in so that neither the answer nor the tolerance is below 1e-4."""
    steps = 0
    while steps < 5 and any(0 < abs(v) * 1000.0 ** steps < SMALLEST_EXPORTED for v in (answer, half_width)):
        steps += 1
    return scaled_unit(unit, steps)


def unit_display(unit: str | None) -> str:
    """A unit as HTML for question text (µ for u, superscripts)."""
    if not unit:
        return ""
    if unit.startswith("10^-"):
        power, _, rest = unit[4:].partition(" ")
        return f"10<sup>&minus;{power}</sup> {unit_display(rest)}".strip()
    text = unit_html(unit)
    if text == unit and unit.startswith("u"):
        text = "µ" + unit[1:]
    return re.sub(r"\^(\d)", r"<sup>\1</sup>", text.replace("/cm^2", "/cm<sup>2</sup>"))


def unit_plain(unit: str | None) -> str:
    return plain(unit_display(unit)) if unit else ""


def _question_html(statement: str, figure: str | None, pq: PlacedQuestion, unit: str | None,
                   precision: str = "") -> str:
    ask = f" (in {unit_display(unit)})" if unit else ""
    if precision:
        # Canvas's quiz page parses the box itself (parseFloat, or a parser that drops "," as a
        # thousands separator): "65,9" would count as 65 or 659 without a word.
        ask += f" <small>(accepted {html.escape(precision)}; type the number only, with a decimal point)</small>"
    parts = [f'<div class="statement">{statement}</div>']
    if figure:
        parts.append(str(figure))
    parts.append(f'<p><strong>{pq.id}</strong> {pq.question.prompt}{ask}</p>')
    return "\n".join(parts)


def _numeric(base: dict, pq: PlacedQuestion, statement: str, figure: str | None,
             scaled: tuple[str | None, float] | None = None) -> LmsQuestion:
    """One numeric part; ``scaled`` (unit, factor) fixes the unit, else it is chosen for this value."""
    q = pq.question
    low, high = q.tolerance.interval(q.answer)
    low, high = min(low, high), max(low, high)
    unit, scale = scaled or choose_scale(q.unit, q.answer, (high - low) / 2)
    wrong: list[WrongAnswer] = []
    seen: list[tuple[float, float]] = []
    for m in q.misconceptions:
        if m.value is None or not math.isfinite(m.value):
            continue
        wl, wh = q.tolerance.interval(m.value)
        wl, wh = min(wl, wh), max(wl, wh)
        # An interval that overlaps the right one (or an earlier wrong one) would steal answers.
        if wh >= low and wl <= high or any(wh >= a and wl <= b for a, b in seen):
            continue
        # A value too small for a plain decimal (Q/F where Q/e is asked: 1e-17) would print as 0:0.
        if fmt((wh - wl) / 2 * scale) == "0":
            continue
        seen.append((wl, wh))
        wrong.append(WrongAnswer(m.id, m.value * scale, wl * scale, wh * scale, plain_feedback(m.feedback)))
    precision = _precision(q.tolerance, unit, scale)
    return LmsQuestion(**base, type="numeric", html=_question_html(statement, figure, pq, unit, precision),
                       unit=unit, scale=scale, answer=q.answer * scale, low=low * scale, high=high * scale,
                       wrong=wrong, prompt=pq.question.prompt, precision=precision)


def _precision(tolerance, unit: str | None, scale: float) -> str:
    """What is accepted, as the question states it ("within ±1 %", "within ±0.5 mV", "to 3
    significant figures"), in the exported unit."""
    if tolerance.mode == "abs":
        return f"within ±{tolerance.value * scale:g} {unit_plain(unit)}".strip()
    return tolerance.accepts()


def _choice(base: dict, pq: PlacedQuestion, statement: str, figure: str | None) -> LmsQuestion:
    options = []
    for label, opt in pq.labelled:
        if opt.correct:
            feedback = "Correct."
        elif opt.misconception:
            feedback = plain_feedback(opt.misconception.feedback)
        else:
            feedback = "Not this one."
        options.append(ChoiceAnswer(label, opt.text, opt.correct, feedback))
    return LmsQuestion(**base, type="choice", html=_question_html(statement, figure, pq, None), options=options,
                       prompt=pq.question.prompt)


@dataclass(frozen=True)
class LmsProblem:
    """One problem of one variant: its statement, figure and parts, all about the same cell."""

    assignment_id: str
    number: int
    title: str
    variant: str
    points: float
    statement: str               # HTML, equations as TeX for the LMS
    figure: str | None           # HTML <figure> with an embedded SVG, or None
    parts: tuple[LmsQuestion, ...]

    @property
    def name(self) -> str:
        return f"{self.assignment_id} p{self.number} {self.variant}"


def part_scales(sets: Sequence[StudentSet]) -> dict[str, tuple[str | None, float]]:
    """One unit per numeric part for every variant (the smallest any variant needs), so that a
    pool never asks one student in mS/cm2 and the next in uS/cm2."""
    steps: dict[str, int] = {}
    units: dict[str, str | None] = {}
    for s in sets:
        for pq in s.questions.values():
            if pq.type != "numeric":
                continue
            q = pq.question
            low, high = q.tolerance.interval(q.answer)
            _, factor = choose_scale(q.unit, q.answer, abs(high - low) / 2)
            steps[pq.id] = max(steps.get(pq.id, 0), round(math.log(factor, 1000)))
            units[pq.id] = q.unit
    return {qid: scaled_unit(units[qid], n) for qid, n in steps.items()}


def lms_problems(assignment: Assignment, variants: int, secret: bytes | None, *,
                 flavour: str = "moodle") -> list[LmsProblem]:
    """Every problem, ``variants`` times (ordered by problem, then variant); equations as TeX
    in ``flavour`` ("moodle" or "canvas")."""
    from .tex import statement_html

    if variants < 1:
        raise ValueError("variants must be at least 1")
    sets: list[StudentSet] = assemble(assignment, variant_students(variants), secret)
    scales = part_scales(sets)
    figures = _figures([p for s in sets for p in s.problems])
    out: list[LmsProblem] = []
    for s in sets:
        for p in s.problems:
            statement = statement_html(p, flavour)  # type: ignore[arg-type]
            figure = figures.get(id(p))
            parts = []
            for pq in p.questions:
                base = dict(assignment_id=assignment.id, problem_number=p.spec.number, problem_title=p.title,
                            qid=pq.id, variant=s.student.id, points=pq.points)
                parts.append(_numeric(base, pq, statement, figure, scales[pq.id]) if pq.type == "numeric"
                             else _choice(base, pq, statement, figure))
            out.append(LmsProblem(assignment_id=assignment.id, number=p.spec.number, title=p.title,
                                  variant=s.student.id, points=p.spec.points, statement=statement,
                                  figure=figure, parts=tuple(parts)))
    out.sort(key=lambda lp: (lp.number, lp.variant))
    return out


def _figures(problems: Sequence[ProblemInstance]) -> dict[int, str]:
    """The figure HTML of every problem that has one, by ``id(problem)``, drawn on every core
    (figures are most of an export's time)."""
    from ..parallel import deal, map_forked, undeal, usable_cores
    from ..render.render import problem_figure

    with_figure = [p for p in problems if p.family.has_figure]

    def draw(chunk: Sequence[ProblemInstance]) -> list[str | None]:
        return [str(f) if (f := problem_figure(p)) else None for p in chunk]

    hands = deal(with_figure, usable_cores())
    drawn = map_forked(draw, hands) if len(with_figure) > 1 else None
    html_list = undeal(drawn) if drawn is not None else draw(with_figure)
    return {id(p): h for p, h in zip(with_figure, html_list) if h}


def lms_questions(assignment: Assignment, variants: int, secret: bytes | None, *,
                  flavour: str = "canvas") -> list[LmsQuestion]:
    """Every question part of every problem, ``variants`` times (ordered by problem, part, variant)."""
    out = [part for lp in lms_problems(assignment, variants, secret, flavour=flavour) for part in lp.parts]
    out.sort(key=lambda q: (q.problem_number, q.qid, q.variant))
    return out


_DATA_URI = re.compile(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')


def extract_images(html_text: str, prefix: str) -> tuple[str, dict[str, bytes]]:
    """Replace embedded SVG data URIs with ``prefix + name`` and return the files by name
    (named by content hash, so identical equations share one file)."""
    files: dict[str, bytes] = {}

    def repl(m: re.Match) -> str:
        data = base64.b64decode(m.group(1))
        name = f"eq-{hashlib.sha1(data).hexdigest()[:16]}.svg"
        files[name] = data
        return f'src="{prefix}{name}"'

    return _DATA_URI.sub(repl, html_text), files


def fmt(x: float) -> str:
    """A number for an LMS answer field: plain decimal, enough digits, no exponent."""
    if x == 0:
        return "0"
    digits = max(0, 9 - int(math.floor(math.log10(abs(x)))))
    text = f"{x:.{min(digits, 15)}f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def problem_titles(questions: Sequence[LmsQuestion]) -> dict[int, str]:
    return {q.problem_number: q.problem_title for q in questions}
