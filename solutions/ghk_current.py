"""The Goldman-Hodgkin-Katz current equation: the current density one permeant ion carries
through an open, ungated membrane, and its I-V relation.

    I = P z^2 F^2 V / (RT) * ([X]_i - [X]_o exp(-zFV/RT)) / (1 - exp(-zFV/RT))

Units: permeability P in cm/s, concentrations in mM (= 1e-6 mol/cm^3), V in mV, temperature in
degC, current density in uA/cm^2 (outward positive). With these units the 1e-6 of mM -> mol/cm^3
cancels the 1e6 of A -> uA, so I[uA/cm^2] = P z F (zu / (1 - e^-zu)) ([X]_i - [X]_o e^-zu), u = FV/RT.
"""
from __future__ import annotations

import math

from spikeset.solutions.constants import faraday_constant, thermal_voltage_mV


def _x_over_one_minus_exp(x: float) -> float:
    """x / (1 - exp(-x)), with its limit 1 at x = 0 (series below |x| = 1e-6)."""
    if abs(x) < 1e-6:
        return 1.0 + x / 2.0
    return x / -math.expm1(-x)


def ghk_current_density(permeability_cm_per_s: float, valence: int, c_out_mM: float, c_in_mM: float,
                        v_mV: float, temperature_C: float) -> float:
    """GHK current density [uA/cm^2], outward positive, of one ion species.

    Args:
        permeability_cm_per_s: membrane permeability P to the ion [cm/s].
        valence: the ion's charge number z (+1 K+, Na+; +2 Ca2+; -1 Cl-).
        c_out_mM, c_in_mM: extracellular and intracellular concentrations [mM].
        v_mV: membrane potential (inside minus outside) [mV].
        temperature_C: temperature [degC].
    """
    zu = valence * v_mV / thermal_voltage_mV(temperature_C)
    factor = _x_over_one_minus_exp(zu)
    return (permeability_cm_per_s * valence * faraday_constant() * factor
            * (c_in_mM - c_out_mM * math.exp(-zu)))


def ghk_chord_conductance(permeability_cm_per_s: float, valence: int, c_out_mM: float, c_in_mM: float,
                          v_mV: float, temperature_C: float, reversal_mV: float) -> float:
    """Chord conductance I / (V - E_rev) [mS/cm^2] of the GHK current at ``v_mV`` [mV]
    (``reversal_mV`` [mV], the ion's Nernst potential, must differ from ``v_mV``)."""
    return ghk_current_density(permeability_cm_per_s, valence, c_out_mM, c_in_mM, v_mV,
                               temperature_C) / (v_mV - reversal_mV)
