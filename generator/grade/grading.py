"""Grading answer files against each student's recomputed variant.

The grader never needs a key file: it recomputes every variant from the assignment and
the course secret. One bad file becomes an error entry; the batch goes on.
"""
from __future__ import annotations

import gc
import math
import os
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from .answer_file import AnswerFile, read_answer_file
from .question_ids import resolve_question_ids, shown_id
from ..variants.assemble import PlacedQuestion, StudentSet, assemble
from ..variants.assignment import Assignment
from ..errors import AnswerFileError, SpikesetError
from ..formatting import plain_feedback, points_number, points_text
from ..model import DEFAULT_FEEDBACK, NumericQuestion
from ..variants.roster import STUDENT_ID, Student
from ..variants.seeding import variant_fingerprint
from ..safe_text import safe_name, safe_text
from ..sharding import Shard
from .units import (AnswerValueError, check_decimal_token, question_unit, significant_figures, to_unit,
                    typed_number, unit_note)

STATUSES = ("correct", "incorrect", "missing", "invalid")
DEFAULT_SIGFIG_SHARE = 0.5
#: The fields of a question's JSON that say why it earned its points, left out at ``correctness``.
CORRECTNESS_HIDDEN = ("misconception", "ecf", "sigfig")


@dataclass(frozen=True)
class QuestionResult:
    """How one answer scored. ``given`` is what the student wrote; ``reference`` is revealed only on request."""

    id: str
    points: float
    max_points: float
    status: str
    feedback: str
    misconception: str | None = None
    ecf: bool = False
    given: Any = None
    reference: Any = None
    unit: str | None = None
    type: str = "numeric"
    line: int | None = None
    sigfig: str | None = None
    trace: str | None = None

    @property
    def fraction(self) -> float:
        return self.points / self.max_points if self.max_points else 0.0

    def to_dict(self, *, reveal: bool = False, feedback: str = "full") -> dict:
        """The result as the JSON report holds it. At the ``feedback`` level ``correctness`` only
        what says right or wrong and the points: no ``misconception``, ``ecf`` or ``sigfig``
        field (why an answer earned what it did)."""
        d = {"id": self.id, "points": round(self.points, 6), "max_points": round(self.max_points, 6),
             "status": self.status, "feedback": self.feedback,
             "misconception": self.misconception, "ecf": self.ecf,
             "type": self.type, "given": json_safe(self.given), "line": self.line,
             "sigfig": self.sigfig, "trace": self.trace}
        if feedback == "correctness" and not reveal:
            for key in CORRECTNESS_HIDDEN:
                del d[key]
        if reveal:
            d["answer"] = json_safe(self.reference)
            d["unit"] = self.unit
        return d


def json_safe(value: Any) -> Any:
    """A student's value as JSON can hold it (no NaN, no dates, no huge strings, control and
    bidi characters escaped)."""
    if value is None or isinstance(value, (bool, int)) and abs(value) < 2**53:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    return safe_text(value if isinstance(value, str) else repr(value), 200)


@dataclass(frozen=True)
class SubmissionResult:
    """One graded answer file. ``prepared_json`` is ((reveal, feedback level), text) when the JSON of this result
    was encoded where it was graded (see :mod:`spikeset.grade.report_json`)."""

    file: str
    student: str
    variant: str
    questions: tuple[QuestionResult, ...]
    warnings: tuple[str, ...] = ()
    name: str = ""
    section: str = ""
    prepared_json: tuple[tuple[bool, str], str] | None = field(default=None, compare=False, repr=False)

    @property
    def score(self) -> float:
        return round(sum(q.points for q in self.questions), 6)

    @property
    def max_score(self) -> float:
        return round(sum(q.max_points for q in self.questions), 6)

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0

    def to_dict(self, *, reveal: bool = False, feedback: str = "full") -> dict:
        return {"file": self.file, "student": self.student, "score": self.score, "max_score": self.max_score,
                "percent": round(self.percent, 4), "name": self.name, "section": self.section,
                "variant": self.variant,
                "questions": [q.to_dict(reveal=reveal, feedback=feedback) for q in self.questions],
                "warnings": list(self.warnings)}


@dataclass(frozen=True)
class GradeError:
    """A file that was not graded: its name as shown (escaped), why, and where (a line or a key).

    ``internal`` marks a bug of spikeset met while grading this file (exit status 3), as opposed
    to a file that cannot be graded (exit status 1)."""

    file: str
    message: str
    place: str | None = None
    internal: bool = False

    def to_dict(self) -> dict:
        d = {"file": self.file, "message": self.message, "place": self.place}
        if self.internal:
            d["internal"] = True
        return d


