"""Exports to learning-management systems (Moodle XML, Canvas QTI 1.2).

Both formats are built from the same list of :class:`LmsQuestion`: ``variants`` pseudo-students
(``variant-001``, ``variant-002``...) are drawn with the assignment's own seeding, and every
question of every problem becomes one LMS question with the problem statement repeated above
it (LMS question banks have no composite questions). Equations and figures travel as SVG files
inside the export. Numeric answers carry their accepted interval; the family's typical wrong
answers (misconceptions) become zero-credit answers with their feedback.
"""
from __future__ import annotations

import base64
import hashlib
import math
import re
from dataclasses import dataclass, field
from typing import Sequence

from ..assemble import PlacedQuestion, StudentSet, assemble
from ..assignment import Assignment
from ..formatting import plain, unit_html
from ..roster import Student

# Canvas stores numeric answers with four decimals: smaller values are shown in a smaller unit.
SMALLEST_EXPORTED = 1e-4
_PREFIX_STEPS = ["", "m", "u", "n", "p", "f"]
_PREFIX_TEXT = {"u": "µ"}
_BASES = ("V", "M", "A/cm^2", "S/cm^2", "F/cm^2", "s", "A", "S", "F", "mol", "g", "L", "Hz", "m")


def variant_students(n: int) -> list[Student]:
    return [Student(id=f"variant-{i:03d}", name=f"Variant {i}") for i in range(1, n + 1)]


@dataclass(frozen=True)
class WrongAnswer:
    """A typical wrong numeric answer (a misconception) and its accepted interval."""

    id: str
    value: float
    low: float
    high: float
    feedback: str


@dataclass(frozen=True)
class ChoiceAnswer:
    label: str
    html: str
    correct: bool
    feedback: str


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


def _question_html(statement: str, figure: str | None, pq: PlacedQuestion, unit: str | None) -> str:
    ask = ""
    if pq.type == "numeric":
        accepted = pq.question.tolerance.accepts(unit_display(pq.question.unit))
        ask = f" (in {unit_display(unit)}) ({accepted})" if unit else f" ({accepted})"
    parts = [f'<div class="statement">{statement}</div>']
    if figure:
        parts.append(str(figure))
    parts.append(f'<p><strong>{pq.id}</strong> {pq.question.prompt}{ask}</p>')
    return "\n".join(parts)


def _numeric(base: dict, pq: PlacedQuestion, statement: str, figure: str | None) -> LmsQuestion:
    q = pq.question
    low, high = q.tolerance.interval(q.answer)
    low, high = min(low, high), max(low, high)
    unit, scale = choose_scale(q.unit, q.answer, (high - low) / 2)
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
        seen.append((wl, wh))
        wrong.append(WrongAnswer(m.id, m.value * scale, wl * scale, wh * scale, m.feedback))
    return LmsQuestion(**base, type="numeric", html=_question_html(statement, figure, pq, unit), unit=unit,
                       scale=scale, answer=q.answer * scale, low=low * scale, high=high * scale, wrong=wrong)


def _choice(base: dict, pq: PlacedQuestion, statement: str, figure: str | None) -> LmsQuestion:
    options = []
    for label, opt in pq.labelled:
        if opt.correct:
            feedback = "Correct."
        elif opt.misconception:
            feedback = opt.misconception.feedback
        else:
            feedback = "Not this one."
        options.append(ChoiceAnswer(label, opt.text, opt.correct, feedback))
    return LmsQuestion(**base, type="choice", html=_question_html(statement, figure, pq, None), options=options)


def lms_questions(assignment: Assignment, variants: int, secret: bytes | None) -> list[LmsQuestion]:
    """Every question part of every problem, ``variants`` times (ordered by problem, part, variant)."""
    from ..render import problem_parts

    if variants < 1:
        raise ValueError("variants must be at least 1")
    sets: list[StudentSet] = assemble(assignment, variant_students(variants), secret)
    out: list[LmsQuestion] = []
    for s in sets:
        for p in s.problems:
            statement, figure = problem_parts(p)
            for pq in p.questions:
                base = dict(assignment_id=assignment.id, problem_number=p.spec.number, problem_title=p.title,
                            qid=pq.id, variant=s.student.id, points=pq.points)
                out.append(_numeric(base, pq, str(statement), figure) if pq.type == "numeric"
                           else _choice(base, pq, str(statement), figure))
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
