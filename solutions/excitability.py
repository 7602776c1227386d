"""Slope conductance of the instantaneous HH I-V curve, and the threshold where it changes sign.

On the fast time scale of spike initiation, Na+ activation m follows V instantly (m = m_inf(V)),
while h and n stay at the values they had (given). The ionic current is then

    I(V) = gbar_Na m_inf(V)^3 h (V - E_Na) + gbar_K n^4 (V - E_K) + g_L (V - E_L)

and its slope conductance dI/dV [mS/cm^2] is

    dI/dV = gbar_Na h [m_inf^3 + 3 m_inf^2 (dm_inf/dV) (V - E_Na)] + gbar_K n^4 + g_L.

The first Na+ term (the chord conductance g_Na(V)) is positive; the second is negative below E_Na
(activation grows with V while the driving force V - E_Na is negative). Where the sum is negative
the I-V curve has a negative slope: depolarization increases the inward current (regenerative).
The threshold voltage here is the lowest V above rest where the total slope conductance crosses zero.

Units: V in mV, conductances in mS/cm^2, currents in uA/cm^2, dm_inf/dV in 1/mV.
m_inf is independent of temperature (phi cancels in alpha/(alpha + beta)).
"""
from __future__ import annotations

import math

import numpy as np

from .hh_model import alpha_m, beta_m, m_inf

#: Below this |x| the derivative of x/(1 - exp(-x)) is evaluated by its Taylor series.
_SERIES_LIMIT = 1e-3


def _exprel_inverse_derivative(x: np.ndarray) -> np.ndarray:
    """d/dx [x / (1 - exp(-x))] = (1 - exp(-x) - x exp(-x)) / (1 - exp(-x))^2.

    Near x = 0 (removable singularity, value 1/2) the series 1/2 + x/6 - x^3/180 is used.
    """
    x = np.asarray(x, float)
    small = np.abs(x) < _SERIES_LIMIT
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        em1 = -np.expm1(-x)                      # 1 - exp(-x)
        direct = (em1 - x * np.exp(-x)) / (em1 * em1)
    series = 0.5 + x / 6.0 - x ** 3 / 180.0
    return np.where(small, series, direct)


def dm_inf_dV(V) -> np.ndarray:
    """Analytic derivative dm_inf/dV [1/mV] of the HH m_inf(V) (V in mV).

    m_inf = a / (a + b) with a = alpha_m, b = beta_m, so dm_inf/dV = (a' b - a b') / (a + b)^2,
    with a = f((V + 40)/10), f(x) = x / (1 - exp(-x)), a' = f'(x)/10, and b = 4 exp(-(V + 65)/18),
    b' = -b/18. Evaluated at the reference temperature (phi cancels).
    """
    V = np.asarray(V, float)
    a, b = alpha_m(V), beta_m(V)
    da = _exprel_inverse_derivative((V + 40.0) / 10.0) / 10.0
    db = -b / 18.0
    return (da * b - a * db) / (a + b) ** 2


def instantaneous_current(V, gbar_na: float, h: float, e_na: float, g_l: float, e_l: float,
                          gbar_k: float = 0.0, n: float = 0.0, e_k: float = -77.0) -> np.ndarray:
    """Ionic current [uA/cm^2] with m = m_inf(V) and h, n frozen:
    gbar_Na m_inf^3 h (V - E_Na) + gbar_K n^4 (V - E_K) + g_L (V - E_L)."""
    V = np.asarray(V, float)
    return (gbar_na * m_inf(V) ** 3 * h * (V - e_na) + gbar_k * n ** 4 * (V - e_k) + g_l * (V - e_l))


def sodium_slope_terms(V, gbar_na: float, h: float, e_na: float) -> tuple[np.ndarray, np.ndarray]:
    """The two parts of d(I_Na)/dV [mS/cm^2]: the chord conductance gbar_Na m_inf^3 h (>= 0)
    and the activation term 3 gbar_Na h m_inf^2 (dm_inf/dV) (V - E_Na) (< 0 below E_Na)."""
    V = np.asarray(V, float)
    m = m_inf(V)
    chord = gbar_na * m ** 3 * h
    activation = 3.0 * gbar_na * h * m ** 2 * dm_inf_dV(V) * (V - e_na)
    return chord, activation


def slope_conductance(V, gbar_na: float, h: float, e_na: float, g_l: float,
                      gbar_k: float = 0.0, n: float = 0.0) -> np.ndarray:
    """Total slope conductance dI/dV [mS/cm^2] of :func:`instantaneous_current` (E_K, E_L drop out)."""
    chord, activation = sodium_slope_terms(V, gbar_na, h, e_na)
    return chord + activation + gbar_k * n ** 4 + g_l


def threshold_voltages(gbar_na, h, e_na, g_l, gbar_k=0.0, n=0.0, *, v_low: float = -90.0,
                       step: float = 0.25, xtol: float = 1e-9) -> np.ndarray:
    """Batched :func:`threshold_voltage` [mV]: every argument may be an array of N variants.

    Scans [v_low, E_Na) every ``step`` mV for the first sign change of the slope conductance
    (positive to negative) and narrows each bracket by repeated 64-cell grids (one vectorized
    evaluation per pass, all variants together) to ``xtol`` mV; returns, per variant, the end of
    the final bracket where |dI/dV| is smaller. NaN where the slope is not positive at ``v_low``
    or never turns negative below E_Na (no regenerative region).
    """
    cols = [np.atleast_1d(np.asarray(a, float)) for a in (gbar_na, h, e_na, g_l, gbar_k, n)]
    gna, hh, ena, gl, gk, nn = (a[:, None] for a in np.broadcast_arrays(*cols))
    rows = np.arange(gna.shape[0])

    def g(v: np.ndarray) -> np.ndarray:
        return slope_conductance(v, gna, hh, ena, gl, gk, nn)

    grid = v_low + step * np.arange(int(np.ceil((float(ena.max()) - v_low) / step)))[None, :]
    values = g(grid)
    negative = (values < 0) & (grid < ena)
    first = np.argmax(negative, axis=1)
    found = negative.any(axis=1) & (first > 0) & (values[:, 0] > 0)
    first = np.maximum(first, 1)
    lo, hi = grid[0, first - 1], grid[0, first]
    cells = np.linspace(0.0, 1.0, 65)[None, :]
    for _ in range(12):
        if np.max(hi - lo) <= xtol:
            break
        v = lo[:, None] + (hi - lo)[:, None] * cells
        k = np.maximum(np.argmax(g(v) < 0, axis=1), 1)     # the right end is negative
        lo, hi = v[rows, k - 1], v[rows, k]
    g_lo, g_hi = g(lo[:, None])[:, 0], g(hi[:, None])[:, 0]
    return np.where(found, np.where(np.abs(g_lo) <= np.abs(g_hi), lo, hi), np.nan)


def threshold_voltage(gbar_na: float, h: float, e_na: float, g_l: float, gbar_k: float = 0.0,
                      n: float = 0.0, *, v_low: float = -90.0, step: float = 0.25,
                      xtol: float = 1e-9) -> float:
    """Lowest V [mV] above ``v_low`` where the slope conductance changes from positive to negative
    (one variant of :func:`threshold_voltages`). Raises ValueError when there is none (no
    regenerative region: too little Na+ conductance available)."""
    vt = float(threshold_voltages(gbar_na, h, e_na, g_l, gbar_k, n, v_low=v_low, step=step, xtol=xtol)[0])
    if math.isnan(vt):
        raise ValueError("the slope conductance is not positive at v_low or never becomes negative: no threshold")
    return vt
