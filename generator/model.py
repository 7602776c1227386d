"""The data a problem family produces: questions, answers, tolerances, misconceptions.

A family computes, for one variant, a list of questions. Each question carries its
reference answer, unit, tolerance and the typical wrong answers ("misconceptions")
that the grader recognizes. Nothing here knows about files or rendering.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Literal, Mapping

ToleranceMode = Literal["rel", "abs", "sigfig"]

#: What a student's feedback shows, least first: right/wrong and points; plus the named typical
#: mistake; plus the direction and size of the error.
FEEDBACK_LEVELS = ("correctness", "misconceptions", "full")
DEFAULT_FEEDBACK = "misconceptions"


@dataclass(frozen=True)
class Tolerance:
    """How close an answer must be.

    ``rel``: |x - ref| <= value * |ref| (value 0.01 = 1 %, the default);
    ``abs``: |x - ref| <= value (in the question's unit);
    ``sigfig``: the answer must round to the reference at ``value`` significant figures;
    the grader also counts the digits the student typed.
    """

    mode: ToleranceMode = "rel"
    value: float = 0.01

    def half_width(self, reference: float) -> float:
        """Half-width of the accepted interval around ``reference`` (question unit)."""
        if self.mode == "rel":
            return abs(reference) * self.value
        if self.mode == "abs":
            return self.value
        digits = int(self.value)
        if reference == 0:
            return 0.5 * 10.0 ** (-digits)
        exponent = math.floor(math.log10(abs(reference))) - digits + 1
        return 0.5 * 10.0**exponent

    def interval(self, reference: float) -> tuple[float, float]:
        """Accepted interval [low, high] around ``reference``."""
        centre = round_sig(reference, int(self.value)) if self.mode == "sigfig" else reference
        w = self.half_width(reference)
        return centre - w, centre + w

    def describe(self, unit: str | None = None) -> str:
        """What is accepted, as the sheet, the answer file and the feedback say it:
        ``"±1 %"``, ``"±0.5 mV"``, ``"3 significant figures"``."""
        if self.mode == "rel":
            return f"±{self.value * 100:g} %"
        if self.mode == "abs":
            return f"±{self.value:g} {unit}" if unit else f"±{self.value:g}"
        return f"{int(self.value)} significant figures"

    def accepts(self, unit: str | None = None) -> str:
        """The precision a question states: ``"within ±1 %"``, ``"within ±0.5 mV"``,
        ``"to 3 significant figures"`` (``unit`` as it should be shown)."""
        return f"to {self.describe()}" if self.mode == "sigfig" else f"within {self.describe(unit)}"

    @classmethod
    def parse(cls, spec: Any, *, where: str = "") -> "Tolerance":
        """Build a tolerance from an assignment entry such as ``{rel = 0.02}``,
        ``{abs = 0.5}`` or ``{sigfig = 3}``."""
        from .errors import AssignmentError

        if isinstance(spec, Tolerance):
            return spec
        if not isinstance(spec, Mapping) or len(spec) != 1:
            raise AssignmentError(
                "expected a tolerance such as {rel = 0.01}, {abs = 0.5} or {sigfig = 3}",
                place=where,
            )
        (mode, value), = spec.items()
        if mode not in ("rel", "abs", "sigfig") or isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
            raise AssignmentError(
                f"expected rel, abs or sigfig with a positive number, got {mode} = {value!r}",
                place=where,
            )
        if mode == "rel" and value >= 1:
            # ±100 % or more accepts 0 and any sign: a percentage typed where a fraction belongs.
            raise AssignmentError(
                f"rel is a fraction below 1 (rel = 0.02 is ±2 %), got rel = {value!r}", place=where)
        if mode == "sigfig" and (value != int(value) or not 1 <= value <= 15):
            raise AssignmentError(
                f"sigfig is a whole number of significant figures from 1 to 15, got sigfig = {value!r}",
                place=where)
        return cls(mode, float(value))


def round_sig(x: float, digits: int) -> float:
    """``x`` rounded to ``digits`` significant figures."""
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, digits - 1 - math.floor(math.log10(abs(x))))


@dataclass(frozen=True)
class Misconception:
    """A typical wrong model and the answer it produces for this variant.

    Args:
        id: stable identifier, e.g. ``"log10-instead-of-ln"`` (reports count these).
        feedback: one sentence that names the misconception for the student.
        value: the answer that this wrong model gives, in the question's unit
            (for numeric questions; ``None`` for choice options).
    """

    id: str
    feedback: str
    value: float | None = None


@dataclass(frozen=True)
class Option:
    """One option of a choice question.

    Args:
        id: stable option id within the question (``"inward"``); students see a letter.
        text: what the student reads (may contain inline HTML from ``math()``).
        correct: whether this option is the right one.
        misconception: for a wrong option, why a student might pick it.
    """

    id: str
    text: str
    correct: bool = False
    misconception: Misconception | None = None


@dataclass(frozen=True)
class FollowOn:
    """Error carried forward: how this question's answer follows from earlier ones.

    Args:
        depends_on: question keys (within the same problem) the answer builds on.
        compute: maps the student's own answers to those keys (a number in the question's
            unit for a numeric question, the option id for a choice question) to the answer
            they imply for this question: a number in its unit for a numeric question, an
            option id for a choice question (``None``: no answer follows).
    """

    depends_on: tuple[str, ...]
    compute: Callable[[Mapping[str, Any]], Any]

    @classmethod
    def comparison(cls, first: str, second: str, *, higher: str, lower: str, same: str | None = None,
                   within: float = 0.0) -> "FollowOn":
        """A choice that compares two earlier numbers: the option ``higher`` when the answer to
        ``second`` exceeds the answer to ``first`` by more than ``within`` (relative), ``lower``
        when it falls short by more, else ``same`` (``None`` when there is no such option)."""

        def compute(answers: Mapping[str, Any]) -> str | None:
            a, b = answers[first], answers[second]
            if abs(b - a) <= within * abs(a):
                return same
            return higher if b > a else lower

        return cls((first, second), compute)


@dataclass(frozen=True)
class NumericQuestion:
    """A question answered with a number in ``unit``.

    Args:
        key: id within the problem (``"a"``); the assignment prefixes ``p1.``.
        prompt: the question as the student reads it (short; HTML allowed).
        answer: the reference value in ``unit``.
        unit: the unit the answer file asks for (``"mV"``, ``"uA/cm^2"``, ``None`` = pure number).
        tolerance: accepted deviation.
        weight: share of the problem's points (relative to the other questions).
        misconceptions: typical wrong answers with feedback.
        follow_on: error-carried-forward rule, if this answer builds on earlier ones.
        trace: True when the student may submit a simulated V(t) trace for it.
        digits: decimals shown in worked solutions.
    """

    key: str
    prompt: str
    answer: float
    unit: str | None
    tolerance: Tolerance = field(default_factory=Tolerance)
    weight: float = 1.0
    misconceptions: tuple[Misconception, ...] = ()
    follow_on: FollowOn | None = None
    trace_feature: str | None = None
    digits: int = 2

    type = "numeric"


@dataclass(frozen=True)
class ChoiceQuestion:
    """A question answered with one option label.

    Options are shuffled per student unless ``shuffle`` is False (for options with a natural
    order, such as labelled points A to E of a figure). ``follow_on`` names the option that
    the student's earlier answers imply (a current's sign implies inward or outward): that
    option earns carried credit when those answers were wrong.
    """

    key: str
    prompt: str
    options: tuple[Option, ...]
    weight: float = 1.0
    shuffle: bool = True
    follow_on: FollowOn | None = None

    type = "choice"

    def __post_init__(self) -> None:
        if sum(o.correct for o in self.options) != 1:
            raise ValueError(f"choice question {self.key!r} needs exactly one correct option")
        if len({o.id for o in self.options}) != len(self.options):
            raise ValueError(f"choice question {self.key!r} has duplicate option ids")

    @property
    def correct_option(self) -> Option:
        return next(o for o in self.options if o.correct)


Question = NumericQuestion | ChoiceQuestion


MISCONCEPTION_SEPARATION = 2.0


def distinct_misconceptions(answer: float, tolerance: Tolerance, wrong: list[Misconception], *,
                            separation: float = MISCONCEPTION_SEPARATION) -> tuple[Misconception, ...]:
    """The misconceptions the grader can tell apart from the answer: each kept value lies more than
    ``separation`` tolerance half-widths from the reference. Two wrong models that give the same
    value (within ``separation`` half-widths of one kept before) are reported together: one
    misconception, ids joined by ``+`` in the order listed, whose feedback names both (the grader
    cannot tell which slip a student made, so it names both rather than guess). Non-finite values
    are dropped."""
    kept: list[Misconception] = []
    for m in wrong:
        if m.value is None or not math.isfinite(m.value):
            continue
        if abs(m.value - answer) <= separation * tolerance.half_width(answer):
            continue
        close = _first_close(m.value, kept, tolerance, separation)
        if close is None:
            kept.append(m)
        else:
            kept[close] = _together(kept[close], m)
    return tuple(kept)


def _first_close(value: float, kept: list[Misconception], tolerance: Tolerance, separation: float) -> int | None:
    """Index of the first kept misconception within ``separation`` tolerance half-widths of ``value``."""
    for i, k in enumerate(kept):
        if abs(value - k.value) <= separation * tolerance.half_width(k.value):
            return i
    return None


def _together(first: Misconception, other: Misconception) -> Misconception:
    """One misconception for two wrong models with the same value (the first one's value)."""
    if other.id in first.id.split("+"):
        return first
    return Misconception(f"{first.id}+{other.id}", f"{first.feedback} Or: {other.feedback}", first.value)


def misconception_overlaps(questions: list, *, minimum: int = 1) -> list[str]:
    """Reasons a variant's numeric questions are degenerate: a misconception's value inside the
    accepted interval, or fewer than ``minimum`` misconceptions left."""
    problems = []
    for q in questions:
        if isinstance(q, NumericQuestion):
            for m in q.misconceptions:
                if m.value is not None and abs(m.value - q.answer) <= q.tolerance.half_width(q.answer):
                    problems.append(f"{q.key}: misconception {m.id} indistinguishable from the reference")
            if len(q.misconceptions) < minimum:
                problems.append(f"{q.key}: fewer than {minimum} misconception(s) left")
    return problems
