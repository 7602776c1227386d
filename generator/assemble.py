"""From an assignment and a roster to every student's variant: parameters, reference
answers, points and choice labels. Shared by the generator and the grader."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from .assignment import Assignment, ProblemSpec
from .errors import AssignmentError, FamilyError
from .model import ChoiceQuestion, NumericQuestion, Option, Question
from .registry import Family, get_family
from .roster import Student
from .sampling import Draw
from .seeding import problem_rng, shuffle_rng, variant_fingerprint

LABELS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class PlacedQuestion:
    """A question as it stands in one student's set.

    Args:
        id: stable id within the assignment (``"p1.a"``).
        question: the family's question, with its reference answer.
        points: what it is worth in this assignment.
        labelled: for choice questions, (label, option) pairs in the student's order.
    """

    id: str
    question: Question
    points: float
    labelled: tuple[tuple[str, Option], ...] = ()

    @property
    def key(self) -> str:
        return self.question.key

    @property
    def type(self) -> str:
        return self.question.type

    @property
    def unit(self) -> str | None:
        return self.question.unit if isinstance(self.question, NumericQuestion) else None

    @property
    def correct_label(self) -> str | None:
        return next((lab for lab, opt in self.labelled if opt.correct), None)

    @property
    def reference(self) -> float | str:
        """The reference answer: a number in ``unit`` or the correct choice label."""
        if isinstance(self.question, NumericQuestion):
            return self.question.answer
        return self.correct_label

    def option_for(self, label: str) -> Option | None:
        return next((opt for lab, opt in self.labelled if lab == label), None)


@dataclass(frozen=True)
class ProblemInstance:
    spec: ProblemSpec
    family: Family
    params: dict
    solution: dict
    questions: tuple[PlacedQuestion, ...]

    @property
    def title(self) -> str:
        return self.spec.title or self.family.title


@dataclass(frozen=True)
class StudentSet:
    """One student's variant of an assignment."""

    assignment: Assignment
    student: Student
    fingerprint: str
    problems: tuple[ProblemInstance, ...]

    @property
    def questions(self) -> dict[str, PlacedQuestion]:
        return {q.id: q for p in self.problems for q in p.questions}


def assemble(assignment: Assignment, students: Sequence[Student], secret: bytes | None) -> list[StudentSet]:
    """Every student's variant; heavy reference computations run batched per problem."""
    per_problem: list[list[ProblemInstance]] = []
    for spec in assignment.problems:
        family = get_family(spec.family)
        params_list = [_sample(family, spec, assignment, secret, s.id) for s in students]
        solutions = family.solve_batch(params_list)
        # A simulation family may move a printed value off a bifurcation edge once it has
        # simulated; what it returns under "adjusted_params" is what the student sees.
        params_list = [{**p, **s.pop("adjusted_params", {})} for p, s in zip(params_list, solutions)]
        checked: set[tuple[str, ...]] = set()
        per_problem.append([
            _place(family, spec, assignment, secret, student.id, params, solution, checked)
            for student, params, solution in zip(students, params_list, solutions)
        ])
    return [
        StudentSet(assignment=assignment, student=student,
                   fingerprint=variant_fingerprint(secret, assignment.id, student.id),
                   problems=tuple(problems[i] for problems in per_problem))
        for i, student in enumerate(students)
    ]


def _sample(family: Family, spec: ProblemSpec, assignment: Assignment, secret: bytes | None,
            student_id: str) -> dict:
    draw = Draw(problem_rng(secret, assignment.id, student_id, spec.index), spec.params,
                where=f"problems[{spec.number}].params", file=assignment.source)
    params = family.sample(draw)
    draw.check_overrides_used(family.id)
    return params


