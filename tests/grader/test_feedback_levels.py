"""Feedback levels: what a student learns from the feedback of a wrong answer.

The attack of issue 10: a script that knows no physics, reads only the feedback of repeated
submissions and adjusts its numbers. At the default level (and at ``correctness``) the feedback
of a wrong number says nothing about the value, so the script does exactly as well as the same
guesses made blind; at ``full`` ("11 % too high") it solves most questions in a few pushes.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import math
import re

import pytest

from spikeset.grade.answer_file import parse_answer_text
from spikeset.variants.assemble import assemble
from spikeset.variants.assignment import parse_assignment
from spikeset.cli.grade_commands import feedback_settings
from spikeset.grade.grading import GradeReport, grade_submission
from spikeset.model import DEFAULT_FEEDBACK, FEEDBACK_LEVELS
from spikeset.variants.roster import Student

from grader_helpers import SECRET, answer_text, make_assignment, student_set

#: The calculation problems of the demo assignment (generator/data/default_assignment.toml);
#: the simulation families' feedback is built by the same code and would only slow the test.
CALCULATIONS = "".join(f'[[problems]]\nfamily = "{f}"\npoints = 6\n' for f in (
    "nernst", "driving-force", "resting-potential", "ghk", "gating", "threshold-slope",
    "peak-voltage", "rise-vs-fall", "ahp", "refractory"))
PUSHES = 6
BLIND_GUESSES = (1.0, -1.0, 10.0, -10.0, 100.0, -100.0)
_PERCENT = re.compile(r"\((\d+) % too (high|low)\)")
_DIRECTION = re.compile(r"too (high|low)")


def _with_level(assignment, level):
    return dataclasses.replace(assignment, feedback=level)


def _visible(result) -> dict:
    """Everything a student's reports show of one question's result, except their own answer."""
    d = result.to_dict(reveal=False)
    d.pop("given")
    d.pop("line")
    return d


class Miner:
    """Reads the feedback of each push and proposes the next number for one question.

    With a percentage it solves ``x = ref (1 + s p/100)`` for both signs of the reference and
    tries the candidates; with a direction only it steps the other way; with nothing it falls
    back to the blind sequence."""

    def __init__(self):
        self.history: list[tuple[float, str]] = []
        self.candidates: list[float] = []

    def next(self) -> float:
        if self.candidates:
            return self.candidates.pop(0)
        if self.history:
            x, feedback = self.history[-1]
            found = _PERCENT.search(feedback)
            if found:
                p, direction = int(found.group(1)) / 100, found.group(2)
                s = 1 if direction == "high" else -1
                self.candidates = [x / (1 + k) for k in (s * p, -s * p) if k != -1]
                return self.candidates.pop(0)
            found = _DIRECTION.search(feedback)
            if found:
                return x / 10 if found.group(1) == "high" and x > 0 else x * 10
        return BLIND_GUESSES[len(self.history) % len(BLIND_GUESSES)]

    def tell(self, x: float, feedback: str) -> None:
        self.history.append((x, feedback))


def _attack(assignment, sets, *, read_feedback: bool) -> float:
    """The share of numeric questions solved within PUSHES pushes."""
    solved = total = 0
    for s in sets:
        numeric = [qid for qid, pq in s.questions.items() if pq.type == "numeric"]
        miners = {qid: Miner() for qid in numeric}
        done: set[str] = set()
        for push in range(PUSHES):
            guesses = {qid: (miners[qid].next() if read_feedback else BLIND_GUESSES[push]) for qid in numeric}
            text = answer_text(s, {qid: repr(x) for qid, x in guesses.items()})
            result = grade_submission(s, parse_answer_text(text))
            for q in result.questions:
                if q.id in guesses:
                    if q.status == "correct" and not q.ecf:
                        done.add(q.id)
                    miners[q.id].tell(guesses[q.id], q.feedback)
        solved += len(done)
        total += len(numeric)
    return solved / total


@pytest.fixture(scope="module")
def class_sets():
    a = make_assignment(CALCULATIONS, id="mining")
    return a, assemble(a, [Student(id=f"s{i:03d}") for i in range(8)], SECRET)


def test_the_default_level_is_misconceptions():
    assert make_assignment(CALCULATIONS).feedback == DEFAULT_FEEDBACK == "misconceptions"


@pytest.mark.parametrize("level", ["correctness", "misconceptions"])
def test_mining_the_feedback_does_no_better_than_blind_guessing(class_sets, level):
    a, sets = class_sets
    sets = [dataclasses.replace(s, assignment=_with_level(a, level)) for s in sets]
    mined = _attack(a, sets, read_feedback=True)
    blind = _attack(a, sets, read_feedback=False)
    assert mined == blind
    assert mined < 0.05


def test_mining_the_full_feedback_works(class_sets):
    """The control: the same script, the same questions, with the error's size shown."""
    a, sets = class_sets
    sets = [dataclasses.replace(s, assignment=_with_level(a, "full")) for s in sets]
    assert _attack(a, sets, read_feedback=True) > 0.5 > _attack(a, sets, read_feedback=False)