@dataclass(frozen=True)
class ShardPositions:
    """Where a shard's results stand in one run's order (see :mod:`spikeset.sharding`):
    the position of each submission's and each error's answer file (-1: a path that named no
    file, reported by shard 1 only)."""

    index: int
    count: int
    submissions: tuple[int, ...]
    errors: tuple[int, ...]

    def to_dict(self) -> dict:
        return {"index": self.index, "count": self.count, "submissions": list(self.submissions),
                "errors": list(self.errors)}


@dataclass(frozen=True)
class GradeReport:
    assignment: Assignment
    submissions: tuple[SubmissionResult, ...]
    errors: tuple[GradeError, ...] = ()
    shard: ShardPositions | None = None

    @property
    def json_feedback(self) -> str:
        """The feedback level the JSON report is written at: the assignment's, ``full`` when revealed."""
        return self.assignment.feedback

    def to_dict(self, *, reveal: bool = False) -> dict:
        """The JSON report. At ``correctness`` it says so (``"feedback": "correctness"``, before
        the submissions) and its results lack the fields :data:`CORRECTNESS_HIDDEN`."""
        level = "full" if reveal else self.json_feedback
        d = {"assignment": self.assignment.id, "title": self.assignment.title,
             "max_score": self.assignment.total_points}
        if level == "correctness":
            d["feedback"] = level
        d["submissions"] = [s.to_dict(reveal=reveal, feedback=level) for s in self.submissions]
        d["errors"] = [e.to_dict() for e in self.errors]
        if self.shard is not None:
            d["shard"] = self.shard.to_dict()
        return d


# ---------------------------------------------------------------- one question

def _close(x: float, ref: float, tolerance) -> bool:
    low, high = tolerance.interval(ref)
    return min(low, high) - 1e-12 * max(1.0, abs(ref)) <= x <= max(low, high) + 1e-12 * max(1.0, abs(ref))


def grade_numeric(pq: PlacedQuestion, value: Any, earlier: Mapping[str, Any], ecf_share: float,
                  *, place: str = "", raw: str | None = None,
                  sigfig_share: float = DEFAULT_SIGFIG_SHARE,
                  feedback: str = DEFAULT_FEEDBACK) -> tuple[QuestionResult, float | None]:
    """Score a numeric answer; also return the student's value (question unit) for later parts.

    ``raw`` is the answer as typed in the file (the TOML token), used to count significant figures.
    ``feedback`` is the level (:data:`spikeset.model.FEEDBACK_LEVELS`): a wrong answer names the
    misconception it matches from ``misconceptions`` on, and the direction and size of the error
    only at ``full``.

    Order: right; a misconception of this very question (its wrong model is wrong here too,
    even when it follows from an earlier answer: a sign error repeated is not "the method is
    right"); carried credit; wrong.
    """
    q: NumericQuestion = pq.question  # type: ignore[assignment]
    base = dict(id=pq.id, max_points=pq.points, given=value, reference=q.answer, unit=q.unit, type="numeric",
                line=int(place) if place.isdigit() else None)
    try:
        if isinstance(value, int):
            check_decimal_token(raw)
        x = to_unit(value, question_unit(q.unit, q.prompt))
    except AnswerValueError as exc:
        where = f" (line {place})" if place else ""
        hint = f"; expected a number in {q.unit}" if q.unit else "; expected a number"
        message = str(exc) + ("" if exc.kind == "unit" else hint) + where
        return QuestionResult(points=0.0, status="invalid", feedback=message, **base), None
    miss = f"Not within the accepted tolerance ({q.tolerance.describe(q.unit)})"
    if q.tolerance.mode == "sigfig":
        result = _grade_sigfig(pq, x, typed_number(value, raw), sigfig_share, base)
        if result is not None:
            return _points_only(result, miss + ".") if feedback == "correctness" else result, x
    elif _close(x, q.answer, q.tolerance):
        return QuestionResult(points=pq.points, status="correct", feedback="Correct.", **base), x
    for wrong in q.misconceptions:
        if wrong.value is not None and math.isfinite(wrong.value) and _close(x, wrong.value, q.tolerance):
            if feedback == "correctness":
                return QuestionResult(points=0.0, status="incorrect", feedback=miss + ".", **base), x
            return QuestionResult(points=0.0, status="incorrect", feedback=plain_feedback(wrong.feedback),
                                  misconception=wrong.id, **base), x
    implied = _implied(q.follow_on, earlier)
    if (isinstance(implied, (int, float)) and not isinstance(implied, bool) and math.isfinite(implied)
            and not _close(0.0, implied, q.tolerance) and _close(x, implied, q.tolerance)):
        carried = _carried(pq, ecf_share, base)
        return _points_only(carried, miss + ".") if feedback == "correctness" else carried, x
    detail = ""
    if feedback == "full":
        off = (x - q.answer) / abs(q.answer) * 100 if q.answer else math.nan
        hint = "too high" if x > q.answer else "too low"
        detail = f" ({abs(off):.0f} % {hint})" if math.isfinite(off) and abs(off) < 1000 else f" ({hint})"
    return QuestionResult(points=0.0, status="incorrect", feedback=f"{miss}{detail}.", **base), x