def _place(family: Family, spec: ProblemSpec, assignment: Assignment, secret: bytes | None,
           student_id: str, params: dict, solution: dict, checked: set[tuple[str, ...]]) -> ProblemInstance:
    """One student's questions of one problem; ``checked`` holds the sets of question keys
    already checked for this problem (most families ask the same questions of every variant)."""
    questions: list[Question] = list(family.questions(params, solution))
    keys = tuple(q.key for q in questions)
    if keys not in checked:
        _check_question_keys(family, spec, assignment, keys)
        checked.add(keys)
    if spec.questions:
        questions = [q for q in questions if q.key in spec.questions]
    if spec.tolerance:
        questions = [_with_tolerance(q, spec) for q in questions]
    points = _split_points(spec.points, tuple(spec.weights.get(q.key, q.weight) for q in questions),
                           half_points=not spec.weights)
    if points is None:
        raise AssignmentError("weights: at least one question needs a positive weight",
                              file=assignment.source, place=f"problems[{spec.number}]")
    rng = None
    placed = []
    for q, p in zip(questions, points):
        labelled: tuple = ()
        if isinstance(q, ChoiceQuestion):
            if rng is None:
                rng = shuffle_rng(secret, assignment.id, student_id, spec.index)
            # Drawn for every question so that unshuffled ones leave the others' order unchanged.
            order = rng.permutation(len(q.options))
            if not q.shuffle:
                order = range(len(q.options))
            labelled = tuple((LABELS[i], q.options[j]) for i, j in enumerate(order))
        placed.append(PlacedQuestion(id=f"{spec.prefix}.{q.key}", question=q, points=p, labelled=labelled))
    return ProblemInstance(spec=spec, family=family, params=params, solution=solution, questions=tuple(placed))


def _check_question_keys(family: Family, spec: ProblemSpec, assignment: Assignment, keys: tuple[str, ...]) -> None:
    """The family's questions have distinct keys, and the assignment names only those."""
    if len(set(keys)) != len(keys):
        raise FamilyError(f"duplicate question keys {list(keys)}", file=family.folder)
    for table, names in (("questions", spec.questions or ()), ("weights", spec.weights),
                         ("tolerance", spec.tolerance)):
        for name in names:
            if name not in keys:
                raise AssignmentError(f"{table}: family {family.id!r} has no question {name!r} "
                                      f"(it has {', '.join(keys)})", file=assignment.source,
                                      place=f"problems[{spec.number}]")


@lru_cache(maxsize=1024)
def _split_points(total_points: float, weights: tuple[float, ...], *,
                  half_points: bool = False) -> tuple[float, ...] | None:
    """Shares of ``total_points`` by weight, adding up to ``total_points`` exactly; None when no
    weight is positive.

    With ``half_points`` (the family's default weights) the shares are whole or half points, by
    largest remainder, when the total is a multiple of 0.5 and every weighted question can get at
    least half a point; otherwise (and for weights the assignment sets) they are rounded to 1e-6,
    the last positive share taking the rounding remainder.
    """
    total = sum(weights)
    if total <= 0:
        return None
    if half_points:
        halves = _half_point_split(total_points, weights)
        if halves is not None:
            return halves
    shares = [round(total_points * w / total, 6) for w in weights]
    last = max(i for i, w in enumerate(weights) if w > 0)
    shares[last] = round(total_points - sum(shares[:last]) - sum(shares[last + 1:]), 6)
    return tuple(shares)


def _half_point_split(total_points: float, weights: tuple[float, ...]) -> tuple[float, ...] | None:
    """Half-point shares by largest remainder (ties: the earlier question), or None when the total
    is not a whole number of half points or a weighted question would get nothing."""
    units = total_points * 2
    if units != round(units):
        return None
    units = int(round(units))
    positive = [i for i, w in enumerate(weights) if w > 0]
    if units < len(positive):
        return None
    total = sum(weights)
    exact = [units * w / total if w > 0 else 0.0 for w in weights]
    given = [int(x) for x in exact]
    for i in sorted(positive, key=lambda i: (-(exact[i] - given[i]), i))[:units - sum(given)]:
        given[i] += 1
    if any(given[i] == 0 for i in positive):
        return None
    return tuple(g / 2 for g in given)


def _with_tolerance(q: Question, spec: ProblemSpec) -> Question:
    if q.key in spec.tolerance and isinstance(q, NumericQuestion):
        return dataclasses.replace(q, tolerance=spec.tolerance[q.key])
    return q
