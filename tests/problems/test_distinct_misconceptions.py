"""The misconception filters of the families (spikeset.model and the sim-* helpers) against
straightforward reference implementations of their documented rules."""
from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from spikeset.model import Misconception, NumericQuestion, Tolerance, distinct_misconceptions
from spikeset.problems import _simhh

values = st.one_of(st.floats(-10.0, 10.0), st.sampled_from([1.0, 1.01, 0.0, math.nan, math.inf, None]))
tolerances = st.sampled_from([Tolerance("rel", 0.01), Tolerance("rel", 0.2), Tolerance("abs", 0.5),
                              Tolerance("sigfig", 2)])


def _misconceptions(vals) -> list[Misconception]:
    return [Misconception(f"m{i}", "feedback", v) for i, v in enumerate(vals)]


def reference_distinct(answer, tolerance, wrong, separation=2.0):
    """Each kept finite value lies more than ``separation`` half-widths from the answer; a value within
    ``separation`` half-widths (taken around the kept value) of one kept before it joins the first such
    one: ids joined by '+', feedbacks by ' Or: ', the first value kept."""
    groups = []     # [value, [misconceptions]]
    for m in wrong:
        if m.value is None or not math.isfinite(m.value):
            continue
        if abs(m.value - answer) <= separation * tolerance.half_width(answer):
            continue
        for g in groups:
            if abs(m.value - g[0]) <= separation * tolerance.half_width(g[0]):
                if m.id not in [x.id for x in g[1]]:
                    g[1].append(m)
                break
        else:
            groups.append([m.value, [m]])
    return tuple(Misconception("+".join(x.id for x in ms), " Or: ".join(x.feedback for x in ms), value)
                 for value, ms in groups)


@given(st.floats(-10.0, 10.0), tolerances, st.lists(values, max_size=6), st.sampled_from([1.0, 2.0]))
@settings(max_examples=400, deadline=None)
def test_distinct_misconceptions_follows_its_rule(answer, tolerance, vals, separation):
    wrong = _misconceptions(vals)
    assert distinct_misconceptions(answer, tolerance, wrong, separation=separation) == \
        reference_distinct(answer, tolerance, wrong, separation)


def test_distinct_misconceptions_examples():
    rel = Tolerance("rel", 0.01)
    wrong = _misconceptions([1.01, 2.0, 2.03, math.nan, None, -1.0, 2.1])
    # 1.01 is within 2 % of the answer 1.0; 2.03 within 2 % of 2.0: reported with it; 2.1 is apart
    got = distinct_misconceptions(1.0, rel, wrong)
    assert [m.value for m in got] == [2.0, -1.0, 2.1]
    assert got[0].id == "m1+m2" and got[0].feedback == "feedback Or: feedback"
    assert [m.id for m in got[1:]] == ["m5", "m6"]
    assert distinct_misconceptions(1.0, rel, []) == ()


def reference_simhh(questions, factor=1.5):
    out = []
    for q in questions:
        if isinstance(q, NumericQuestion) and q.misconceptions:
            width = factor * q.tolerance.half_width(q.answer)
            keep = []
            for m in q.misconceptions:
                if (m.value is None or not math.isfinite(m.value) or not math.isfinite(q.answer)
                        or abs(m.value - q.answer) <= width or any(abs(m.value - k.value) <= width for k in keep)):
                    continue
                keep.append(m)
            q = NumericQuestion(q.key, q.prompt, q.answer, q.unit, q.tolerance, misconceptions=tuple(keep))
        out.append(q)
    return out


# A NaN reference (a failed simulation) with a relative tolerance: its misconceptions all go.
questions_specs = st.one_of(st.tuples(st.floats(-10.0, 10.0), tolerances, st.lists(values, max_size=5)),
                            st.tuples(st.just(math.nan), st.just(Tolerance("rel", 0.02)), st.lists(values, max_size=5)))


@given(st.lists(questions_specs, max_size=4))
@settings(max_examples=300, deadline=None)
def test_simhh_distinct_misconceptions_follows_its_rule(specs):
    questions = [NumericQuestion(f"q{i}", "prompt", answer, None, tolerance, misconceptions=tuple(_misconceptions(vals)))
                 for i, (answer, tolerance, vals) in enumerate(specs)]
    got = _simhh.distinct_misconceptions(questions)
    assert got == reference_simhh(questions)
    # a question that keeps all its misconceptions is passed through unchanged
    for before, after in zip(questions, got):
        assert (after is before) == (after.misconceptions == before.misconceptions)
