"""From an assignment and a roster to every student's variant: parameters, reference
answers, points and choice labels. Shared by the generator and the grader."""
from __future__ import annotations

import dataclasses
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from .assignment import Assignment, ProblemSpec
from ..errors import AssignmentError, FamilyError, SpikesetError
from ..model import ChoiceQuestion, NumericQuestion, Option, Question
from .registry import Family, get_family
from .roster import Student
from ..sampling import Draw
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
    #: how many draws it took to reach a plausible variant (1: the first draw was kept)
    draws: int = 1

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


#: Draws per student and problem before a family that keeps producing implausible variants is an error.
MAX_DRAWS = 64


def assemble(assignment: Assignment, students: Sequence[Student], secret: bytes | None) -> list[StudentSet]:
    """Every student's variant; heavy reference computations run batched per problem.

    A variant that the family's ``plausible()`` rejects is never handed out: that student's
    problem is drawn again from the continuation of the same random stream (see
    :func:`_draw_problem`), so the same variant comes back at every regrading.
    """
    per_problem = [_draw_problem(get_family(spec.family), spec, assignment, secret, students)
                   for spec in assignment.problems]
    return [
        StudentSet(assignment=assignment, student=student,
                   fingerprint=variant_fingerprint(secret, assignment.id, student.id),
                   problems=tuple(problems[i] for problems in per_problem))
        for i, student in enumerate(students)
    ]


def _draw_problem(family: Family, spec: ProblemSpec, assignment: Assignment, secret: bytes | None,
                  students: Sequence[Student]) -> list[ProblemInstance]:
    """Every student's instance of one problem, each a plausible variant.

    Each student's draws come from one stream, ``problem_rng(secret, assignment, student,
    problem)``: the first draw is what it always was (a plausible first draw is unchanged);
    a rejected draw is followed by the next ``sample()`` from the same, continued stream. The
    stream is the student's own, so a redraw never depends on who else is in the batch. Only
    the rejected variants are sampled and solved again (``solve_batch`` on that subset).
    ``plausible()`` judges the family's own questions (its tolerances, every question), so an
    assignment's tolerances or question subset never change which variant a student gets.
    """
    rngs = [problem_rng(secret, assignment.id, s.id, spec.index) for s in students]
    implausible = getattr(family.module, "plausible", None)
    instances: list[ProblemInstance | None] = [None] * len(students)
    pending = list(range(len(students)))
    reasons: dict[int, list[str]] = {}
    checked: set[tuple[str, ...]] = set()
    for draw_number in range(1, MAX_DRAWS + 1):
        if not pending:
            break
        with _blaming_fixed_values(family, spec, assignment):
            params_list = [_sample(family, spec, assignment, rngs[i]) for i in pending]
            solutions = family.solve_batch(params_list)
        # A simulation family may move a printed value off a bifurcation edge once it has
        # simulated; what it returns under "adjusted_params" is what the student sees.
        params_list = [{**p, **s.pop("adjusted_params", {})} for p, s in zip(params_list, solutions)]
        rejected = []
        for i, params, solution in zip(pending, params_list, solutions):
            with _blaming_fixed_values(family, spec, assignment):
                questions = list(family.questions(params, solution))
                reasons[i] = list(implausible(params, solution, questions)) if implausible else []
            if reasons[i]:
                rejected.append(i)
                continue
            instances[i] = _place(family, spec, assignment, secret, students[i].id, params, solution,
                                  questions, checked, draws=draw_number)
        pending = rejected
    if pending:
        first = pending[0]
        fixed = f" with the parameters fixed by the assignment ({', '.join(sorted(spec.params))})" if spec.params else ""
        raise FamilyError(f"no plausible variant for student {students[first].id!r} in {MAX_DRAWS} draws{fixed}; "
                          f"the last was rejected because: {'; '.join(reasons[first])}", file=family.folder,
                          place=f"problems[{spec.number}]")
    return instances  # type: ignore[return-value]


