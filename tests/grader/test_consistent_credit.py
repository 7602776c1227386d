"""Consistent partial credit: nothing is carried from a blank, zero or non-finite answer; a
question's own typical mistake is not "the method is right"; a choice that follows from an
earlier wrong answer earns the carried credit a number would."""
from __future__ import annotations

import pytest

from spikeset.grade.answer_file import parse_answer_text
from spikeset.variants.assemble import assemble
from spikeset.variants.assignment import load_assignment
from spikeset.grade.grading import carries, grade_submission
from spikeset.model import FollowOn
from spikeset.variants.roster import Student

from grader_helpers import SECRET, answer_text, make_assignment, student_set

DEMO = "generator/data/default_assignment.toml"
DF = '[[problems]]\nfamily = "driving-force"\npoints = 8\nparams = {{ given = "reversal", ion = "{ion}" }}\n'


def by_id(result):
    return {q.id: q for q in result.questions}


def _graded(s, answers):
    return by_id(grade_submission(s, parse_answer_text(answer_text(s, answers))))


@pytest.fixture(scope="module")
def demo_sets():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    a = load_assignment(root / DEMO)
    return a, assemble(a, [Student(id=f"s{i:03d}") for i in range(6)], SECRET)


@pytest.mark.parametrize("zero", ["0", "0.0", '"0 mV"', "-0.0"])
def test_all_zero_answers_earn_nothing_on_the_demo_assignment(demo_sets, zero):
    """Issue 10 measured 83 of 1320 points for all-zero answers; every part must now be 0."""
    a, sets = demo_sets
    for s in sets:
        answers = {qid: (zero if pq.unit == "mV" or not zero.startswith('"') else "0")
                   for qid, pq in s.questions.items() if pq.type == "numeric"}
        r = grade_submission(s, parse_answer_text(answer_text(s, answers)))
        assert r.score == 0, [(q.id, q.points, q.feedback) for q in r.questions if q.points]


def test_which_earlier_answers_carry():
    assert carries(-12.5) and carries(3) and carries("inward")
    assert not any(carries(v) for v in (0, 0.0, -0.0, float("nan"), float("inf"), -float("inf"), None, True))


@pytest.mark.parametrize("earlier", ["0", "nan", "inf", '""', '"abc"'])
def test_no_carried_credit_from_a_blank_zero_or_non_finite_answer(earlier):
    a = make_assignment(DF.format(ion="K"))
    s = student_set(a)
    q = _graded(s, {"p1.a": earlier, "p1.b": "0"})["p1.b"]
    assert not q.ecf and q.points == 0


def test_no_carried_credit_when_the_follow_on_is_trivially_zero():
    """An earlier answer that makes the follow-on zero (within its tolerance) carries nothing to a zero."""
    a = make_assignment(DF.format(ion="K"))
    s = student_set(a)
    q = _graded(s, {"p1.a": "1e-30", "p1.b": "0"})["p1.b"]
    assert not q.ecf and q.points == 0


def _df(s):
    p = s.problems[0].params
    return p["v_m_mV"] - p["e_rev_mV"], p["g_mS_per_cm2"]


@pytest.mark.parametrize("ion", ["K", "Na", "Cl"])
def test_a_repeated_sign_error_is_not_the_method_being_right(ion):
    a = make_assignment(DF.format(ion=ion))
    s = student_set(a)
    df, g = _df(s)
    q = _graded(s, {"p1.a": repr(-df), "p1.b": repr(-g * df)})
    assert q["p1.a"].misconception == "e-minus-v" and q["p1.a"].points == 0
    assert q["p1.b"].misconception == "e-minus-v" and q["p1.b"].points == 0 and not q["p1.b"].ecf
    assert "method is right" not in q["p1.b"].feedback


def _label(s, qid, option_id):
    return next(lab for lab, o in s.questions[qid].labelled if o.id == option_id)


