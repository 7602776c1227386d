"""Shared helpers for the grader tests: a small assignment, a student's set, answer files."""
from __future__ import annotations

import math
from pathlib import Path


from spikeset.variants.assemble import PlacedQuestion, assemble
from spikeset.variants.assignment import parse_assignment
from spikeset.model import FollowOn, Misconception, NumericQuestion, Tolerance
from spikeset.variants.roster import Student

SECRET = b"grader-test-secret"


def make_assignment(body: str, *, id: str = "t-grade", extra: str = ""):
    return parse_assignment(f'id = "{id}"\ntitle = "Grader test"\n{extra}\n{body}', source="assignment.toml")


def student_set(assignment, student: str = "s001", secret: bytes | None = SECRET):
    return assemble(assignment, [Student(id=student)], secret)[0]


def answer_text(sset, answers: dict[str, str], *, traces: dict[str, str] | None = None,
                student: str | None = None, variant: str | None = None, assignment: str | None = None) -> str:
    """An answer file; ``answers`` values are raw TOML tokens (write strings with their quotes)."""
    lines = [f'student = "{student or sset.student.id}"',
             f'assignment = "{assignment or sset.assignment.id}"',
             f'variant = "{variant or sset.fingerprint}"', "", "[answers]"]
    lines += [f'"{k}" = {v}' for k, v in answers.items()]
    if traces:
        lines += ["", "[traces]"] + [f'"{k}" = "{v}"' for k, v in traces.items()]
    return "\n".join(lines) + "\n"


def fixed(x: float, sig: int) -> str:
    """``x`` written with exactly ``sig`` significant figures and at least one decimal."""
    decimals = sig - 1 - math.floor(math.log10(abs(x)))
    assert decimals >= 1, "choose a value with decimals"
    return f"{x:.{decimals}f}"


def numeric(answer: float = -89.137, unit: str | None = "mV", tolerance: Tolerance | None = None,
            points: float = 2.0, key: str = "a", misconceptions=(), follow_on: FollowOn | None = None,
            trace_feature: str | None = None) -> PlacedQuestion:
    q = NumericQuestion(key, "E_K", answer, unit, tolerance or Tolerance(), misconceptions=tuple(misconceptions),
                        follow_on=follow_on, trace_feature=trace_feature)
    return PlacedQuestion(id=f"p1.{key}", question=q, points=points)


__all__ = ["SECRET", "make_assignment", "student_set", "answer_text", "fixed", "numeric", "Misconception"]


GRADER_ASSIGNMENT = Path(__file__).with_name("assignment.toml")


def demo_batch(folder, n: int = 5, secret: bytes = SECRET):
    """``n`` demo-style submissions (right, misconception, off, units, partial...) of the grader's
    test assignment."""
    from spikeset.variants.assignment import load_assignment
    from spikeset.cli.demo import STYLES, sample_submission

    assignment_path = GRADER_ASSIGNMENT
    assignment = load_assignment(assignment_path)
    students = [Student(id=f"s{i:03d}", name=f"Student {i}", section="A") for i in range(1, n + 1)]
    sets = assemble(assignment, students, secret)
    for i, s in enumerate(sets):
        d = folder / s.student.id
        d.mkdir(parents=True, exist_ok=True)
        (d / "answers.toml").write_text(sample_submission(s, STYLES[i % len(STYLES)]), encoding="utf-8")
    return assignment_path, assignment, students, sets
