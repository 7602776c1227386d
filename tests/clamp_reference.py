"""An independent reference for voltage-clamp tests: the HH gates at a clamped voltage integrated
with scipy's Radau, using the rate functions of tests/hh_reference.py (written out, not imported
from spikeset)."""
from __future__ import annotations

from scipy.integrate import solve_ivp

from hh_reference import _rates


def clamped_solution(p, v_hold, v_clamp, t_end):
    """The dense Radau solution (m, h, n) over [0, ``t_end``] ms after a step from ``v_hold`` (gates at
    steady state) to ``v_clamp`` [mV]; ``p`` holds the temperature."""
    phi = 3.0 ** ((p["temperature"] - 6.3) / 10.0)
    am, bm, ah, bh, an, bn = _rates(v_hold, 1.0)
    y0 = [am / (am + bm), ah / (ah + bh), an / (an + bn)]
    am, bm, ah, bh, an, bn = _rates(v_clamp, phi)

    def rhs(_, y):
        m, h, n = y
        return [am * (1 - m) - bm * m, ah * (1 - h) - bh * h, an * (1 - n) - bn * n]
    return solve_ivp(rhs, (0, t_end), y0, method="Radau", rtol=1e-10, atol=1e-12, dense_output=True).sol


def clamped_ode(p, v_hold, v_clamp, times):
    """I_Na, I_K [uA/cm^2] and n at ``times`` [ms] after a step from ``v_hold`` (gates at steady state)
    to ``v_clamp`` [mV]; ``p`` holds g_Na, g_K, E_Na, E_K and temperature."""
    m, h, n = clamped_solution(p, v_hold, v_clamp, max(times))(times)
    return (p["g_Na"] * m**3 * h * (v_clamp - p["E_Na"]), p["g_K"] * n**4 * (v_clamp - p["E_K"]), n)
