"""sim-threshold: answers agree with an independent solve_ivp (Radau) HH simulation."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from spikeset.variants.assemble import assemble
from spikeset.variants.assignment import parse_assignment
from spikeset.variants.registry import get_family
from hh_reference import _rates, _rest  # an independent HH model
from parallel_reference import reference_map
from spikeset.variants.roster import Student

FAMILY = "sim-threshold"
N_SEEDS = 20


def max_v(p, amp, start, dur, t_end):
    """Peak V (mV) of an independent Radau simulation of one pulse."""
    phi = 3.0 ** ((p["temperature"] - 6.3) / 10.0)

    def rhs(t, y, i_stim):
        V, m, h, n = y
        am, bm, ah, bh, an, bn = _rates(V, phi)
        i_ion = (p["g_Na"] * m**3 * h * (V - p["E_Na"]) + p["g_K"] * n**4 * (V - p["E_K"])
                 + p["g_L"] * (V - p["E_L"]))
        return [(i_stim - i_ion) / p["C_m"], am * (1 - m) - bm * m, ah * (1 - h) - bh * h, an * (1 - n) - bn * n]
    y = _rest(p)
    vmax = -np.inf
    for t0, t1, i in ((0.0, start, 0.0), (start, start + dur, amp), (start + dur, t_end, 0.0)):
        sol = solve_ivp(rhs, (t0, t1), y, method="Radau", args=(i,), rtol=1e-7, atol=1e-9, max_step=0.05)
        vmax = max(vmax, sol.y[0].max())
        y = sol.y[:, -1]
    return vmax


@pytest.fixture(scope="module")
def sets():
    a = parse_assignment(f'id="t"\ntitle="t"\n[[problems]]\nfamily="{FAMILY}"\npoints=5\n')
    return assemble(a, [Student(f"s{i}") for i in range(N_SEEDS)], b"test-key")


def test_plausible_and_consistent(sets):
    fam = get_family(FAMILY)
    for s in sets:
        p = s.problems[0]
        qs = [pq.question for pq in p.questions]
        assert fam.module.plausible(p.params, p.solution, qs) == []
        thr, thr2 = p.solution["threshold"], p.solution["threshold2"]
        # physics: more Na+ channels -> lower threshold (and the choice says so)
        assert (thr2 < thr) == (p.params["g_Na2"] > p.params["g_Na"])
        c = next(q for q in qs if q.key == "c")
        assert c.correct_option.id == ("lower" if thr2 < thr else "higher")
        # choice robust to 1 % changes: thresholds differ by > 4 %
        assert abs(thr2 / thr - 1) > 0.04


def test_independent_radau(sets):
    jobs = []
    for s in sets[:3]:
        p = s.problems[0].params
        sol = s.problems[0].solution
        for g, thr in ((p["g_Na"], sol["threshold"]), (p["g_Na2"], sol["threshold2"])):
            q = {**p, "g_Na": g}
            t_end = p["start_ms"] + p["duration_ms"] + 25.0
            jobs += [(q, thr * 0.985, p["start_ms"], p["duration_ms"], t_end),
                     (q, thr * 1.015, p["start_ms"], p["duration_ms"], t_end)]
    peaks = reference_map(max_v, jobs)
    for below, above in zip(peaks[0::2], peaks[1::2], strict=True):
        assert below < 0.0
        assert above > 0.0