def _implied(follow_on, earlier: Mapping[str, Any]) -> Any:
    """What the student's earlier answers imply for this question; None when it cannot be said
    (a part it builds on is blank, invalid, zero or not finite: see :func:`carries`)."""
    if follow_on is None or not all(k in earlier for k in follow_on.depends_on):
        return None
    try:
        return follow_on.compute({k: earlier[k] for k in follow_on.depends_on})
    except (ArithmeticError, ValueError, TypeError, KeyError):
        return None


def carries(value: Any) -> bool:
    """Whether an earlier answer can carry credit forward: a finite, non-zero number or a chosen
    option. A blank, invalid, zero or non-finite answer carries nothing (an all-zero file earns 0)."""
    if isinstance(value, str):
        return True
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value != 0


def _carried(pq: PlacedQuestion, ecf_share: float, base: dict) -> QuestionResult:
    parts = ", ".join(f"{pq.id.rsplit('.', 1)[0]}.{k}" for k in pq.question.follow_on.depends_on)
    return QuestionResult(
        points=round(pq.points * ecf_share, 6), status="correct", ecf=True,
        feedback=f"Consistent with your answer to {parts} (error carried forward): "
                 f"the method is right; the error is in the earlier part."
                 + ("" if ecf_share >= 1 else f" {ecf_share:.0%} of the points."), **base)


def _points_only(result: QuestionResult, miss: str) -> QuestionResult:
    """A carried-credit or significant-figure result as the ``correctness`` level shows it:
    right or wrong and the points, without the note that says why (the fields ``ecf`` and
    ``sigfig`` stay, for the instructor's class report). No credit reads as any other miss."""
    if result.points >= result.max_points > 0:
        text = "Correct."
    elif result.points > 0:
        text = f"Partly correct: {points_number(result.points)} of {points_text(result.max_points)}."
    else:
        text = miss
    return replace(result, feedback=text)


def _grade_sigfig(pq: PlacedQuestion, x: float, typed: str | None, share: float,
                  base: dict) -> QuestionResult | None:
    """Right value at the asked precision, and the digits typed counted; None when the value is wrong."""
    q: NumericQuestion = pq.question  # type: ignore[assignment]
    asked = int(q.tolerance.value)
    fewest, most = significant_figures(typed) if typed else (asked, asked)
    shown = f"{fewest}" if fewest == most else f"{fewest} to {most}"
    if _close(x, q.answer, q.tolerance):
        if fewest <= asked <= most:
            return QuestionResult(points=pq.points, status="correct", feedback="Correct.", sigfig="ok", **base)
        if fewest > asked:
            return QuestionResult(
                points=round(pq.points * share, 6), status="incorrect", sigfig="too-many",
                feedback=f"Right value, but with {shown} significant figures; {asked} were asked "
                         f"({share:.0%} of the points).", **base)
    # "1200" may have 2 to 4 figures: it earns the share when one reading below those asked fits
    fits = [n for n in range(fewest, min(most, asked - 1) + 1) if _rounds_to(x, q.answer, n)]
    if fits:
        return QuestionResult(
            points=round(pq.points * share, 6), status="incorrect", sigfig="too-few",
            feedback=f"Right value, but with only {fits[0]} significant figures; {asked} were asked "
                     f"({share:.0%} of the points).", **base)
    return None


def _rounds_to(x: float, reference: float, figures: int) -> bool:
    """Whether ``x``, read as a number of ``figures`` significant figures, is ``reference`` rounded
    so: within half a unit of ``x``'s own last figure ("1" and "1.2" for 1.17, not "0.5", though
    0.5 lies within half a unit of the reference's first figure)."""
    if x == 0 or not math.isfinite(x):
        return False
    last = 10.0 ** (math.floor(math.log10(abs(x))) - figures + 1)
    return abs(x - reference) <= 0.5 * last * (1 + 1e-9)


