"""Membrane potentials set by several conductances: weighted averages, GHK, and their inverses.

Units: potentials in mV, conductances in mS/cm^2 (any common unit works for ratios),
concentrations in mM, temperatures in degC, permeabilities relative (dimensionless).
Sign convention: membrane current positive outward.

The steady potential of a membrane with ohmic conductances g_i to reversal potentials E_i is
where the currents cancel, sum g_i (V - E_i) = 0, i.e. V = sum(g_i E_i) / sum(g_i).
"""
from __future__ import annotations

import math
from typing import Sequence

from .constants import thermal_voltage_mV


def weighted_potential(conductances: Sequence[float], reversals_mV: Sequence[float]) -> float:
    """Conductance-weighted average of reversal potentials, sum(g_i E_i) / sum(g_i) [mV].

    Args:
        conductances: g_i >= 0 [mS/cm^2] (or relative), with a positive sum.
        reversals_mV: E_i [mV], same length.
    """
    if len(conductances) != len(reversals_mV):
        raise ValueError("need one reversal potential per conductance")
    if any(g < 0 for g in conductances):
        raise ValueError("conductances must be >= 0")
    total = float(sum(conductances))
    if total <= 0:
        raise ValueError("total conductance must be positive")
    return sum(g * e for g, e in zip(conductances, reversals_mV)) / total


def conductance_for_potential(target_mV: float, reversal_mV: float, other_conductances: Sequence[float],
                              other_reversals_mV: Sequence[float]) -> float:
    """The conductance g_x [same unit as the others] to ``reversal_mV`` that puts the
    weighted potential at ``target_mV`` with the other conductances fixed.

    From g_x (V - E_x) + sum g_i (V - E_i) = 0:  g_x = sum g_i (V - E_i) / (E_x - V).
    The result is negative when the target cannot be reached (wrong side of E_x).
    """
    if target_mV == reversal_mV:
        raise ValueError("target equals the reversal potential: the conductance would be infinite")
    others = sum(g * (target_mV - e) for g, e in zip(other_conductances, other_reversals_mV))
    return others / (reversal_mV - target_mV)


def na_k_ratio_for_potential(target_mV: float, e_na_mV: float, e_k_mV: float) -> float:
    """g_Na / g_K [dimensionless] that makes V = target with only Na+ and K+ conductances:
    (V - E_K) / (E_Na - V)."""
    if not e_k_mV < target_mV < e_na_mV:
        raise ValueError("target must lie between E_K and E_Na")
    return (target_mV - e_k_mV) / (e_na_mV - target_mV)


def ghk_potential(p_k: float, p_na: float, p_cl: float, k_out_mM: float, k_in_mM: float,
                  na_out_mM: float, na_in_mM: float, cl_out_mM: float, cl_in_mM: float,
                  temperature_C: float) -> float:
    """Goldman-Hodgkin-Katz voltage equation [mV]:

        V = (RT/F) ln[(P_K [K]o + P_Na [Na]o + P_Cl [Cl]i) / (P_K [K]i + P_Na [Na]i + P_Cl [Cl]o)]

    Args:
        p_k, p_na, p_cl: permeabilities, relative (only their ratios matter), >= 0.
        *_out_mM, *_in_mM: concentrations [mM], > 0.
        temperature_C: temperature [degC].
    The anion Cl- enters with inside and outside swapped (z = -1).
    """
    numerator = p_k * k_out_mM + p_na * na_out_mM + p_cl * cl_in_mM
    denominator = p_k * k_in_mM + p_na * na_in_mM + p_cl * cl_out_mM
    if numerator <= 0 or denominator <= 0:
        raise ValueError("the GHK sums must be positive")
    return thermal_voltage_mV(temperature_C) * math.log(numerator / denominator)


def ahp_potential(g_l: float, e_l_mV: float, g_k: float, e_k_mV: float) -> float:
    """Afterhyperpolarization (undershoot) with leak and K+ open, Na+ closed:
    (g_L E_L + g_K E_K) / (g_L + g_K) [mV]."""
    return weighted_potential([g_l, g_k], [e_l_mV, e_k_mV])


def g_k_for_ahp(target_mV: float, g_l: float, e_l_mV: float, e_k_mV: float) -> float:
    """g_K [unit of g_L] that puts the undershoot at ``target_mV`` (E_K < target < E_L):
    g_K = g_L (E_L - V) / (V - E_K)."""
    if not e_k_mV < target_mV < e_l_mV:
        raise ValueError("target must lie between E_K and E_L")
    return g_l * (e_l_mV - target_mV) / (target_mV - e_k_mV)


def g_k_within_of_e_k(within_mV: float, g_l: float, e_l_mV: float, e_k_mV: float) -> float:
    """g_K [unit of g_L] for which the undershoot is ``within_mV`` above E_K.

    V - E_K = g_L (E_L - E_K) / (g_L + g_K), so g_K = g_L ((E_L - E_K) / within - 1).
    """
    if not 0 < within_mV < e_l_mV - e_k_mV:
        raise ValueError("within_mV must be positive and smaller than E_L - E_K")
    return g_l * ((e_l_mV - e_k_mV) / within_mV - 1.0)


def input_conductance(conductances: Sequence[float]) -> float:
    """Input (total membrane) conductance, sum(g_i) [mS/cm^2]; input resistance is its inverse."""
    return float(sum(conductances))
