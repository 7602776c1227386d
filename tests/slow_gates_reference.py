"""An independent HH simulation for the anode-break and accommodation tests: the 1952 equations of
tests/hh_reference.py (not spikeset's) with a piecewise-linear injected current, integrated with
scipy's LSODA at rtol 1e-8 from a given (printed) resting state, one piece per stimulus segment."""
from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp

from hh_reference import _rates


def run(p: dict, y0, pieces, t_end: float, dt: float = 0.005):
    """``pieces`` = [(t0, t1, I0, I1), ...]: the current goes linearly from I0 at t0 to I1 at t1
    (zero outside every piece). Returns t (ms), V (mV), m, h, n on a ``dt`` grid."""
    phi = 3.0 ** ((p["temperature"] - 6.3) / 10.0)

    def rhs(t, y, t0, t1, i0, i1):
        V, m, h, n = y
        am, bm, ah, bh, an, bn = _rates(V, phi)
        i_stim = i0 + (i1 - i0) * (t - t0) / (t1 - t0)
        i_ion = (p["g_Na"] * m**3 * h * (V - p["E_Na"]) + p["g_K"] * n**4 * (V - p["E_K"])
                 + p["g_L"] * (V - p["E_L"]))
        return [(i_stim - i_ion) / p["C_m"], am * (1 - m) - bm * m, ah * (1 - h) - bh * h, an * (1 - n) - bn * n]
    edges = sorted({0.0, t_end, *[e for a, b, *_ in pieces for e in (a, b) if 0 < e < t_end]})
    y = list(y0)
    ts, ys = [], []
    for t0, t1 in zip(edges[:-1], edges[1:]):
        mid = 0.5 * (t0 + t1)
        seg = [(a, b, i0, i1) for a, b, i0, i1 in pieces if a <= mid < b]
        a, b, i0, i1 = seg[0] if seg else (t0, t1, 0.0, 0.0)
        grid = np.arange(t0, t1, dt)
        sol = solve_ivp(rhs, (t0, t1), y, method="LSODA", args=(a, b, i0, i1), rtol=1e-8, atol=1e-10,
                        max_step=0.05, dense_output=True)
        ts.append(grid)
        ys.append(sol.sol(grid))
        y = sol.y[:, -1]
    return np.concatenate(ts), *np.concatenate(ys, axis=1)


def peak_times(t, V) -> np.ndarray:
    """Times of the peaks of the excursions above 0 mV."""
    above = V > 0
    ups = np.flatnonzero(above[1:] & ~above[:-1]) + 1
    downs = np.flatnonzero(~above[1:] & above[:-1]) + 1
    out = []
    for u in ups:
        d = downs[downs > u]
        e = d[0] if d.size else len(V)
        out.append(t[u + int(np.argmax(V[u:e]))])
    return np.array(out)