def grade_choice(pq: PlacedQuestion, value: Any, *, place: str = "", earlier: Mapping[str, Any] | None = None,
                 ecf_share: float = 1.0, feedback: str = DEFAULT_FEEDBACK) -> QuestionResult:
    """Score a choice; an option that the student's own earlier (wrong) answers imply earns the
    carried credit a number would."""
    labels = [lab for lab, _ in pq.labelled]
    base = dict(id=pq.id, max_points=pq.points, given=value, reference=pq.correct_label, unit=None, type="choice",
                line=int(place) if place.isdigit() else None)
    if not isinstance(value, str):
        return QuestionResult(points=0.0, status="invalid", feedback=(
            f"expected the letter of an option ({', '.join(labels)}), got {_short(value)}"), **base)
    option = chosen_option(pq, value)
    if option is None:
        return QuestionResult(points=0.0, status="invalid", feedback=(
            f"expected one of the letters {', '.join(labels)}, got {shown_id(value)}"), **base)
    if option.correct:
        return QuestionResult(points=pq.points, status="correct", feedback="Correct.", **base)
    if _implied(getattr(pq.question, "follow_on", None), earlier or {}) == option.id:
        carried = _carried(pq, ecf_share, base)
        return _points_only(carried, "Not the right option.") if feedback == "correctness" else carried
    m = option.misconception
    if m is None or feedback == "correctness":
        return QuestionResult(points=0.0, status="incorrect", feedback="Not the right option.", **base)
    return QuestionResult(points=0.0, status="incorrect", feedback=plain_feedback(m.feedback), misconception=m.id,
                          **base)


def chosen_option(pq: PlacedQuestion, value: str):
    """The option a label such as ``"b"``, ``"(b)"``, ``"b."``, ``" B "`` or a fullwidth ``"ｂ"``
    names; None when none."""
    return pq.option_for(unicodedata.normalize("NFKC", value).strip().strip("()").strip().rstrip(").").lower())


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------- one file

#: Unknown keys of one file named in its warnings; the rest are counted in one line.
MAX_UNKNOWN_KEYS_NAMED = 20


def grade_submission(student_set: StudentSet, answers: AnswerFile, *,
                     sigfig_share: float | None = None, feedback: str | None = None) -> SubmissionResult:
    """Score every question of one student's set from a parsed answer file.

    ``sigfig_share`` (the credit for a right value with the wrong number of significant
    figures) and ``feedback`` (the level of detail, :data:`spikeset.model.FEEDBACK_LEVELS`)
    default to the assignment's."""
    ecf_share = student_set.assignment.ecf_share
    if feedback is None:
        feedback = student_set.assignment.feedback
    if sigfig_share is None:
        sigfig_share = student_set.assignment.sigfig_share
    results: list[QuestionResult] = []
    warnings: list[str] = []
    known = student_set.questions
    answers = resolve_question_ids(answers, known)
    unknown = [qid for qid in answers.answers if qid not in known]
    unknown += [qid for qid in answers.refused if qid not in known]
    for qid in unknown[:MAX_UNKNOWN_KEYS_NAMED]:
        if qid in answers.refused:
            line, why = answers.refused[qid]
            warnings.append(f"{answers.path}:{line or '[answers]'}: unknown question id {shown_id(qid)}: {why}")
        else:
            warnings.append(f"{answers.path}:{answers.place(qid)}: unknown question id {shown_id(qid)}; "
                            f"expected one of {', '.join(known)}")
    if len(unknown) > MAX_UNKNOWN_KEYS_NAMED:
        warnings.append(f"{answers.path}: and {len(unknown) - MAX_UNKNOWN_KEYS_NAMED} more unknown question ids "
                        f"(not shown)")
    warnings.extend(answers.notes)
    traces_seen: dict[Path, Any] = {}  # a trace file several questions name is read once
    for qid in answers.traces:
        if qid not in known or not getattr(known[qid].question, "trace_feature", None):
            warnings.append(f"{answers.path}:{answers.trace_lines.get(qid, '[traces]')}: "
                            f"question {_short(qid)} takes no trace; ignored")
    for problem in student_set.problems:
        earlier: dict[str, Any] = {}  # answers that can carry credit forward (see carries())
        for pq in problem.questions:
            value = answers.answers.get(pq.id)
            line = answers.line_of(pq.id)
            place = str(line or "")
            trace_ref = answers.traces.get(pq.id) if pq.type == "numeric" and pq.question.trace_feature else None
            if pq.id in answers.refused:
                line, why = answers.refused[pq.id]
                results.append(QuestionResult(id=pq.id, points=0.0, max_points=pq.points, status="invalid",
                                              feedback=why, unit=pq.unit, reference=pq.reference,
                                              type=pq.type, line=line))
                continue
            if _is_blank(value) and trace_ref is None:
                results.append(QuestionResult(id=pq.id, points=0.0, max_points=pq.points, status="missing",
                                              feedback="No answer.", unit=pq.unit, reference=pq.reference,
                                              type=pq.type, line=line))
                continue
            if pq.type == "numeric":
                if _is_blank(value):
                    result, x = _grade_trace_only(pq, answers, trace_ref, traces_seen), None
                else:
                    result, x = grade_numeric(pq, value, earlier, ecf_share, place=place,
                                              raw=answers.raw.get(pq.id), sigfig_share=sigfig_share,
                                              feedback=feedback)
                    note = unit_note(value, pq.unit) if result.status == "incorrect" else None
                    if note:
                        result = replace(result, feedback=f"{result.feedback} ({note})")
                    if trace_ref is not None:
                        result = _check_trace_too(pq, answers, trace_ref, result, traces_seen)
                if carries(x):
                    earlier[pq.key] = x
            else:
                result = grade_choice(pq, value, place=place, earlier=earlier, ecf_share=ecf_share,
                                      feedback=feedback)
                chosen = chosen_option(pq, value) if isinstance(value, str) else None
                if chosen is not None:
                    earlier[pq.key] = chosen.id
            results.append(result)
    return SubmissionResult(file=answers.path, student=answers.student, variant=answers.variant,
                            questions=tuple(results), warnings=tuple(warnings),
                            name=student_set.student.name, section=student_set.student.section)


