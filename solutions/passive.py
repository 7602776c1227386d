"""The passive (RC) membrane: input resistance, membrane time constant, charging to a current step.

Units: specific membrane resistance R_m in kOhm cm^2, specific capacitance C_m in uF/cm^2,
areas in cm^2, input resistance in MOhm, currents in pA, potentials in mV, times in ms.
With these units kOhm cm^2 x uF/cm^2 = ms and pA x MOhm = uV (so / 1000 for mV).
"""
from __future__ import annotations

import math


def sphere_area_cm2(diameter_um: float) -> float:
    """Surface area [cm^2] of a sphere of ``diameter_um`` [um]: pi d^2."""
    d_cm = diameter_um * 1e-4
    return math.pi * d_cm * d_cm


def input_resistance_Mohm(r_m_kohm_cm2: float, area_cm2: float) -> float:
    """Input resistance R_in = R_m / A [MOhm] of an isopotential cell.

    Args:
        r_m_kohm_cm2: specific membrane resistance R_m [kOhm cm^2].
        area_cm2: membrane area A [cm^2].
    """
    return r_m_kohm_cm2 * 1e3 / area_cm2 / 1e6


def membrane_time_constant_ms(r_m_kohm_cm2: float, c_m_uF_per_cm2: float) -> float:
    """tau_m = R_m C_m [ms] from R_m [kOhm cm^2] and C_m [uF/cm^2]; independent of the area."""
    return r_m_kohm_cm2 * c_m_uF_per_cm2


def charging_voltage_mV(v_rest_mV: float, current_pA: float, r_in_Mohm: float, tau_ms: float,
                        t_ms: float) -> float:
    """V(t) [mV] at ``t_ms`` [ms] after a current step of ``current_pA`` [pA] starts at rest:
    V = V_rest + I R_in (1 - exp(-t/tau_m)), with R_in [MOhm] and tau_m [ms]."""
    return v_rest_mV + current_pA * r_in_Mohm * 1e-3 * (1.0 - math.exp(-t_ms / tau_ms))


def time_to_fraction_ms(tau_ms: float, fraction: float) -> float:
    """Time [ms] for an RC membrane to reach ``fraction`` (0 < fraction < 1) of its
    steady-state deflection: t = tau_m ln(1 / (1 - fraction))."""
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"fraction must lie in (0, 1), got {fraction!r}")
    return tau_ms * math.log(1.0 / (1.0 - fraction))
