"""sim-manipulation: E_K, rest, thresholds, half-widths and rates agree with independent computations."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from spikeset.assemble import assemble
from spikeset.assignment import parse_assignment
from spikeset.registry import get_family
from spikeset.roster import Student

FAMILY = "sim-manipulation"
N_SEEDS = 20


# -- independent HH model (written here from the 1952 equations, not imported) -------------
def _rates(V, phi):
    am = 0.1 * (V + 40.0) / (1.0 - math.exp(-(V + 40.0) / 10.0)) if abs(V + 40.0) > 1e-7 else 1.0
    bm = 4.0 * math.exp(-(V + 65.0) / 18.0)
    ah = 0.07 * math.exp(-(V + 65.0) / 20.0)
    bh = 1.0 / (1.0 + math.exp(-(V + 35.0) / 10.0))
    an = 0.01 * (V + 55.0) / (1.0 - math.exp(-(V + 55.0) / 10.0)) if abs(V + 55.0) > 1e-7 else 0.1
    bn = 0.125 * math.exp(-(V + 65.0) / 80.0)
    return [phi * x for x in (am, bm, ah, bh, an, bn)]


def _rest(p):
    from scipy.optimize import brentq

    def gates(V):
        am, bm, ah, bh, an, bn = _rates(V, 1.0)
        return am / (am + bm), ah / (ah + bh), an / (an + bn)

    def iss(V):
        m, h, n = gates(V)
        return p["g_Na"] * m**3 * h * (V - p["E_Na"]) + p["g_K"] * n**4 * (V - p["E_K"]) + p["g_L"] * (V - p["E_L"])
    V = brentq(iss, -100.0, -40.0)
    return [V, *gates(V)]


def ref_sim(p, pieces, t_end, dt=0.01):
    """Radau simulation from rest; pieces = [(t_start, t_stop, current), ...] (zero elsewhere).
    Returns t (ms), V (mV), m, h, n on a dt grid."""
    phi = 3.0 ** ((p["temperature"] - 6.3) / 10.0)

    def rhs(t, y, i_stim):
        V, m, h, n = y
        am, bm, ah, bh, an, bn = _rates(V, phi)
        i_ion = (p["g_Na"] * m**3 * h * (V - p["E_Na"]) + p["g_K"] * n**4 * (V - p["E_K"])
                 + p["g_L"] * (V - p["E_L"]))
        return [(i_stim - i_ion) / p["C_m"], am * (1 - m) - bm * m, ah * (1 - h) - bh * h, an * (1 - n) - bn * n]
    edges = sorted({0.0, t_end, *[e for a, b, _ in pieces for e in (a, b) if 0 < e < t_end]})
    y = _rest(p)
    ts, ys = [], []
    for t0, t1 in zip(edges[:-1], edges[1:]):
        mid = 0.5 * (t0 + t1)
        i = sum(c for a, b, c in pieces if a <= mid < b)
        grid = np.arange(t0, t1, dt)
        sol = solve_ivp(rhs, (t0, t1), y, method="Radau", args=(i,), rtol=1e-7, atol=1e-9,
                        max_step=0.1, dense_output=True)
        ts.append(grid); ys.append(sol.sol(grid))
        y = sol.y[:, -1]
    return np.concatenate(ts), *np.concatenate(ys, axis=1)


def spike_peaks(t, V):
    """(times, peaks) of the excursions above 0 mV."""
    above = V > 0
    starts = np.flatnonzero(above[1:] & ~above[:-1]) + 1
    ends = np.flatnonzero(~above[1:] & above[:-1]) + 1
    out_t, out_v = [], []
    for s in starts:
        e = ends[ends > s]
        e = e[0] if e.size else len(V)
        k = s + int(np.argmax(V[s:e]))
        out_t.append(t[k]); out_v.append(V[k])
    return np.array(out_t), np.array(out_v)


@pytest.fixture(scope="module")
def sets():
    a = parse_assignment(f'id="t"\ntitle="t"\n[[problems]]\nfamily="{FAMILY}"\npoints=5\n')
    return assemble(a, [Student(f"s{i}") for i in range(N_SEEDS)], b"test-key")


def _nernst(c_out, c_in, t_c):
    return 8.314462618 * (t_c + 273.15) / 96485.33212 * 1000.0 * math.log(c_out / c_in)


def test_plausible_nernst_rest(sets):
    fam = get_family(FAMILY)
    for s in sets:
        p = s.problems[0]
        prm, sol = p.params, p.solution
        qs = {pq.key: pq.question for pq in p.questions}
        assert fam.module.plausible(prm, sol, list(qs.values())) == []
        assert prm["E_K"] == pytest.approx(_nernst(prm["K_out_mM"], prm["K_in_mM"], prm["temperature"]), abs=1e-3)
        ek2 = _nernst(prm["K_out_raised_mM"], prm["K_in_mM"], prm["temperature"])
        assert qs["a"].answer == pytest.approx(ek2, abs=1e-3)
        assert qs["b"].answer == pytest.approx(_rest({**prm, "E_K": ek2})[0], abs=1e-3)
        # direction choices match the numbers and are robust (> 4 % apart)
        assert qs["e"].correct_option.id == ("more" if sol["threshold_k"] < sol["threshold"] else "less")
        assert abs(sol["threshold_k"] / sol["threshold"] - 1) > 0.04
        assert qs["k"].correct_option.id == "faster"
        assert sol["threshold_ttx"] > sol["threshold"]


def _fires(p, amp):
    s, d = p["start_ms"], p["duration_ms"]
    t, V, *_ = ref_sim(p, [(s, s + d, amp)], s + d + p["window_ms"])
    return len(spike_peaks(t, V)[0]) >= 1


def test_thresholds_radau(sets):
    prm, sol = sets[0].problems[0].params, sets[0].problems[0].solution
    ek2 = _nernst(prm["K_out_raised_mM"], prm["K_in_mM"], prm["temperature"])
    for cond, thr in ((prm, sol["threshold"]), ({**prm, "E_K": ek2}, sol["threshold_k"]),
                      ({**prm, "g_Na": prm["g_Na"] * (1 - prm["ttx_fraction"])}, sol["threshold_ttx"])):
        assert not _fires(cond, thr * 0.985)
        assert _fires(cond, thr * 1.015)


def test_step_radau(sets):
    prm, sol = sets[1].problems[0].params, sets[1].problems[0].solution
    s0, t1 = prm["step_start_ms"], prm["step_start_ms"] + prm["step_ms"]
    q = {**prm, "temperature": prm["temperature2"]}
    t, V, *_ = ref_sim(q, [(s0, t1, prm["step_amplitude"])], t1, dt=0.005)
    times, peaks = spike_peaks(t, V)
    rate = 1000.0 * (len(times) - 1) / (times[-1] - times[0])
    assert rate == pytest.approx(sol["rate_2"], rel=0.01)
    # half-width of the first spike at (rest + peak) / 2
    level = 0.5 * (_rest(q)[0] + peaks[0])
    k0 = int(np.searchsorted(t, times[0]))
    up = np.flatnonzero((V[:k0 - 1] < level) & (V[1:k0] >= level))[-1]
    down = k0 + np.flatnonzero((V[k0:-1] >= level) & (V[k0 + 1:] < level))[0]
    width = np.interp(level, [V[down + 1], V[down]], [t[down + 1], t[down]]) - \
        np.interp(level, [V[up], V[up + 1]], [t[up], t[up + 1]])
    assert width == pytest.approx(sol["half_width_2"], rel=0.01)