def _measure_trace(pq: PlacedQuestion, answers: AnswerFile, trace_ref: Any,
                   seen: dict[Path, Any] | None = None) -> tuple[float, str]:
    from .traces import trace_feature

    folder = Path(answers.source_path or answers.path).parent
    return trace_feature(folder, trace_ref, pq.question.trace_feature, answer_file=answers.path,
                         line=answers.trace_lines.get(pq.id), seen=seen)


def _grade_trace_only(pq: PlacedQuestion, answers: AnswerFile, trace_ref: Any,
                      seen: dict[Path, Any] | None = None) -> QuestionResult:
    """No number given: the feature measured on the student's own trace is the answer."""
    q: NumericQuestion = pq.question  # type: ignore[assignment]
    base = dict(id=pq.id, max_points=pq.points, reference=q.answer, unit=q.unit, type="numeric",
                line=answers.trace_lines.get(pq.id))
    name = _feature_name(q.trace_feature)
    try:
        x, shown = _measure_trace(pq, answers, trace_ref, seen)
    except AnswerFileError as exc:
        return QuestionResult(points=0.0, status="invalid", given=json_safe(trace_ref),
                              feedback=f"No number, and the trace cannot be used: {exc}", trace="invalid", **base)
    value = f"{x:.4g} {q.unit or ''}".strip()
    if _close(x, q.answer, q.tolerance):
        return QuestionResult(points=pq.points, status="correct", given=x, trace="correct",
                              feedback=f"Graded from your trace {shown}: its {name} ({value}) is right.", **base)
    return QuestionResult(points=0.0, status="incorrect", given=x, trace="incorrect",
                          feedback=f"Graded from your trace {shown}: its {name} ({value}) is not within "
                                   f"the accepted tolerance ({q.tolerance.describe(q.unit)}).", **base)


def _check_trace_too(pq: PlacedQuestion, answers: AnswerFile, trace_ref: Any,
                     result: QuestionResult, seen: dict[Path, Any] | None = None) -> QuestionResult:
    """A number was given and a trace attached: say when the trace is right but the number is not."""
    q: NumericQuestion = pq.question  # type: ignore[assignment]
    name = _feature_name(q.trace_feature)
    try:
        x, shown = _measure_trace(pq, answers, trace_ref, seen)
    except AnswerFileError as exc:
        return replace(result, trace="invalid", feedback=f"{result.feedback} (Your trace was not used: {exc}.)")
    if not _close(x, q.answer, q.tolerance):
        return replace(result, trace="incorrect")
    if result.status == "correct":
        return replace(result, trace="correct")
    return replace(result, trace="correct", feedback=(
        f"{result.feedback} Your trace {shown} is right, though: its {name} is "
        f"{x:.4g} {q.unit or ''}; check how you read the number off it.").replace("  ", " "))


