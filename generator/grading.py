"""Grading answer files against each student's recomputed variant.

The grader never needs a key file: it recomputes every variant from the assignment and
the course secret. One bad file becomes an error entry; the batch goes on.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from .answer_file import AnswerFile, read_answer_file
from .assemble import PlacedQuestion, StudentSet, assemble
from .assignment import Assignment
from .errors import AnswerFileError, SpikesetError
from .model import ChoiceQuestion, NumericQuestion
from .roster import STUDENT_ID, Student
from .seeding import variant_fingerprint
from .units import AnswerValueError, to_unit

STATUSES = ("correct", "incorrect", "missing", "invalid")


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

    def to_dict(self, *, reveal: bool = False) -> dict:
        d = {"id": self.id, "points": round(self.points, 6), "max_points": round(self.max_points, 6),
             "status": self.status, "feedback": self.feedback,
             "misconception": self.misconception, "ecf": self.ecf}
        if reveal:
            d["answer"] = self.reference
            d["unit"] = self.unit
        return d


@dataclass(frozen=True)
class SubmissionResult:
    file: str
    student: str
    variant: str
    questions: tuple[QuestionResult, ...]
    warnings: tuple[str, ...] = ()
    name: str = ""

    @property
    def score(self) -> float:
        return round(sum(q.points for q in self.questions), 6)

    @property
    def max_score(self) -> float:
        return round(sum(q.max_points for q in self.questions), 6)

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0

    def to_dict(self, *, reveal: bool = False) -> dict:
        return {"file": self.file, "student": self.student, "score": self.score, "max_score": self.max_score,
                "questions": [q.to_dict(reveal=reveal) for q in self.questions],
                "warnings": list(self.warnings)}


@dataclass(frozen=True)
class GradeError:
    file: str
    message: str

    def to_dict(self) -> dict:
        return {"file": self.file, "message": self.message}


@dataclass(frozen=True)
class GradeReport:
    assignment: Assignment
    submissions: tuple[SubmissionResult, ...]
    errors: tuple[GradeError, ...] = ()

    def to_dict(self, *, reveal: bool = False) -> dict:
        return {"assignment": self.assignment.id,
                "submissions": [s.to_dict(reveal=reveal) for s in self.submissions],
                "errors": [e.to_dict() for e in self.errors]}


# ---------------------------------------------------------------- one question

def _close(x: float, ref: float, tolerance) -> bool:
    low, high = tolerance.interval(ref)
    return min(low, high) - 1e-12 * max(1.0, abs(ref)) <= x <= max(low, high) + 1e-12 * max(1.0, abs(ref))


def grade_numeric(pq: PlacedQuestion, value: Any, earlier: Mapping[str, float], ecf_share: float,
                  *, place: str = "") -> tuple[QuestionResult, float | None]:
    """Score a numeric answer; also return the student's value (question unit) for later parts."""
    q: NumericQuestion = pq.question  # type: ignore[assignment]
    base = dict(id=pq.id, max_points=pq.points, given=value, reference=q.answer, unit=q.unit, type="numeric")
    try:
        x = to_unit(value, q.unit)
    except AnswerValueError as exc:
        where = f" (line {place})" if place else ""
        hint = f"; expected a number in {q.unit}" if q.unit else "; expected a number"
        message = str(exc) + ("" if exc.kind == "unit" else hint) + where
        return QuestionResult(points=0.0, status="invalid", feedback=message, **base), None
    if _close(x, q.answer, q.tolerance):
        return QuestionResult(points=pq.points, status="correct", feedback="Correct.", **base), x
    if q.follow_on and all(k in earlier for k in q.follow_on.depends_on):
        try:
            implied = q.follow_on.compute({k: earlier[k] for k in q.follow_on.depends_on})
        except (ArithmeticError, ValueError):
            implied = math.nan
        if math.isfinite(implied) and _close(x, implied, q.tolerance):
            parts = ", ".join(f"{pq.id.rsplit('.', 1)[0]}.{k}" for k in q.follow_on.depends_on)
            return QuestionResult(
                points=round(pq.points * ecf_share, 6), status="correct", ecf=True,
                feedback=f"Consistent with your answer to {parts} (error carried forward): "
                         f"the method is right; the error is in the earlier part.", **base), x
    for wrong in q.misconceptions:
        if wrong.value is not None and math.isfinite(wrong.value) and _close(x, wrong.value, q.tolerance):
            return QuestionResult(points=0.0, status="incorrect", feedback=wrong.feedback,
                                  misconception=wrong.id, **base), x
    off = (x - q.answer) / abs(q.answer) * 100 if q.answer else math.nan
    hint = "too high" if x > q.answer else "too low"
    detail = f" ({abs(off):.0f} % {hint})" if math.isfinite(off) and abs(off) < 1000 else ""
    return QuestionResult(points=0.0, status="incorrect",
                          feedback=f"Not within the accepted tolerance ({q.tolerance.describe()}){detail}.",
                          **base), x


