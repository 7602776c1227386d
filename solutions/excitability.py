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


def threshold_voltage(gbar_na: float, h: float, e_na: float, g_l: float, gbar_k: float = 0.0,
                      n: float = 0.0, *, v_low: float = -90.0, step: float = 0.25) -> float:
    """Lowest V [mV] above ``v_low`` where the slope conductance changes from positive to negative.

    Scans [v_low, E_Na] every ``step`` mV for the first sign change, verifies the bracket
    (positive at its left end, negative at its right end) and refines it with
    :func:`scipy.optimize.brentq` (xtol 1e-10 mV). Raises ValueError when the slope never turns
    negative (no regenerative region: too little Na+ conductance available).
    """
    from scipy.optimize import brentq

    def f(v: float) -> float:
        return float(slope_conductance(v, gbar_na, h, e_na, g_l, gbar_k, n))

    if f(v_low) <= 0:
        raise ValueError(f"slope conductance is not positive at v_low = {v_low} mV")
    grid = np.arange(v_low, e_na, step)
    values = slope_conductance(grid, gbar_na, h, e_na, g_l, gbar_k, n)
    negative = np.nonzero(values < 0)[0]
    if negative.size == 0:
        raise ValueError("the slope conductance never becomes negative: no threshold")
    i = int(negative[0])
    lo, hi = float(grid[i - 1]), float(grid[i])
    if not (f(lo) > 0 > f(hi)):
        raise ValueError("bracket check failed")
    return float(brentq(f, lo, hi, xtol=1e-10, rtol=4 * math.ulp(1.0), maxiter=200))