@pytest.mark.parametrize("ion", ["K", "Na", "Cl"])
@pytest.mark.parametrize("ecf_share", [1.0, 0.5])
def test_a_choice_consistent_with_a_wrong_current_gets_carried_credit(ion, ecf_share):
    a = make_assignment(DF.format(ion=ion), extra=f"ecf_share = {ecf_share}")
    for sid in ("s001", "s002", "s003"):
        s = student_set(a, sid)
        df, g = _df(s)
        wrong_current = -g * df * 1.3      # wrong sign and size: matches no misconception
        c_right = s.questions["p1.c"].question.correct_option.id
        c_theirs = "outward" if wrong_current > 0 else "inward"
        assert c_theirs != c_right
        d_theirs = next(o.id for o in s.questions["p1.d"].question.options if not o.correct)
        q = _graded(s, {"p1.a": repr(df), "p1.b": repr(wrong_current),
                        "p1.c": f'"{_label(s, "p1.c", c_theirs)}"', "p1.d": f'"{_label(s, "p1.d", d_theirs)}"'})
        assert q["p1.b"].points == 0
        c = q["p1.c"]
        assert c.ecf and c.status == "correct" and c.points == pytest.approx(c.max_points * ecf_share)
        assert "p1.b" in c.feedback
        d = q["p1.d"]   # the ions' way, consistent with their (wrong) current direction
        assert d.ecf and d.points == pytest.approx(d.max_points * ecf_share) and "p1.c" in d.feedback


def test_a_choice_inconsistent_with_the_earlier_answer_gets_nothing():
    a = make_assignment(DF.format(ion="K"))
    s = student_set(a)
    df, g = _df(s)
    wrong_current = -g * df * 1.3
    c_right = s.questions["p1.c"].question.correct_option.id
    q = _graded(s, {"p1.b": repr(wrong_current), "p1.c": '"' + _label(s, "p1.c", "none") + '"'})
    assert q["p1.c"].points == 0 and not q["p1.c"].ecf and q["p1.c"].misconception == "zero-current"
    q = _graded(s, {"p1.b": repr(-wrong_current), "p1.c": f'"{_label(s, "p1.c", c_right)}"'})
    assert q["p1.c"].status == "correct" and not q["p1.c"].ecf


def test_comparison_follow_on():
    f = FollowOn.comparison("b", "c", higher="up", lower="down", same="same", within=0.02)
    assert f.depends_on == ("b", "c")
    assert f.compute({"b": 10.0, "c": 10.5}) == "up"
    assert f.compute({"b": 10.0, "c": 9.0}) == "down"
    assert f.compute({"b": 10.0, "c": 10.1}) == "same"
    assert FollowOn.comparison("b", "c", higher="up", lower="down").compute({"b": 2.0, "c": 2.0}) is None


def test_a_comparison_choice_follows_the_students_own_thresholds():
    """sim-threshold: "raising g_Na makes the threshold lower/higher" follows from the two
    thresholds the student gave, even when both are wrong."""
    a = make_assignment('[[problems]]\nfamily = "sim-threshold"\npoints = 6\n')
    s = student_set(a)
    thr, thr2 = s.questions["p1.a"].reference, s.questions["p1.b"].reference
    right = s.questions["p1.c"].question.correct_option.id
    theirs = "higher" if right == "lower" else "lower"
    # their thresholds, swapped and scaled: both wrong, and they imply the other direction
    a_given, b_given = thr2 * 1.5, thr * 1.5
    implied = "higher" if b_given > a_given * 1.02 else "lower" if b_given < a_given * 0.98 else "same"
    q = _graded(s, {"p1.a": repr(a_given), "p1.b": repr(b_given),
                    "p1.c": f'"{_label(s, "p1.c", implied)}"'})
    assert implied == theirs
    assert q["p1.a"].points == 0 and q["p1.b"].points == 0
    assert q["p1.c"].ecf and q["p1.c"].points == q["p1.c"].max_points and "p1.a, p1.b" in q["p1.c"].feedback
    q = _graded(s, {"p1.c": f'"{_label(s, "p1.c", theirs)}"'})
    assert q["p1.c"].points == 0 and not q["p1.c"].ecf