def _feature_name(field: str) -> str:
    from .traces import feature_name
    return feature_name(field)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# ---------------------------------------------------------------- a batch

def find_answer_files(submissions: Iterable[str | Path]) -> tuple[list[Path], list[GradeError]]:
    """Answer files named directly, or found below folders (``*.toml`` files whose name contains "answer").

    Below a folder named, symbolic links to folders are not followed; a folder that cannot be
    listed is reported."""
    files: list[Path] = []
    errors: list[GradeError] = []
    for item in submissions:
        path = Path(item)
        shown = safe_name(path)
        try:
            if path.is_dir():
                misnamed: list[Path] = []
                found = sorted(_walk_answer_files(path, misnamed))
                errors.extend(_misnamed_error(p) for p in sorted(misnamed))
                if not found and not misnamed:
                    errors.append(GradeError(shown, f"{shown}: no answer files (*answer*.toml) found in this folder"))
                files.extend(found)
            elif path.exists() or path.is_symlink():
                files.append(path)
            else:
                errors.append(GradeError(shown, f"{shown}: no such file or folder"))
        except (OSError, RecursionError, ValueError) as exc:
            errors.append(GradeError(shown, f"{shown}: cannot list this folder ({exc.__class__.__name__})"))
    return _once_each(files), errors


def _once_each(files: list[Path]) -> list[Path]:
    """``files`` without a file named again (``subs/`` and ``subs/s001/answers.toml``), first kept.
    A link to a file is another name (refused when read), so only the folders are resolved."""
    seen: set[str] = set()
    kept = []
    for path in files:
        try:
            real = os.path.join(os.path.realpath(path.parent), path.name)
        except (OSError, ValueError):
            real = os.fspath(path)
        if real not in seen:
            seen.add(real)
            kept.append(path)
    return kept


#: A name that was meant for an answer file ("answers.toml.txt" from Notepad, "answers.txt",
#: an editor's "answers.toml~"): reported when its folder holds no answer file.
_MISNAMED = re.compile(r"answer.*\.(?:toml.+|txt|tml)\Z", re.IGNORECASE | re.DOTALL)


def _walk_answer_files(folder: Path, misnamed: list[Path] | None = None) -> Iterator[Path]:
    """The answer files below ``folder`` (``*answer*.toml``, in any case); files (and folders)
    whose names were meant for one, in folders with no answer file beside, above or below
    them, are added to ``misnamed``."""
    near: list[Path] = []
    found: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        near += [Path(root) / d for d in dirs if d.lower().endswith(".toml") and "answer" in d.lower()]
        for name in names:
            if name.lower().endswith(".toml") and "answer" in name.lower():
                found.append(Path(root))
                yield Path(root) / name
            elif _MISNAMED.search(name):
                near.append(Path(root) / name)
    if misnamed is not None:  # a misnamed copy beside, above or below an answer file is no loss
        misnamed.extend(p for p in near if not any(p.parent.is_relative_to(f) or f.is_relative_to(p.parent)
                                                   for f in found))


def _misnamed_error(path: Path) -> GradeError:
    shown = safe_name(path)
    if path.is_dir():
        return GradeError(shown, f"{shown}: is a folder; expected an answer file (a regular file)")
    m = re.search(r"\.toml(.+)\Z", path.name, re.IGNORECASE | re.DOTALL)
    ending = safe_text(m.group(1) if m else path.suffix, 20)
    return GradeError(shown, f"{shown}: not read: its name ends in {ending}, an answer file's in .toml; "
                             f"rename it answers.toml")


#: Below this many answer files per worker process, a batch is graded in one process.
MIN_FILES_PER_JOB = 40


