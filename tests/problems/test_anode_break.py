"""anode-break: the rebound threshold, the latency and n at the release against an independent
LSODA simulation (rtol 1e-8) of the HH equations from what the statement prints (parameters,
resting state, protocol), on a few drawn variants; the variants are plausible and the searches
bounded."""
from __future__ import annotations

import numpy as np
import pytest

from sim_statement import read_statement
from slow_gates_reference import peak_times, run
from spikeset.render.render import problem_parts
from spikeset.variants.assemble import assemble
from spikeset.variants.assignment import parse_assignment
from spikeset.variants.registry import get_family
from spikeset.variants.roster import Student

FAMILY = "anode-break"


@pytest.fixture(scope="module")
def sets():
    a = parse_assignment(f'id="t"\ntitle="t"\n[[problems]]\nfamily="{FAMILY}"\npoints=5\n')
    return assemble(a, [Student(f"s{i}") for i in range(8)], b"anode-test")


def test_plausible_and_ordered(sets):
    fam = get_family(FAMILY)
    for s in sets:
        inst = s.problems[0]
        qs = {pq.key: pq.question for pq in inst.questions}
        assert fam.module.plausible(inst.params, inst.solution, list(qs.values())) == []
        sol = inst.solution
        assert 1.3 * sol["threshold"] <= inst.params["amplitude"] <= 20.0
        assert sol["n_release"] < inst.params["rests"][0]["n"] and sol["h_release"] > inst.params["rests"][0]["h"]
        assert qs["d"].correct_option.id == "slow-gates"


def test_independent_solver_from_the_statement(sets):
    for s in sets[:2]:
        inst = s.problems[0]
        printed = read_statement(str(problem_parts(inst)[0]))
        p, y0 = printed.params, next(iter(printed.rests.values()))
        start = printed.number(r"At t = (\d+(?:\.\d+)?) ms a hyperpolarizing")
        dur = printed.number(r"Istim = -\|I\| for (\d+(?:\.\d+)?) ms")
        window = printed.number(r"peaks within (\d+(?:\.\d+)?) ms after\s+the release")
        amp = printed.number(r"\|I\| = (\d+(?:\.\d+)?) µA/cm2; measure")
        release = start + dur
        q = {pq.key: pq.question for pq in inst.questions}

        def rebounds(mag):
            t, V, *_ = run(p, y0, [(start, release, -mag, -mag)], release + window)
            return peak_times(t, V).size > 0
        thr = q["a"].answer
        assert not rebounds(0.99 * thr) and rebounds(1.01 * thr)       # inside the +-2 % interval
        t, V, m, h, n = run(p, y0, [(start, release, -amp, -amp)], release + window)
        peaks = peak_times(t, V)
        assert peaks.size == 1 and peaks[0] > release
        assert peaks[0] - release == pytest.approx(q["b"].answer, rel=0.01)
        k = int(np.argmin(np.abs(t - release)))
        assert n[k] == pytest.approx(q["c"].answer, rel=0.01)
        assert h[k] > y0[2] and n[k] < y0[3]   # h de-inactivated, n deactivated: the key of (d)


def test_searches_are_bounded():
    """A membrane that never rebounds (warm) gets NaN, after a bounded number of simulations."""
    from spikeset.solutions import slow_gates
    from spikeset.solutions.hh_model import HHParams
    hh = HHParams(temperature=np.array([6.3, 25.0]))
    thr = slow_gates.rebound_threshold(hh, 20.0, start_ms=5.0, window_ms=30.0)
    assert 1.0 < thr[0] < 5.0 and np.isnan(thr[1])


def test_check_reports_nothing():
    """`spikeset check --n 200`: no degenerate variant, every numeric question spread over many
    tolerance bins, no fixed answer passing more than 10 % of the class, no predictable choice."""
    from spikeset.variants.catalog import check_family
    from spikeset.variants.registry import all_families
    result = check_family(all_families()[FAMILY], 200)
    assert result.ok, (result.problems[:3], result.flags)
    assert all(q.bins >= 20 for q in result.questions if q.type == "numeric"), result.questions
