"""strength-duration: the simulated answers against an independent Radau HH simulation started from
the resting state the statement prints (one variant; a few runs), and the Weiss estimate recomputed."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from hh_reference import _rates, _rest
from parallel_reference import reference_map
from spikeset.variants.assemble import assemble
from spikeset.variants.assignment import parse_assignment
from spikeset.variants.registry import get_family
from spikeset.variants.roster import Student

FAMILY = "strength-duration"


def max_v(p, y0, amp, start, dur, t_end):
    """Peak V (mV) of an independent Radau simulation of one pulse from the state ``y0``."""
    phi = 3.0 ** ((p["temperature"] - 6.3) / 10.0)

    def rhs(t, y, i_stim):
        V, m, h, n = y
        am, bm, ah, bh, an, bn = _rates(V, phi)
        i_ion = (p["g_Na"] * m**3 * h * (V - p["E_Na"]) + p["g_K"] * n**4 * (V - p["E_K"])
                 + p["g_L"] * (V - p["E_L"]))
        return [(i_stim - i_ion) / p["C_m"], am * (1 - m) - bm * m, ah * (1 - h) - bh * h, an * (1 - n) - bn * n]
    y, vmax = list(y0), -np.inf
    for t0, t1, i in ((0.0, start, 0.0), (start, start + dur, amp), (start + dur, t_end, 0.0)):
        sol = solve_ivp(rhs, (t0, t1), y, method="Radau", args=(i,), rtol=1e-7, atol=1e-9, max_step=0.5)
        vmax = max(vmax, sol.y[0].max())
        y = sol.y[:, -1]
    return vmax


@pytest.fixture(scope="module")
def sets():
    a = parse_assignment(f'id="t"\ntitle="t"\n[[problems]]\nfamily="{FAMILY}"\npoints=5\n')
    return assemble(a, [Student(f"s{i}") for i in range(12)], b"test-key")


def test_plausible_and_weiss(sets):
    fam = get_family(FAMILY)
    for s in sets:
        inst = s.problems[0]
        qs = {pq.key: pq.question for pq in inst.questions}
        assert fam.module.plausible(inst.params, inst.solution, list(qs.values())) == []
        sol, d1 = inst.solution, inst.params["d_short_ms"]
        assert qs["d"].answer == pytest.approx(d1 * (sol["threshold_short"] / sol["rheobase"] - 1), rel=1e-12)
        assert sol["threshold_short"] > sol["rheobase"]


def test_printed_rest_is_the_rest(sets):
    for s in sets[:4]:
        p = s.problems[0].params
        v, m, h, n = _rest(p)
        assert p["v_rest_mV"] == pytest.approx(v, abs=1e-6)
        assert (p["m_rest"], p["h_rest"], p["n_rest"]) == pytest.approx((m, h, n), abs=1e-6)


def test_independent_radau(sets):
    inst = sets[0].problems[0]
    p, sol = inst.params, inst.solution
    y0 = [round(p["v_rest_mV"], 4), round(p["m_rest"], 5), round(p["h_rest"], 5), round(p["n_rest"], 5)]
    start, window = p["start_ms"], p["window_ms"]
    d1, d_rh = p["d_short_ms"], p["rheobase_pulse_ms"]
    jobs = []
    for amp, dur in ((sol["threshold_short"], d1), (sol["rheobase"], d_rh)):
        jobs += [(p, y0, amp * 0.985, start, dur, start + dur + window),
                 (p, y0, amp * 1.015, start, dur, start + dur + window)]
    amp2, t_c = 2 * sol["rheobase"], sol["chronaxie"]
    jobs += [(p, y0, amp2, start, t_c * 0.97, start + t_c * 0.97 + window),
             (p, y0, amp2, start, t_c * 1.03, start + t_c * 1.03 + window)]
    peaks = reference_map(max_v, jobs)
    for below, above in zip(peaks[0::2], peaks[1::2], strict=True):
        assert below < 0.0
        assert above > 0.0


def test_an_unstable_rest_is_rejected():
    """Found by bench/audit_variants.py: strength-duration had no stability or response-window
    check (the other sim families have both). The drawn ranges stay stable (largest growth rate
    -0.089 /ms over 2000 variants), but an assignment may fix g_K = 15 mS/cm^2, where the HH rest
    at 6.3 degC oscillates (growth +0.18 /ms): that variant must not reach a student."""
    from spikeset.sampling import Draw
    family = get_family(FAMILY)
    params = family.sample(Draw(np.random.default_rng(3), {"g_K": 15.0, "temperature": 6.3}, where="test"))
    solution = family.solve_batch([params])[0]
    reasons = family.module.plausible(params, solution, list(family.module.questions(params, solution)))
    assert any("not stable" in r for r in reasons), reasons
