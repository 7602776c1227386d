"""Stress-testing families: draw many variants and summarize every answer
(like R/exams' ``stresstest_exercise``)."""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from .assemble import assemble
from .assignment import Assignment, ProblemSpec
from .registry import Family
from .roster import Student


@dataclass(frozen=True)
class QuestionStats:
    key: str
    type: str
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    median: float | None = None
    label_counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class FamilyCheck:
    family: Family
    n_variants: int
    questions: tuple[QuestionStats, ...]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_family(family: Family, n: int, *, secret: bytes = b"spikeset-check") -> FamilyCheck:
    """Draw ``n`` variants of ``family`` (as ``n`` pseudo-students, batched) and report
    answer ranges, label balance and every degenerate or failed variant."""
    assignment = Assignment(id=f"check-{family.id}", title=family.title,
                            problems=(ProblemSpec(index=0, family=family.id, points=1.0),),
                            source="<check>")
    students = [Student(id=f"v{i:05d}") for i in range(n)]
    problems: list[str] = []
    try:
        sets = assemble(assignment, students, secret)
    except Exception as exc:  # report, don't crash: this command exists to find failures
        return FamilyCheck(family, n, (), (f"variants could not be drawn: {exc.__class__.__name__}: {exc}",))
    plausible = getattr(family.module, "plausible", None)
    values: dict[str, list[float]] = {}
    labels: dict[str, Counter] = {}
    types: dict[str, tuple[str, str | None]] = {}
    for s in sets:
        instance = s.problems[0]
        for pq in instance.questions:
            types[pq.key] = (pq.type, pq.unit)
            if pq.type == "numeric":
                x = pq.question.answer
                values.setdefault(pq.key, []).append(x)
                if not math.isfinite(x):
                    problems.append(f"{s.student.id}: {pq.key} has a non-finite answer {x!r}")
                    continue
                low, high = pq.question.tolerance.interval(x)
                for m in pq.question.misconceptions:
                    if m.value is not None and math.isfinite(m.value) and min(low, high) <= m.value <= max(low, high):
                        problems.append(f"{s.student.id}: {pq.key}: misconception {m.id!r} gives the right answer "
                                        "within tolerance (cannot be told apart)")
            else:
                labels.setdefault(pq.key, Counter())[pq.correct_label] += 1
        if plausible:
            for reason in plausible(instance.params, instance.solution, [pq.question for pq in instance.questions]):
                problems.append(f"{s.student.id}: {reason}")
    stats = []
    for key, (qtype, unit) in types.items():
        if qtype == "numeric":
            xs = sorted(v for v in values[key] if math.isfinite(v))
            stats.append(QuestionStats(key, qtype, unit, xs[0] if xs else None, xs[-1] if xs else None,
                                       xs[len(xs) // 2] if xs else None))
        else:
            stats.append(QuestionStats(key, qtype, label_counts=dict(sorted(labels[key].items()))))
    return FamilyCheck(family, n, tuple(stats), tuple(problems))
