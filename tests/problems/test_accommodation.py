"""accommodation: the step threshold and the critical ramp slope against an independent LSODA
simulation (rtol 1e-8) of the HH equations from what the statement prints, on a few drawn
variants; the slow ramp of the choice question does not fire; the variants are plausible."""
from __future__ import annotations

import pytest

from sim_statement import read_statement
from slow_gates_reference import peak_times, run
from spikeset.render.render import problem_parts
from spikeset.variants.assemble import assemble
from spikeset.variants.assignment import parse_assignment
from spikeset.variants.registry import get_family
from spikeset.variants.roster import Student

FAMILY = "accommodation"


@pytest.fixture(scope="module")
def sets():
    a = parse_assignment(f'id="t"\ntitle="t"\n[[problems]]\nfamily="{FAMILY}"\npoints=5\n')
    return assemble(a, [Student(f"s{i}") for i in range(8)], b"accommodation-test")


def test_plausible_and_ordered(sets):
    fam = get_family(FAMILY)
    for s in sets:
        inst = s.problems[0]
        qs = {pq.key: pq.question for pq in inst.questions}
        assert fam.module.plausible(inst.params, inst.solution, list(qs.values())) == []
        sol, prm = inst.solution, inst.params
        assert prm["final_current"] >= 1.4 * sol["step_threshold"]
        assert prm["slow_slope"] < 0.8 * sol["critical_slope"]
        # accommodation: at the end of the slow ramp h has fallen and n risen from rest
        assert sol["h_end"] < prm["rests"][0]["h"] and sol["n_end"] > prm["rests"][0]["n"]
        assert qs["c"].correct_option.id == "accommodation"


def ramp_pieces(start, final, slope, hold):
    t_f = start + final / slope
    return [(start, t_f, 0.0, final), (t_f, t_f + hold, final, final)], t_f + hold


def test_independent_solver_from_the_statement(sets):
    for s in sets[:2]:
        inst = s.problems[0]
        printed = read_statement(str(problem_parts(inst)[0]))
        p, y0 = printed.params, next(iter(printed.rests.values()))
        start = printed.number(r"Every current starts at t = (\d+(?:\.\d+)?) ms")
        hold = printed.number(r"is held for (\d+(?:\.\d+)?) ms")
        final = printed.number(r"If = (\d+(?:\.\d+)?) µA/cm2 \(after")
        slow = printed.number(r"a slow ramp of s = (\d+(?:\.\d+)?) µA/cm2 per ms")
        q = {pq.key: pq.question for pq in inst.questions}

        def step_fires(amp):
            t, V, *_ = run(p, y0, [(start, start + hold, amp, amp)], start + hold)
            return peak_times(t, V).size > 0

        def ramp_fires(slope):
            pieces, t_end = ramp_pieces(start, final, slope, hold)
            t, V, *_ = run(p, y0, pieces, t_end)
            return peak_times(t, V).size > 0
        i_step, s_c = q["a"].answer, q["b"].answer
        assert not step_fires(0.99 * i_step) and step_fires(1.01 * i_step)    # inside the +-2 % interval
        assert not ramp_fires(0.99 * s_c) and ramp_fires(1.01 * s_c)
        assert step_fires(final) and not ramp_fires(slow)                       # the premise of (c)
        pieces, _ = ramp_pieces(start, final, slow, hold)
        t, V, m, h, n = run(p, y0, pieces, pieces[0][1] + 0.01)
        assert h[-1] == pytest.approx(inst.solution["h_end"], abs=2e-3)


def test_check_reports_nothing():
    """`spikeset check --n 200`: no degenerate variant, every numeric question spread over many
    tolerance bins, no fixed answer passing more than 10 % of the class, no predictable choice."""
    from spikeset.variants.catalog import check_family
    from spikeset.variants.registry import all_families
    result = check_family(all_families()[FAMILY], 200)
    assert result.ok, (result.problems[:3], result.flags)
    assert all(q.bins >= 20 for q in result.questions if q.type == "numeric"), result.questions