@pytest.mark.parametrize("level", ["correctness", "misconceptions"])
def test_a_wrong_number_is_told_nothing_about_its_value(class_sets, level):
    """Any two wrong numbers that match no typical mistake and carry no credit get the same
    result, in every field a report shows."""
    a, sets = class_sets
    s = dataclasses.replace(sets[0], assignment=_with_level(a, level))
    numeric = [qid for qid, pq in s.questions.items() if pq.type == "numeric"]
    seen: dict[str, set] = {qid: set() for qid in numeric}
    for factor in (-3.0, -1.07, 0.5, 0.9, 0.98, 1.02, 1.1, 1.6, 7.0):
        text = answer_text(s, {qid: repr(s.questions[qid].reference * factor + 1e-3) for qid in numeric})
        for q in grade_submission(s, parse_answer_text(text)).questions:
            if q.id in seen and q.status == "incorrect" and q.misconception is None:
                seen[q.id].add(json.dumps(_visible(q), sort_keys=True))
    assert all(len(v) == 1 for v in seen.values() if v), {k: v for k, v in seen.items() if len(v) > 1}
    assert sum(bool(v) for v in seen.values()) >= len(numeric) // 2   # the others carried credit


def _misconception_answers(s):
    out = {}
    for qid, pq in s.questions.items():
        q = pq.question
        if pq.type == "numeric" and q.misconceptions:
            out[qid] = repr(q.misconceptions[0].value)
        elif pq.type == "choice":
            wrong = next((lab for lab, o in pq.labelled if o.misconception is not None), None)
            if wrong:
                out[qid] = f'"{wrong}"'
    return out


def test_levels_show_what_they_promise():
    a = make_assignment(CALCULATIONS, id="levels")
    s = student_set(a)
    answers = _misconception_answers(s)
    shown = {}
    for level in FEEDBACK_LEVELS:
        r = grade_submission(s, parse_answer_text(answer_text(s, answers)), feedback=level)
        shown[level] = [q for q in r.questions if q.id in answers]
    # correctness: no misconception is named, in the feedback or in any field a report shows
    assert all(q.misconception is None and q.points == 0 for q in shown["correctness"] if not q.ecf)
    assert all(q.feedback in ("Not the right option.",) or q.feedback.startswith("Not within the accepted")
               or q.ecf for q in shown["correctness"])
    named = [q for q in shown["misconceptions"] if q.misconception]
    assert len(named) >= 10
    assert not any(_DIRECTION.search(q.feedback) for q in shown["misconceptions"])
    # full: a plain miss says by how much
    off = {qid: repr(pq.reference * 1.37) for qid, pq in s.questions.items() if pq.type == "numeric"}
    full = grade_submission(s, parse_answer_text(answer_text(s, off)), feedback="full")
    assert any(_PERCENT.search(q.feedback) for q in full.questions)
    default = grade_submission(s, parse_answer_text(answer_text(s, off)))
    assert not any(_DIRECTION.search(q.feedback) for q in default.questions)