def grade(*, assignment: Assignment, submissions: Sequence[str | Path], secret: bytes | None,
          roster: Sequence[Student] | None = None,
          sigfig_share: float | None = None, jobs: int | None = None,
          prepare_json: bool | None = None, shard: Shard | None = None) -> GradeReport:
    """Grade answer files (or folders of them); every variant is recomputed, batched per problem.

    ``jobs``: worker processes for a large batch (default: one per core, at least
    ``MIN_FILES_PER_JOB`` files each; 1 grades everything in this process). The report is the
    same whatever the number of jobs. ``prepare_json``: also encode each result's JSON (with
    ``reveal=prepare_json``) where it is graded, for :func:`spikeset.grade.report_json.json_text`.
    ``shard``: grade only this shard's files and record where its results stand in one run's
    order, for ``spikeset merge`` (which also adds the warnings about students who submitted twice).
    """
    files, errors = find_answer_files(submissions)
    positions = list(range(len(files)))
    if shard is not None:
        positions = shard.positions(len(files))
        files = [files[i] for i in positions]
        errors = errors if shard.first else []
    error_positions = [-1] * len(errors)
    if jobs is None:
        from ..parallel import usable_cores
        jobs = min(usable_cores(), len(files) // MIN_FILES_PER_JOB)
    outcomes = None
    with _rare_garbage_collection():
        if jobs > 1 and len(files) > 1:
            from ..parallel import deal, map_forked, undeal
            hands = deal(files, jobs)
            parts = map_forked(lambda hand: _grade_files(hand, assignment, secret, roster, sigfig_share,
                                                         prepare_json), hands)
            if parts is not None:
                outcomes = undeal(parts)
        if outcomes is None:
            try:
                outcomes = _grade_files(files, assignment, secret, roster, sigfig_share, prepare_json)
            except Exception:  # a bug outside any one file: grade file by file, keep what can be graded
                outcomes = [_grade_alone(path, assignment, secret, roster, sigfig_share, prepare_json)
                            for path in files]
    results = []
    result_positions = []
    for position, outcome in zip(positions, outcomes, strict=True):
        if isinstance(outcome, GradeError):
            errors.append(outcome)
            error_positions.append(position)
        else:
            results.append(outcome)
            result_positions.append(position)
    if shard is None:
        return GradeReport(assignment=assignment, submissions=tuple(mark_duplicates(results)), errors=tuple(errors))
    return GradeReport(assignment=assignment, submissions=tuple(results), errors=tuple(errors),
                       shard=ShardPositions(shard.index, shard.count, tuple(result_positions),
                                            tuple(error_positions)))


def mark_duplicates(results: Sequence[SubmissionResult]) -> list[SubmissionResult]:
    """Warn on every file after the first from the same student (in the batch's order)."""
    seen: dict[str, str] = {}
    out = []
    for result in results:
        if result.student in seen:
            result = _add_warning(result, duplicate_warning(result.file, result.student, seen[result.student]))
        seen.setdefault(result.student, result.file)
        out.append(result)
    return out


def duplicate_warning(file: str, student: str, first_file: str) -> str:
    return f"{file}: student {student!r} also submitted {first_file}"


@contextmanager
def _rare_garbage_collection() -> Iterator[None]:
    """Grading allocates many small objects that live to the end and form no cycles; the
    collector's default rhythm rescans them over and over (a tenth of a batch's time)."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], 100_000), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


#: Exceptions a student's file can cause in the reader or the grader (not a bug of spikeset):
#: the file is "not graded" and the exit status is 1.
FILE_FAULTS = (ValueError, ArithmeticError, RecursionError, MemoryError, OSError, UnicodeError)


def _not_graded(path: str | Path, exc: BaseException, doing: str) -> GradeError:
    """A file's "not graded" entry for an exception that escaped the reader or the grader."""
    shown = safe_name(path)
    if isinstance(exc, SpikesetError):
        return GradeError(shown, str(exc), exc.place)
    if isinstance(exc, RecursionError):
        why = "nested too deeply to read"
    elif isinstance(exc, MemoryError):
        why = "too large to read in memory"
    else:
        why = f"{exc.__class__.__name__}: {safe_text(exc, 160)}"
    internal = not isinstance(exc, FILE_FAULTS if doing == "reading it" else (RecursionError, MemoryError))
    tail = "; this is a bug of spikeset, please report it" if internal else ""
    return GradeError(shown, f"{shown}: not graded: {why} while {doing}{tail}", internal=internal)


def _grade_files(files: Sequence[Path], assignment: Assignment, secret: bytes | None,
                 roster: Sequence[Student] | None,
                 sigfig_share: float | None,
                 prepare_json: bool | None = None) -> list[SubmissionResult | GradeError]:
    """One outcome per file, in the order of ``files``: its result, or why it was not graded.

    Whatever goes wrong with one file (any exception) becomes that file's :class:`GradeError`."""
    outcomes: list[SubmissionResult | GradeError | AnswerFile] = []
    for path in files:
        try:
            af = read_answer_file(path)
            _check_header(af, assignment, secret, roster)
            outcomes.append(af)
        except Exception as exc:
            outcomes.append(_not_graded(path, exc, "reading it"))
    roster_by_id = {s.id: s for s in roster or ()}
    student_ids = sorted({o.student for o in outcomes if isinstance(o, AnswerFile)})
    sets = _assemble_each(assignment, [roster_by_id.get(sid, Student(id=sid)) for sid in student_ids], secret)
    results: list[SubmissionResult | GradeError] = []
    for o in outcomes:
        if not isinstance(o, AnswerFile):
            results.append(o)
            continue
        try:
            sset = sets[o.student]
            if isinstance(sset, BaseException):
                raise sset
            result = grade_submission(sset, o, sigfig_share=sigfig_share)
            if prepare_json is not None:
                from .report_json import submission_json
                level = "full" if prepare_json else assignment.feedback
                result = replace(result, prepared_json=((prepare_json, level), submission_json(
                    result, reveal=prepare_json, feedback=level)))
            results.append(result)
        except Exception as exc:
            results.append(_not_graded(o.source_path or o.path, exc, "grading it"))
    return results


def _grade_alone(path: Path, assignment: Assignment, secret: bytes | None, roster: Sequence[Student] | None,
                 sigfig_share: float | None, prepare_json: bool | None) -> SubmissionResult | GradeError:
    try:
        return _grade_files([path], assignment, secret, roster, sigfig_share, prepare_json)[0]
    except Exception as exc:
        return replace(_not_graded(path, exc, "grading it"), internal=True)


def _assemble_each(assignment: Assignment, students: list[Student],
                   secret: bytes | None) -> dict[str, StudentSet | BaseException]:
    """Each student's set, batched; when the batch fails, student by student (the failure kept)."""
    if not students:
        return {}
    try:
        return {s.student.id: s for s in assemble(assignment, students, secret)}
    except Exception:
        pass
    sets: dict[str, StudentSet | BaseException] = {}
    for student in students:
        try:
            sets[student.id] = assemble(assignment, [student], secret)[0]
        except Exception as exc:
            sets[student.id] = exc
    return sets


def _add_warning(result: SubmissionResult, warning: str) -> SubmissionResult:
    return replace(result, warnings=result.warnings + (warning,), prepared_json=None)


def _check_header(af: AnswerFile, assignment: Assignment, secret: bytes | None,
                  roster: Sequence[Student] | None) -> None:
    if af.assignment != assignment.id:
        raise AnswerFileError(f"assignment is {_short(af.assignment)}; expected {assignment.id!r}",
                              file=af.path, place=str(af.lines.get("assignment", "assignment")))
    if not STUDENT_ID.match(af.student):
        raise AnswerFileError(f"student: expected a student id (letters, digits, . _ @ + -), got {_short(af.student)}",
                              file=af.path, place=str(af.lines.get("student", "student")))
    if roster is not None and af.student not in {s.id for s in roster}:
        raise AnswerFileError(f"student {af.student!r} is not on the roster", file=af.path,
                              place=str(af.lines.get("student", "student")))
    from ..variants.provenance import current_revisions, other_version, revision_mismatch

    expected = variant_fingerprint(secret, assignment.id, af.student)
    owner = None
    if af.variant != expected and roster is not None:
        # the fingerprint does not depend on the revision: a classmate's is a copy, whatever the file records
        owner = next((s.id for s in roster if variant_fingerprint(secret, assignment.id, s.id) == af.variant), None)
    why_revision = revision_mismatch(af.extra, current_revisions(tuple(s.family for s in assignment.problems)))
    if why_revision and owner is None:
        raise AnswerFileError(why_revision, file=af.path, place=str(af.lines.get("revisions", "revisions")))
    if af.variant != expected:
        made_with = other_version(af.extra)
        why = (f"it is the variant of student {owner!r}: an answer file copied from another student"
               if owner else
               f"this file was made with {made_with}; regrade with that version (and the same secret)"
               if made_with else
               "no course secret was given (SPIKESET_SECRET or --secret-file): if the sets were generated "
               "with one, grade with the same secret" if secret is None else
               "this answer file was not made for this student with this course secret (copied or edited, "
               "or generated with another secret?)")
        raise AnswerFileError(f"variant {_short(af.variant)} does not match student {af.student!r}: {why}",
                              file=af.path, place=str(af.lines.get("variant", "variant")))