@contextmanager
def _blaming_fixed_values(family: Family, spec: ProblemSpec, assignment: Assignment):
    """A family that fails on values the assignment fixed (each within its accepted range, but
    together leaving no question it can pose: a conductance of 0 where the family divides by
    it) is refused as an assignment error naming the problem and the values, not a crash."""
    try:
        yield
    except (ArithmeticError, ValueError, TypeError) as exc:
        if not spec.params or isinstance(exc, SpikesetError):
            raise
        fixed = ", ".join(f"{k} = {v!r}" for k, v in sorted(spec.params.items()))
        raise AssignmentError(f"problem {spec.number} ({family.id}): no question can be posed with {fixed} "
                              f"({type(exc).__name__}: {exc})", file=assignment.source) from exc


def _sample(family: Family, spec: ProblemSpec, assignment: Assignment, rng) -> dict:
    """The next draw of ``family``'s parameters from ``rng`` (the student's stream, continued)."""
    draw = Draw(rng, spec.params, where=f"problems[{spec.number}].params", file=assignment.source,
                problem=f"problem {spec.number} ({family.id})")
    params = family.sample(draw)
    draw.check_overrides_used(family.id)
    return params


def _place(family: Family, spec: ProblemSpec, assignment: Assignment, secret: bytes | None,
           student_id: str, params: dict, solution: dict, questions: list[Question],
           checked: set[tuple[str, ...]], *, draws: int = 1) -> ProblemInstance:
    """One student's questions of one problem (``questions``: the family's, for this variant);
    ``checked`` holds the sets of question keys already checked for this problem (most
    families ask the same questions of every variant)."""
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
    return ProblemInstance(spec=spec, family=family, params=params, solution=solution, questions=tuple(placed),
                           draws=draws)


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


def assemble_signed(assignment: Assignment, payload: dict) -> StudentSet:
    """One student's variant from a verified signed payload (:mod:`spikeset.variants.signing`), without
    the course secret: the families recompute the reference answers from the printed parameters;
    the payload's option order, points and tolerances are applied as signed.

    Raises :class:`AssignmentError` when the assignment file does not describe the signed variant
    (another id, other problems), and :class:`FamilyError` when a family's revision differs."""
    from ..model import Tolerance

    place = "the signed variant"
    if payload.get("assignment") != assignment.id:
        raise AssignmentError(f"{place} is for assignment {str(payload.get('assignment'))[:60]!r}, "
                              f"not {assignment.id!r}", file=assignment.source)
    signed = payload.get("problems")
    if not isinstance(signed, list) or [p.get("family") for p in signed] != [s.family for s in assignment.problems]:
        raise AssignmentError(f"{place} has other problems than this assignment file "
                              "(was the assignment edited after the sets were generated?)", file=assignment.source)
    problems = []
    for spec, signed_problem in zip(assignment.problems, signed):
        family = get_family(spec.family)
        if signed_problem.get("revision") != family.revision:
            raise FamilyError(f"{place} was drawn by spikeset {payload.get('spikeset')} with family "
                              f"{family.id} revision {signed_problem.get('revision')}; this spikeset has revision "
                              f"{family.revision}: regrade with spikeset {payload.get('spikeset')}")
        params = signed_problem["params"]
        solution = family.solve_batch([params])[0]
        solution.pop("adjusted_params", None)  # the signed parameters are the printed ones
        by_key = {q.key: q for q in family.questions(params, solution)}
        placed = []
        for entry in signed_problem["questions"]:
            q = by_key[entry["key"]]
            labelled: tuple = ()
            if isinstance(q, ChoiceQuestion):
                options = {o.id: o for o in q.options}
                labelled = tuple((label, options[option_id]) for label, option_id in entry["options"])
            elif "tolerance" in entry:
                q = dataclasses.replace(q, tolerance=Tolerance(**entry["tolerance"]))
            placed.append(PlacedQuestion(id=entry["id"], question=q, points=float(entry["points"]),
                                         labelled=labelled))
        problems.append(ProblemInstance(spec=spec, family=family, params=params, solution=solution,
                                        questions=tuple(placed)))
    shares = {k: payload[k] for k in ("ecf_share", "sigfig_share") if isinstance(payload.get(k), (int, float))}
    return StudentSet(assignment=dataclasses.replace(assignment, **shares),
                      student=Student(id=payload["student"], github=payload.get("github") or ""),
                      fingerprint=payload["variant"], problems=tuple(problems))