def test_reports_under_correctness_name_no_misconception(tmp_path):
    from spikeset.reports.report_classroom import classroom_result
    from spikeset.reports.report_html import feedback_pages
    from spikeset.reports.report_junit import junit_xml
    from spikeset.reports.reports import json_text, markdown

    a = make_assignment(CALCULATIONS, id="levels", extra='feedback = "correctness"')
    s = student_set(a)
    answers = _misconception_answers(s)
    ids = {m.id for pq in s.questions.values() if pq.type == "numeric" for m in pq.question.misconceptions}
    ids |= {o.misconception.id for pq in s.questions.values() if pq.type == "choice"
            for _, o in pq.labelled if o.misconception}
    feedbacks = {m.feedback for pq in s.questions.values() if pq.type == "numeric" for m in pq.question.misconceptions}
    r = grade_submission(s, parse_answer_text(answer_text(s, answers)))
    report = GradeReport(assignment=a, submissions=(r,))
    texts = [json_text(report), markdown(report), junit_xml(report), json.dumps(classroom_result(report)),
             *feedback_pages(report).values()]
    for text in texts:
        assert not any(f'"{i}"' in text or f"={i!r}" in text or f">{i}<" in text for i in ids)
        assert not any(f in text for f in feedbacks)
        assert "too high" not in text and "too low" not in text


def test_assignment_feedback_and_reveal_after_are_validated():
    from spikeset.errors import AssignmentError

    body = '[[problems]]\nfamily = "nernst"\npoints = 2\n'
    assert make_assignment(body, extra='feedback = "full"').feedback == "full"
    with pytest.raises(AssignmentError, match="feedback"):
        make_assignment(body, extra='feedback = "everything"')
    assert make_assignment(body, extra="reveal_after = 2026-12-08").reveal_after == dt.date(2026, 12, 8)
    assert make_assignment(body, extra='reveal_after = "2026-12-08"').reveal_after == dt.date(2026, 12, 8)
    assert isinstance(make_assignment(body, extra="reveal_after = 2026-12-08T18:00:00Z").reveal_after, dt.datetime)
    with pytest.raises(AssignmentError, match="reveal_after"):
        make_assignment(body, extra='reveal_after = "next week"')


def test_reveal_after_with_an_injected_clock():
    body = '[[problems]]\nfamily = "nernst"\npoints = 2\n'
    a = make_assignment(body, extra='feedback = "correctness"\nreveal_after = 2026-12-08')
    utc = dt.timezone.utc

    def settings(now, **flags):
        args = argparse.Namespace(**{"reveal": False, "feedback": None, **flags})
        return feedback_settings(a, args, now=now), args.reveal

    before, revealed = settings(dt.datetime(2026, 12, 8, 23, 0, tzinfo=utc).astimezone())
    assert (before.feedback, revealed) == ("correctness", False)
    after, revealed = settings(dt.datetime(2026, 12, 10, 9, 0, tzinfo=utc).astimezone())
    assert (after.feedback, revealed) == ("full", True)
    override, revealed = settings(dt.datetime(2026, 12, 1, tzinfo=utc), feedback="misconceptions")
    assert (override.feedback, revealed) == ("misconceptions", False)
    timed = make_assignment(body, extra="reveal_after = 2026-12-08T18:00:00Z")
    assert not timed.revealed(dt.datetime(2026, 12, 8, 17, 59, tzinfo=utc))
    assert timed.revealed(dt.datetime(2026, 12, 8, 18, 0, tzinfo=utc))


def test_grade_command_takes_the_level(tmp_path, write):
    from spikeset.cli import main

    a_path = write("assignment.toml", 'id = "cli-levels"\ntitle = "t"\n[[problems]]\nfamily = "nernst"\npoints = 2\n')
    a = parse_assignment(a_path.read_text())
    s = assemble(a, [Student(id="s001")], SECRET)[0]
    secret = write("secret.txt", SECRET.decode())
    ans = write("answers.toml", answer_text(s, {"p1.a": repr(s.questions["p1.a"].reference * 1.37)}))
    out = {}
    for level in FEEDBACK_LEVELS:
        target = tmp_path / f"{level}.json"
        main(["grade", str(a_path), str(ans), "--secret-file", str(secret), "--json", str(target),
              "--feedback", level, "--quiet"])
        out[level] = json.loads(target.read_text())["submissions"][0]["questions"][0]["feedback"]
    assert "too high" in out["full"] and "too high" not in out["misconceptions"]
    assert out["correctness"] == out["misconceptions"]


def test_the_classroom_example_uses_a_level_that_cannot_be_mined():
    from pathlib import Path

    from spikeset.variants.assignment import load_assignment

    root = Path(__file__).resolve().parents[2] / "examples" / "github-classroom"
    a = load_assignment(root / ".github" / "spikeset" / "assignment.toml")
    assert a.feedback == "correctness" and a.reveal_after is None
    assert "correctness" in (root / "README.md").read_text(encoding="utf-8")
