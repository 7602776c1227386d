"""Rinzel's two-variable reduction of the Hodgkin-Huxley model and its phase plane.

m is set to m_inf(V) (fast) and h to 0.89 - 1.1 n (h + n is nearly constant during a spike):

    C dV/dt = I - g_Na m_inf(V)^3 (0.89 - 1.1 n)(V - E_Na) - g_K n^4 (V - E_K) - g_L (V - E_L)
      dn/dt = phi [alpha_n(V)(1 - n) - beta_n(V) n]

Units: V, E in mV; n dimensionless; I in uA/cm^2; g in mS/cm^2; C in uF/cm^2; t in ms.
``params`` is one :class:`~spikeset.solutions.hh_model.HHParams` with float fields.
"""
from __future__ import annotations

import math

from spikeset.solutions import hh_model as hh

H_INTERCEPT, H_SLOPE = 0.89, 1.1


def ionic_current(params: hh.HHParams, v_mV: float, n: float) -> float:
    """Ionic current [uA/cm^2] of the reduced model at (V [mV], n), outward positive."""
    m = float(hh.m_inf(v_mV))
    return (params.g_Na * m ** 3 * (H_INTERCEPT - H_SLOPE * n) * (v_mV - params.E_Na)
            + params.g_K * n ** 4 * (v_mV - params.E_K) + params.g_L * (v_mV - params.E_L))


def steady_current(params: hh.HHParams, v_mV: float) -> float:
    """Injected current [uA/cm^2] that makes (V, n_inf(V)) a fixed point: I_ion(V, n_inf(V))."""
    return ionic_current(params, v_mV, float(hh.n_inf(v_mV)))


def v_nullcline_n(params: hh.HHParams, v_mV: float, current: float) -> float:
    """n on the V-nullcline (dV/dt = 0) at V [mV] for injected ``current`` [uA/cm^2]; NaN if no n in
    [0, 1] puts it there. For E_K < V < E_Na the ionic current rises with n, so the root is unique."""
    lo, hi = 0.0, 1.0
    f_lo, f_hi = ionic_current(params, v_mV, lo) - current, ionic_current(params, v_mV, hi) - current
    if f_lo * f_hi > 0:
        return math.nan
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        f_mid = ionic_current(params, v_mV, mid) - current
        if (f_mid > 0) == (f_hi > 0):
            hi, f_hi = mid, f_mid
        else:
            lo, f_lo = mid, f_mid
    return 0.5 * (lo + hi)


def fixed_point(params: hh.HHParams, current: float, *, v_low: float = -90.0, v_high: float = -40.0) -> float:
    """V [mV] of the fixed point for ``current`` [uA/cm^2]: the root of steady_current(V) = I in
    [v_low, v_high] (bisection; the steady-state I-V rises monotonically there)."""
    lo, hi = v_low, v_high
    if not steady_current(params, lo) <= current <= steady_current(params, hi):
        return math.nan
    for _ in range(52):
        mid = 0.5 * (lo + hi)
        if steady_current(params, mid) < current:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def jacobian(params: hh.HHParams, v_mV: float, n: float) -> tuple[float, float, float, float]:
    """(dV'/dV, dV'/dn, dn'/dV, dn'/dn) of the reduced model at (V, n) [1/ms, mV/ms, 1/(mV ms), 1/ms]."""
    c, dv = params.C_m, 1e-5
    t = params.temperature
    j11 = -(ionic_current(params, v_mV + dv, n) - ionic_current(params, v_mV - dv, n)) / (2 * dv) / c
    m = float(hh.m_inf(v_mV))
    j12 = -(-H_SLOPE * params.g_Na * m ** 3 * (v_mV - params.E_Na) + 4 * params.g_K * n ** 3 * (v_mV - params.E_K)) / c

    def n_rate(v):
        return float(hh.alpha_n(v, t)) * (1 - n) - float(hh.beta_n(v, t)) * n
    j21 = (n_rate(v_mV + dv) - n_rate(v_mV - dv)) / (2 * dv)
    j22 = -(float(hh.alpha_n(v_mV, t)) + float(hh.beta_n(v_mV, t)))
    return j11, j12, j21, j22


def is_stable(params: hh.HHParams, v_mV: float) -> bool:
    """Whether the fixed point at V [mV] (n = n_inf(V)) is linearly stable (trace < 0, det > 0)."""
    j11, j12, j21, j22 = jacobian(params, v_mV, float(hh.n_inf(v_mV)))
    return j11 + j22 < 0 and j11 * j22 - j12 * j21 > 0


def onset_current(params: hh.HHParams, *, v_low: float = -80.0, v_high: float = -40.0) -> tuple[float, float]:
    """(I [uA/cm^2], V [mV]) where the resting fixed point first loses stability as I rises (the
    trace of the Jacobian crosses 0 with det > 0: a Hopf bifurcation); NaN, NaN if it stays stable
    up to ``v_high``. Scanned every 1 mV, then bisected on V."""
    def trace(v):
        j11, _, _, j22 = jacobian(params, v, float(hh.n_inf(v)))
        return j11 + j22
    v = v_low
    if trace(v) >= 0:
        return math.nan, math.nan
    while v < v_high:
        v_next = v + 1.0
        if trace(v_next) >= 0:
            lo, hi = v, v_next
            for _ in range(42):
                mid = 0.5 * (lo + hi)
                lo, hi = (mid, hi) if trace(mid) < 0 else (lo, mid)
            v_h = 0.5 * (lo + hi)
            return steady_current(params, v_h), v_h
        v = v_next
    return math.nan, math.nan


def v_nullcline_curve(params: hh.HHParams, v_mV, current: float):
    """n on the V-nullcline at each V of the array ``v_mV`` [mV] for ``current`` [uA/cm^2]
    (vectorized :func:`v_nullcline_n`: the same bisection on n in [0, 1]; NaN where there is no root)."""
    import numpy as np

    v = np.asarray(v_mV, float)
    m3 = hh.m_inf(v) ** 3

    def residual(n):
        return (params.g_Na * m3 * (H_INTERCEPT - H_SLOPE * n) * (v - params.E_Na)
                + params.g_K * n ** 4 * (v - params.E_K) + params.g_L * (v - params.E_L) - current)
    lo, hi = np.zeros_like(v), np.ones_like(v)
    f_hi = residual(hi)
    has_root = residual(lo) * f_hi <= 0
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        f_mid = residual(mid)
        upper = (f_mid > 0) == (f_hi > 0)
        hi, f_hi = np.where(upper, mid, hi), np.where(upper, f_mid, f_hi)
        lo = np.where(upper, lo, mid)
    return np.where(has_root, 0.5 * (lo + hi), np.nan)
