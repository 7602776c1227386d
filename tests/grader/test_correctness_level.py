"""The ``correctness`` feedback level shows right/wrong and points only.

Carried credit (error carried forward) and the significant-figure notes say why an answer
earned points; at ``correctness`` no student-facing output says so (Markdown, the JSON's
``feedback`` texts, JUnit, GitHub Classroom, the HTML pages), while ``misconceptions`` and
``full`` keep the notes and the JSON keeps the ``ecf`` and ``sigfig`` fields the instructor's
class report counts (at ``correctness`` the JSON has neither: tests/grader/test_correctness_json.py).
"""
from __future__ import annotations

import io
import json

import pytest

from spikeset.grade.answer_file import parse_answer_text
from spikeset.grade.grading import GradeReport, grade_submission
from spikeset.reports.report_classroom import classroom_result
from spikeset.reports.report_html import feedback_pages
from spikeset.reports.report_junit import junit_xml
from spikeset.reports.reports import json_text, markdown, print_summary

from grader_helpers import answer_text, fixed, make_assignment, student_set

BODY = ('[[problems]]\nfamily = "driving-force"\npoints = 8\nparams = { given = "reversal", ion = "K" }\n'
        '[[problems]]\nfamily = "nernst"\npoints = 2\nquestions = ["a"]\ntolerance = { a = { sigfig = 3 } }\n')
#: What only carried-credit and significant-figure notes say.
NOTES = ("carried forward", "Consistent with your answer", "method is right", "Right value",
         "were asked", "significant figures;")


def _label(s, qid, option_id):
    return next(lab for lab, o in s.questions[qid].labelled if o.id == option_id)


def _answers(s):
    """p1.a wrong (no typical mistake), p1.b and the choices p1.c, p1.d consistent with it
    (carried credit), p2.a the right value with too many significant figures."""
    p = s.problems[0].params
    df, g = p["v_m_mV"] - p["e_rev_mV"], p["g_mS_per_cm2"]
    wrong_df = -df * 1.3
    theirs = "outward" if g * wrong_df > 0 else "inward"
    assert theirs != s.questions["p1.c"].question.correct_option.id
    d_theirs = next(o.id for o in s.questions["p1.d"].question.options if not o.correct)
    return {"p1.a": repr(wrong_df), "p1.b": repr(g * wrong_df),
            "p1.c": f'"{_label(s, "p1.c", theirs)}"', "p1.d": f'"{_label(s, "p1.d", d_theirs)}"',
            "p2.a": fixed(s.questions["p2.a"].reference, 6)}


def _graded(level: str, *, ecf_share: float = 0.5, sigfig_share: float = 0.5):
    a = make_assignment(BODY, id="levels", extra=f'feedback = "{level}"\necf_share = {ecf_share}\n'
                                                 f"sigfig_share = {sigfig_share}")
    s = student_set(a)
    r = grade_submission(s, parse_answer_text(answer_text(s, _answers(s))))
    return a, s, {q.id: q for q in r.questions}, GradeReport(assignment=a, submissions=(r,))


def _student_outputs(report) -> dict[str, str]:
    data = json.loads(json_text(report))
    terminal = io.StringIO()
    print_summary(report, stream=terminal)
    return {"markdown": markdown(report), "junit": junit_xml(report),
            "classroom": json.dumps(classroom_result(report)),
            "json feedback": "\n".join(q["feedback"] for s in data["submissions"] for q in s["questions"]),
            "html": "\n".join(feedback_pages(report).values()), "terminal": terminal.getvalue()}


def test_the_answers_earn_carried_and_significant_figure_credit():
    _, _, q, _ = _graded("misconceptions")
    assert q["p1.a"].points == 0
    assert all(q[i].ecf and 0 < q[i].points < q[i].max_points for i in ("p1.b", "p1.c", "p1.d"))
    assert q["p2.a"].sigfig == "too-many" and q["p2.a"].points == q["p2.a"].max_points / 2


@pytest.mark.parametrize("level", ["misconceptions", "full"])
def test_the_other_levels_keep_the_notes(level):
    _, _, q, report = _graded(level)
    assert all("error carried forward" in q[i].feedback for i in ("p1.b", "p1.c", "p1.d"))
    assert "Right value" in q["p2.a"].feedback and "3 were asked" in q["p2.a"].feedback
    outputs = _student_outputs(report)
    for name in ("markdown", "junit", "classroom", "json feedback", "html"):
        assert "error carried forward" in outputs[name] and "Right value" in outputs[name], name
    assert "(carried forward)" in outputs["html"]


def test_correctness_shows_right_or_wrong_and_points_only():
    _, _, q, report = _graded("correctness")
    for i in ("p1.b", "p1.c", "p1.d", "p2.a"):
        assert q[i].feedback == f"Partly correct: {q[i].points:g} of {q[i].max_points:g} pts.", i
    for name, text in _student_outputs(report).items():
        assert not [n for n in NOTES if n in text], name


def test_correctness_grades_as_the_other_levels_but_its_json_says_only_points():
    """Points, status and the in-memory ``ecf``/``sigfig`` record are those of the other levels;
    the JSON at ``correctness`` drops the fields that say why (the other levels keep them)."""
    _, _, low, low_report = _graded("correctness")
    _, _, high, high_report = _graded("misconceptions")
    for i in low:
        assert (low[i].points, low[i].status, low[i].ecf, low[i].sigfig) == \
               (high[i].points, high[i].status, high[i].ecf, high[i].sigfig), i
    low_json, high_json = json.loads(json_text(low_report)), json.loads(json_text(high_report))
    assert low_json["feedback"] == "correctness" and "feedback" not in high_json
    for x in low_json["submissions"][0]["questions"]:
        assert not {"ecf", "sigfig", "misconception"} & set(x), x
    questions = high_json["submissions"][0]["questions"]
    assert [x["ecf"] for x in questions] == [False, True, True, True, False]
    assert questions[-1]["sigfig"] == "too-many"


def test_correctness_full_carried_credit_reads_correct_and_no_credit_reads_as_a_miss():
    _, _, q, _ = _graded("correctness", ecf_share=1.0, sigfig_share=0.0)
    assert all(q[i].feedback == "Correct." and q[i].points == q[i].max_points for i in ("p1.b", "p1.c", "p1.d"))
    # the right value with the wrong figures and no credit for it: the words of any other miss
    a, s, _, _ = _graded("correctness", sigfig_share=0.0)
    far = grade_submission(s, parse_answer_text(answer_text(s, {"p2.a": fixed(s.questions["p2.a"].reference * 0.7, 4)})))
    assert q["p2.a"].points == 0 and q["p2.a"].feedback == far.questions[-1].feedback
    assert far.questions[-1].feedback.startswith("Not within the accepted tolerance")
