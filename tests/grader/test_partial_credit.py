"""Weights per question part, error carried forward, misconception feedback."""
from __future__ import annotations

import math

import pytest

from spikeset.grade.answer_file import parse_answer_text
from spikeset.grade.grading import grade_submission

from grader_helpers import answer_text, make_assignment, student_set


def graded(assignment, answers, **kw):
    s = student_set(assignment)
    return s, grade_submission(s, parse_answer_text(answer_text(s, answers(s))), **kw)


def by_id(result):
    return {q.id: q for q in result.questions}


def test_weights_split_the_problem_points():
    a = make_assignment('[[problems]]\nfamily = "nernst"\npoints = 6\nweights = { a = 1, b = 3 }\n')
    s, r = graded(a, lambda s: {"p1.a": repr(s.questions["p1.a"].reference), "p1.b": '""'})
    q = by_id(r)
    assert (q["p1.a"].max_points, q["p1.b"].max_points) == (1.5, 4.5)
    assert (q["p1.a"].points, q["p1.b"].points, q["p1.b"].status) == (1.5, 0.0, "missing")
    assert r.score == 1.5 and r.max_score == 6


def test_default_family_weights():
    a = make_assignment('[[problems]]\nfamily = "nernst"\npoints = 6\n')
    s = student_set(a)
    assert [q.points for q in s.questions.values()] == [4.0, 2.0]


def test_weight_zero_question_is_worth_nothing():
    a = make_assignment('[[problems]]\nfamily = "driving-force"\npoints = 8\nweights = { a = 0, b = 1, c = 1, d = 0 }\n')
    s = student_set(a)
    assert [q.points for q in s.questions.values()] == [0.0, 4.0, 4.0, 0.0]


DF = '[[problems]]\nfamily = "driving-force"\npoints = 8\nparams = { given = "reversal" }\n'


def df_answers(a_factor: float, b_from_a: bool):
    def answers(s):
        p = s.problems[0].params
        a = (p["v_m_mV"] - p["e_rev_mV"]) * a_factor
        b = p["g_mS_per_cm2"] * a if b_from_a else 12345.0
        return {"p1.a": repr(a), "p1.b": repr(b)}
    return answers


def test_error_carried_forward_full_share():
    a = make_assignment(DF)
    s, r = graded(a, df_answers(1.3, True))
    q = by_id(r)
    assert q["p1.a"].status == "incorrect" and q["p1.a"].points == 0
    assert q["p1.b"].status == "correct" and q["p1.b"].ecf and q["p1.b"].points == q["p1.b"].max_points
    assert "error carried forward" in q["p1.b"].feedback and "p1.a" in q["p1.b"].feedback


def test_error_carried_forward_share_from_the_assignment():
    a = make_assignment(DF, extra="ecf_share = 0.5")
    s, r = graded(a, df_answers(1.3, True))
    q = by_id(r)["p1.b"]
    assert q.ecf and q.points == pytest.approx(q.max_points / 2)
    assert "50%" in q.feedback


def test_no_credit_when_later_part_is_inconsistent():
    a = make_assignment(DF)
    s, r = graded(a, df_answers(1.3, False))
    q = by_id(r)["p1.b"]
    assert q.status == "incorrect" and not q.ecf and q.points == 0


def test_ecf_uses_the_value_converted_to_the_question_unit():
    a = make_assignment(DF)

    def answers(s):
        p = s.problems[0].params
        a_wrong = (p["v_m_mV"] - p["e_rev_mV"]) * 1.3
        return {"p1.a": f'"{a_wrong / 1000!r} V"', "p1.b": repr(p["g_mS_per_cm2"] * a_wrong)}
    s, r = graded(a, answers)
    assert by_id(r)["p1.b"].ecf


NERNST = '[[problems]]\nfamily = "nernst"\npoints = 6\nparams = {{ ion = "{ion}" }}\n'


def nernst_case(ion: str, wrong):
    a = make_assignment(NERNST.format(ion=ion))
    s = student_set(a)
    p = s.problems[0].params
    e = s.questions["p1.a"].reference
    value = wrong(e, p)
    r = grade_submission(s, parse_answer_text(answer_text(s, {"p1.a": repr(value)})))
    return by_id(r)["p1.a"]


@pytest.mark.parametrize("ion, wrong, mid, words", [
    ("K", lambda e, p: e / math.log(10), "log10-instead-of-ln", "log10"),
    ("Na", lambda e, p: e * p["temperature_C"] / (p["temperature_C"] + 273.15), "celsius-instead-of-kelvin", "kelvin"),
    ("K", lambda e, p: -e, "ratio-inverted", "outside over inside"),
    ("Cl", lambda e, p: -e, "valence-sign-flipped", "negative valence"),
    ("Ca", lambda e, p: 2 * e, "valence-ignored", "valence"),
    ("K", lambda e, p: e / 1000, "volts-instead-of-millivolts", "volts"),
])
def test_nernst_misconceptions(ion, wrong, mid, words):
    q = nernst_case(ion, wrong)
    assert q.status == "incorrect" and q.points == 0
    assert q.misconception == mid
    assert words in q.feedback


@pytest.mark.parametrize("wrong, mid", [
    (lambda v, e: e - v, "e-minus-v"),
    (lambda v, e: (v - e) / 1000, "volts-instead-of-millivolts"),
])
def test_driving_force_misconceptions(wrong, mid):
    a = make_assignment(DF)
    s = student_set(a)
    p = s.problems[0].params
    r = grade_submission(s, parse_answer_text(answer_text(s, {"p1.a": repr(wrong(p["v_m_mV"], p["e_rev_mV"]))})))
    q = by_id(r)["p1.a"]
    assert q.misconception == mid and q.status == "incorrect"


def test_choice_misconception_and_json_fields():
    a = make_assignment(DF)
    s = student_set(a)
    pq = s.questions["p1.c"]
    wrong = next(lab for lab, opt in pq.labelled if not opt.correct)
    r = grade_submission(s, parse_answer_text(answer_text(s, {"p1.c": f'"{wrong}"'})))
    q = by_id(r)["p1.c"]
    d = q.to_dict()
    assert q.status == "incorrect" and d["misconception"] and "answer" not in d
    assert q.to_dict(reveal=True)["answer"] == pq.correct_label
