"""Relative, absolute and significant-figure tolerances, with the digits as typed."""
from __future__ import annotations

import pytest

from spikeset.grade.answer_file import parse_answer_text
from spikeset.grade.grading import grade_numeric, grade_submission
from spikeset.model import Tolerance

from grader_helpers import answer_text, fixed, make_assignment, numeric, student_set


def score(pq, value, raw=None, **kw):
    result, _ = grade_numeric(pq, value, {}, 1.0, raw=raw, **kw)
    return result


def test_relative_default_one_percent():
    pq = numeric(-89.137)
    assert score(pq, -89.137 * 1.0099).status == "correct"
    assert score(pq, -89.137 * 1.0101).status == "incorrect"
    assert "±1 %" in score(pq, -95.0).feedback


def test_absolute():
    pq = numeric(-89.137, tolerance=Tolerance("abs", 0.5))
    assert score(pq, -88.64).status == "correct"
    assert score(pq, -89.6).status == "correct"
    assert score(pq, -88.6).status == "incorrect"
    assert score(pq, "-0.0896 V").status == "correct"


SIG3 = numeric(-89.137, tolerance=Tolerance("sigfig", 3))


@pytest.mark.parametrize("value, raw, status, points, sigfig", [
    (-89.1, "-89.1", "correct", 2.0, "ok"),
    (-89.14, "-89.14", "incorrect", 1.0, "too-many"),       # right value, 4 digits
    (-89.1, "-89.10", "incorrect", 1.0, "too-many"),        # the TOML float lost the zero; the token did not
    (-89.0, "-89", "incorrect", 1.0, "too-few"),            # right at 2 significant figures
    ("-89.1 mV", None, "correct", 2.0, "ok"),
    ("-0.0891 V", None, "correct", 2.0, "ok"),
    ("-8.910e-2 V", None, "incorrect", 1.0, "too-many"),
    (-89.3, "-89.3", "incorrect", 0.0, None),               # wrong at 3 figures
    (-88.0, "-88", "incorrect", 0.0, None),                 # wrong at 2 figures too
    (-89.05, "-89.05", "incorrect", 1.0, "too-many"),       # the interval edge counts as -89.1
])
def test_sigfig(value, raw, status, points, sigfig):
    result = score(SIG3, value, raw)
    assert (result.status, result.points, result.sigfig) == (status, points, sigfig)
    if sigfig == "too-many":
        assert "Right value" in result.feedback and "3 were asked" in result.feedback
    if sigfig == "too-few":
        assert "only 2 significant figures" in result.feedback


def test_sigfig_share_is_configurable():
    assert score(SIG3, -89.14, "-89.14", sigfig_share=0.25).points == 0.5
    assert score(SIG3, -89.14, "-89.14", sigfig_share=0.0).points == 0.0


def test_sigfig_ambiguous_trailing_zeros_of_whole_numbers():
    pq = numeric(1203.0, unit="Hz", tolerance=Tolerance("sigfig", 3))
    assert score(pq, 1200, "1200").status == "correct"  # 2 to 4 figures: 3 is possible


def test_sigfig_end_to_end_reads_the_token_from_the_file():
    a = make_assignment('[[problems]]\nfamily = "nernst"\npoints = 6\nparams = { ion = "K" }\n'
                        'tolerance = { a = { sigfig = 3 } }\n')
    s = student_set(a)
    ref = s.questions["p1.a"].reference
    good = parse_answer_text(answer_text(s, {"p1.a": fixed(ref, 3)}))
    more = parse_answer_text(answer_text(s, {"p1.a": fixed(ref, 5)}))
    r_good = grade_submission(s, good).questions[0]
    r_more = grade_submission(s, more).questions[0]
    assert r_good.status == "correct" and r_good.points == 4.0
    assert r_more.sigfig == "too-many" and r_more.points == 2.0
    assert "5 significant figures" in r_more.feedback


def test_sigfig_share_comes_from_the_assignment():
    a = make_assignment('[[problems]]\nfamily = "nernst"\npoints = 6\nparams = { ion = "K" }\n'
                        'tolerance = { a = { sigfig = 3 } }\n', extra="sigfig_share = 0.25")
    assert a.sigfig_share == 0.25
    s = student_set(a)
    more = parse_answer_text(answer_text(s, {"p1.a": fixed(s.questions["p1.a"].reference, 5)}))
    assert grade_submission(s, more).questions[0].points == 1.0
    assert grade_submission(s, more, sigfig_share=1.0).questions[0].points == 4.0
