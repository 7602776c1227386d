"""The worked solutions print every reference answer with enough decimals to lie inside its own
accepted interval, and with at least two significant figures under a relative tolerance (found by bench/audit_variants.py: ahp (c) 0.04256 +-1 % printed "0.043",
threshold-slope (a) 0.0000466 printed "0.0000", ghk-current (c) 0.000455 printed "0.0005", ...:
a student who copied the printed key would be marked wrong)."""
from __future__ import annotations

import math
import re

import pytest

from spikeset.model import NumericQuestion, Tolerance
from spikeset.render.render import _answer_block, answer_decimals
from spikeset.variants.assemble import PlacedQuestion, assemble
from spikeset.variants.assignment import Assignment, ProblemSpec
from spikeset.variants.roster import Student

_NUMBER = re.compile(r"[\u2212-]?\d+(?:\.\d+)?")


def _printed(q: NumericQuestion) -> float:
    return float(f"{q.answer:.{answer_decimals(q)}f}")


def _inside(q: NumericQuestion) -> bool:
    low, high = q.tolerance.interval(q.answer)
    return min(low, high) <= _printed(q) <= max(low, high)


@pytest.mark.parametrize("answer, tolerance, digits, shown", [
    (0.04256, Tolerance("rel", 0.01), 3, "0.0426"),     # ahp (c)
    (4.664e-05, Tolerance("rel", 0.01), 4, "0.000047"),    # threshold-slope (a): not "0.0000"
    (7.96e-4, Tolerance("rel", 0.01), 4, "0.00080"),    # two significant figures, not "0.0008"
    (3.952, Tolerance("rel", 0.01), 1, "3.95"),         # refractory (b)
    (35.51, Tolerance("rel", 0.01), 0, "35.5"),         # spike-charge (e)
    (-65.3, Tolerance("abs", 0.5), 1, "\u221265.3"),    # already fine: the family's digits stay
    (8.0, Tolerance("abs", 0.5), 0, "8"),              # a spike count stays a whole number
])
def test_the_printed_reference_lies_in_its_interval(answer, tolerance, digits, shown):
    q = NumericQuestion("a", "x", answer, "mS/cm^2", tolerance, digits=digits)
    html = str(_answer_block(PlacedQuestion("p1.a", q, 1.0)))
    assert _NUMBER.search(html.split("</span>", 1)[1]).group() == shown
    assert _inside(q)


def test_never_fewer_decimals_than_the_family_asks():
    q = NumericQuestion("a", "x", 150.0, "mV", Tolerance("rel", 0.01), digits=2)
    assert answer_decimals(q) == 2
    assert answer_decimals(NumericQuestion("a", "x", math.nan, "mV", digits=3)) == 3


@pytest.mark.parametrize("family, n", [("threshold-slope", 300), ("ghk-current", 400), ("ahp", 300),
                                       ("gate-kinetics", 200), ("refractory", 300), ("spike-charge", 200)])
def test_every_printed_reference_of_the_flagged_families(family, n):
    a = Assignment(id=f"precision-{family}", title="t", problems=(ProblemSpec(0, family, 1.0),), source="<test>")
    sets = assemble(a, [Student(f"s{i}") for i in range(n)], b"precision-test-secret")
    outside = [(s.student.id, pq.key, pq.question.answer) for s in sets for pq in s.problems[0].questions
               if isinstance(pq.question, NumericQuestion) and math.isfinite(pq.question.answer)
               and not _inside(pq.question)]
    assert not outside, outside[:5]


@pytest.mark.parametrize("answer, tolerance, digits", [
    (1.92178, Tolerance("rel", 0.02), 3),     # anode-break (a): 1.88334 .. 1.96022 printed 1.8833 .. 1.9602
    (-65.32, Tolerance("abs", 0.5), 1),
    (0.04256, Tolerance("rel", 0.01), 3),
    (-105.5794, Tolerance("rel", 0.01), 2),
])
def test_the_printed_interval_holds_only_accepted_numbers(answer, tolerance, digits):
    q = NumericQuestion("a", "x", answer, "uA/cm^2", tolerance, digits=digits)
    html = str(_answer_block(PlacedQuestion("p1.a", q, 1.0)))
    interval = html.split("accepted ", 1)[1]
    first, last = (float(x.replace("\u2212", "-")) for x in _NUMBER.findall(interval)[:2])
    low, high = sorted(tolerance.interval(answer))
    assert low <= first < last <= high
    assert first - low < 10.0 ** -(answer_decimals(q) + 1) and high - last < 10.0 ** -(answer_decimals(q) + 1)