def grade_choice(pq: PlacedQuestion, value: Any, *, place: str = "") -> QuestionResult:
    q: ChoiceQuestion = pq.question  # type: ignore[assignment]
    labels = [lab for lab, _ in pq.labelled]
    base = dict(id=pq.id, max_points=pq.points, given=value, reference=pq.correct_label, unit=None, type="choice")
    if not isinstance(value, str):
        return QuestionResult(points=0.0, status="invalid", feedback=(
            f"expected the letter of an option ({', '.join(labels)}), got {value!r}"), **base)
    label = value.strip().strip("()").strip().rstrip(")").lower()
    option = pq.option_for(label)
    if option is None:
        return QuestionResult(points=0.0, status="invalid", feedback=(
            f"expected one of the letters {', '.join(labels)}, got {value!r}"), **base)
    if option.correct:
        return QuestionResult(points=pq.points, status="correct", feedback="Correct.", **base)
    m = option.misconception
    return QuestionResult(points=0.0, status="incorrect",
                          feedback=m.feedback if m else "Not the right option.",
                          misconception=m.id if m else None, **base)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------- one file

def grade_submission(student_set: StudentSet, answers: AnswerFile) -> SubmissionResult:
    """Score every question of one student's set from a parsed answer file."""
    ecf_share = student_set.assignment.ecf_share
    results: list[QuestionResult] = []
    warnings: list[str] = []
    known = student_set.questions
    for qid in answers.answers:
        if qid not in known:
            warnings.append(f"{answers.path}:{answers.place(qid)}: unknown question id {qid!r}; "
                            f"expected one of {', '.join(known)}")
    for problem in student_set.problems:
        earlier: dict[str, float] = {}
        for pq in problem.questions:
            value = answers.answers.get(pq.id)
            place = str(answers.lines.get(pq.id, ""))
            if _is_blank(value):
                results.append(QuestionResult(id=pq.id, points=0.0, max_points=pq.points, status="missing",
                                              feedback="No answer.", unit=pq.unit, reference=pq.reference,
                                              type=pq.type))
                continue
            if pq.type == "numeric":
                result, x = grade_numeric(pq, value, earlier, ecf_share, place=place)
                if x is not None:
                    earlier[pq.key] = x
            else:
                result = grade_choice(pq, value, place=place)
            results.append(result)
    return SubmissionResult(file=answers.path, student=answers.student, variant=answers.variant,
                            questions=tuple(results), warnings=tuple(warnings),
                            name=student_set.student.name)


# ---------------------------------------------------------------- a batch

def find_answer_files(submissions: Iterable[str | Path]) -> tuple[list[Path], list[GradeError]]:
    """Answer files named directly, or found below folders (``*.toml`` files whose name contains "answer")."""
    files: list[Path] = []
    errors: list[GradeError] = []
    for item in submissions:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.toml") if "answer" in p.name.lower() and not p.is_symlink())
            if not found:
                errors.append(GradeError(str(path), "no answer files (*answer*.toml) found in this folder"))
            files.extend(found)
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            errors.append(GradeError(str(path), "no such file or folder"))
    return files, errors


def grade(*, assignment: Assignment, submissions: Sequence[str | Path], secret: bytes | None,
          roster: Sequence[Student] | None = None) -> GradeReport:
    """Grade answer files (or folders of them); every variant is recomputed, batched per problem."""
    files, errors = find_answer_files(submissions)
    parsed: list[AnswerFile] = []
    for path in files:
        try:
            af = read_answer_file(path)
            _check_header(af, assignment, secret, roster)
            parsed.append(af)
        except SpikesetError as exc:
            errors.append(GradeError(str(path), str(exc)))
    roster_by_id = {s.id: s for s in roster or ()}
    student_ids = sorted({af.student for af in parsed})
    students = [roster_by_id.get(sid, Student(id=sid)) for sid in student_ids]
    sets = {s.student.id: s for s in assemble(assignment, students, secret)} if students else {}
    results = []
    seen: dict[str, str] = {}
    for af in parsed:
        result = grade_submission(sets[af.student], af)
        if af.student in seen:
            result = _add_warning(result, f"{af.path}: student {af.student!r} also submitted {seen[af.student]}")
        seen.setdefault(af.student, af.path)
        results.append(result)
    return GradeReport(assignment=assignment, submissions=tuple(results), errors=tuple(errors))


def _add_warning(result: SubmissionResult, warning: str) -> SubmissionResult:
    from dataclasses import replace
    return replace(result, warnings=result.warnings + (warning,))


def _check_header(af: AnswerFile, assignment: Assignment, secret: bytes | None,
                  roster: Sequence[Student] | None) -> None:
    if af.assignment != assignment.id:
        raise AnswerFileError(f"assignment is {af.assignment!r}; expected {assignment.id!r}",
                              file=af.path, place=str(af.lines.get("assignment", "assignment")))
    if not STUDENT_ID.match(af.student):
        raise AnswerFileError(f"student: expected a student id, got {af.student!r}",
                              file=af.path, place=str(af.lines.get("student", "student")))
    if roster is not None and af.student not in {s.id for s in roster}:
        raise AnswerFileError(f"student {af.student!r} is not on the roster", file=af.path,
                              place=str(af.lines.get("student", "student")))
    expected = variant_fingerprint(secret, assignment.id, af.student)
    if af.variant != expected:
        owner = None
        if roster is not None:
            owner = next((s.id for s in roster
                          if variant_fingerprint(secret, assignment.id, s.id) == af.variant), None)
        why = (f"it is the variant of student {owner!r}: an answer file copied from another student"
               if owner else "this answer file was not made for this student (copied or edited?)")
        raise AnswerFileError(f"variant {af.variant!r} does not match student {af.student!r}: {why}",
                              file=af.path, place=str(af.lines.get("variant", "variant")))
