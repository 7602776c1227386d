"""Every numeric question states what is accepted: on the sheet, in the answer file, in the
solutions and in the LMS exports; absolute tolerances must mean about the same for everyone."""
from __future__ import annotations

import re

import pytest

from spikeset.grade.answer_file import blank_answer_file
from spikeset.errors import AssignmentError
from spikeset.model import Tolerance

from grader_helpers import make_assignment, student_set

CALC = ('[[problems]]\nfamily = "nernst"\npoints = 4\n'
        '[[problems]]\nfamily = "resting-potential"\npoints = 4\n'
        '[[problems]]\nfamily = "driving-force"\npoints = 4\ntolerance = { b = { sigfig = 3 } }\n')


def test_tolerances_describe_themselves_with_their_unit():
    assert Tolerance("rel", 0.01).describe("mV") == "±1 %"
    assert Tolerance("abs", 0.5).describe("mV") == "±0.5 mV"
    assert Tolerance("abs", 0.5).describe() == "±0.5"
    assert Tolerance("sigfig", 3).describe("mV") == "3 significant figures"
    assert Tolerance("abs", 0.5).accepts("mV") == "within ±0.5 mV"
    assert Tolerance("sigfig", 3).accepts() == "to 3 significant figures"


def _expected(pq) -> str:
    return pq.question.tolerance.accepts(pq.unit)


def test_answer_file_states_the_precision_of_each_numeric_question():
    s = student_set(make_assignment(CALC))
    lines = blank_answer_file(s).splitlines()
    numeric = [pq for pq in s.questions.values() if pq.type == "numeric"]
    for pq in numeric:
        comment = next(line for line in lines if line.startswith(f"# {pq.id}:"))
        assert f"({_expected(pq)})" in comment
    texts = {_expected(pq) for pq in numeric}
    assert {"within ±1 %", "within ±0.5 mV", "to 3 significant figures"} <= texts


def test_sheet_and_solutions_state_the_precision():
    from spikeset.render.render import render_problem_set, render_solutions

    s = student_set(make_assignment(CALC))
    sheet = render_problem_set(s)
    metas = re.findall(r'<span class="precision">(.*?)</span>', sheet)
    assert len(metas) == sum(pq.type == "numeric" for pq in s.questions.values())
    assert "within ±0.5 mV" in metas and "to 3 significant figures" in metas and "within ±1 %" in metas
    solutions = render_solutions([s])
    assert "±0.5 mV)" in solutions and "3 significant figures" in solutions


def test_exports_state_the_precision():
    from spikeset.exports import lms_questions

    questions = lms_questions(make_assignment(CALC), 2, b"precision-test-secret")
    numeric = [q for q in questions if q.type == "numeric"]
    assert numeric and all(re.search(r"within ±|to \d+ significant figures", q.html) for q in numeric)
    assert not any("within ±" in q.html for q in questions if q.type == "choice")


def test_sigfig_credit_only_where_figures_are_asked():
    """Under a relative tolerance a right value with many digits is simply right."""
    from spikeset.grade.answer_file import parse_answer_text
    from spikeset.grade.grading import grade_submission

    from grader_helpers import answer_text

    s = student_set(make_assignment(CALC))
    e = s.questions["p1.a"].reference
    r = grade_submission(s, parse_answer_text(answer_text(s, {"p1.a": f"{e:.10f}"})))
    q = next(q for q in r.questions if q.id == "p1.a")
    assert q.status == "correct" and q.points == q.max_points and q.sigfig is None


@pytest.mark.parametrize("body, accepted", [
    ('family = "nernst"\npoints = 2\ntolerance = { b = { abs = 0.5 } }', False),      # 1-150 mM
    ('family = "gating"\npoints = 2\ntolerance = { a = { abs = 0.5 } }', False),
    ('family = "resting-potential"\npoints = 2\ntolerance = { b = { abs = 0.01 } }', False),
    ('family = "nernst"\npoints = 2\ntolerance = { a = { abs = 1 } }', True),          # a potential in mV
    ('family = "nernst"\npoints = 2\nparams = { ion = "K" }\ntolerance = { b = { abs = 0.05 } }', None),
])
def test_absolute_tolerances_must_mean_the_same_for_everyone(body, accepted):
    text = f"[[problems]]\n{body}\n"
    if accepted is None:    # depends on the overridden parameters: either way, no crash
        try:
            make_assignment(text)
        except AssignmentError as exc:
            assert "relative tolerance" in str(exc)
        return
    if accepted:
        make_assignment(text)
    else:
        with pytest.raises(AssignmentError, match=r"% for one student and .* % for another.*rel ="):
            make_assignment(text)


def test_width_spread():
    from spikeset.variants.tolerance_scale import MAX_WIDTH_SPREAD, width_spread

    assert width_spread([10.0, 30.0]) == pytest.approx(3.0) and 3.0 <= MAX_WIDTH_SPREAD
    assert width_spread([1.0, 150.0]) > MAX_WIDTH_SPREAD
    assert width_spread([0.0, 1.0]) == float("inf")
