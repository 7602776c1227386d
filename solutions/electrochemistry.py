"""Equilibrium potentials, driving forces and ohmic currents.

Units: potentials in mV, concentrations in mM, temperatures in degC,
conductances in mS/cm^2, currents in uA/cm^2 (mS/cm^2 x mV = uA/cm^2).
Sign convention: membrane current is positive outward, so inward current is negative.
"""
from __future__ import annotations

import math

from .constants import thermal_voltage_mV


def nernst_potential(c_out_mM: float, c_in_mM: float, valence: int, temperature_C: float) -> float:
    """Equilibrium potential E_X = (RT/zF) ln([X]o/[X]i) [mV].

    Args:
        c_out_mM: extracellular concentration [mM], > 0.
        c_in_mM: intracellular concentration [mM], > 0.
        valence: charge number z of the ion (e.g. +1 for K+, -1 for Cl-, +2 for Ca2+), not 0.
        temperature_C: temperature [degC].
    """
    if c_out_mM <= 0 or c_in_mM <= 0:
        raise ValueError("concentrations must be positive")
    if valence == 0:
        raise ValueError("valence must not be zero")
    return thermal_voltage_mV(temperature_C) / valence * math.log(c_out_mM / c_in_mM)


def nernst_concentration(potential_mV: float, known_mM: float, valence: int, temperature_C: float,
                         *, known_side: str) -> float:
    """The concentration [mM] on the other side that makes ``potential_mV`` the equilibrium potential.

    Args:
        potential_mV: the equilibrium potential E_X [mV].
        known_mM: the known concentration [mM].
        valence: charge number z of the ion.
        temperature_C: temperature [degC].
        known_side: ``"out"`` if ``known_mM`` is extracellular, ``"in"`` if intracellular.
    """
    ratio = math.exp(valence * potential_mV / thermal_voltage_mV(temperature_C))  # [X]o/[X]i
    if known_side == "out":
        return known_mM / ratio
    if known_side == "in":
        return known_mM * ratio
    raise ValueError("known_side must be 'out' or 'in'")


def driving_force(v_m_mV: float, e_rev_mV: float) -> float:
    """Driving force V_m - E_X [mV]."""
    return v_m_mV - e_rev_mV


def ohmic_current(g_mS_per_cm2: float, v_m_mV: float, e_rev_mV: float) -> float:
    """Ionic current I_X = g_X (V_m - E_X) [uA/cm^2]; negative = inward."""
    return g_mS_per_cm2 * (v_m_mV - e_rev_mV)


def weighted_potential(conductances_mS_per_cm2: list[float], reversals_mV: list[float]) -> float:
    """Membrane potential where the ohmic currents cancel, sum(g_i E_i) / sum(g_i) [mV]."""
    total = sum(conductances_mS_per_cm2)
    if total <= 0:
        raise ValueError("total conductance must be positive")
    return sum(g * e for g, e in zip(conductances_mS_per_cm2, reversals_mV)) / total
