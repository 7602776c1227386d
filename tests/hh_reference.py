"""An independent Hodgkin-Huxley reference for the simulation-family tests: the 1952
equations written out here (not imported from spikeset) and integrated with scipy's Radau."""
from __future__ import annotations

import math

import numpy as np
from scipy.integrate import solve_ivp


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
