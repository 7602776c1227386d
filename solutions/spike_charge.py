"""The charge, the ions and the pump energy of one action potential in a spherical cell.

Units: diameters in um, specific capacitance C_m in uF/cm^2, potentials in mV, charge in pC,
concentrations in mM (changes in uM), volumes in litres. The textbook estimate: the membrane
capacitor must be charged by C A dV, carried by Na+ ions (one elementary charge each); real
spikes let in a few times this minimum (Na+ and K+ currents overlap in time).
"""
from __future__ import annotations

import math

from .constants import AVOGADRO_PER_MOL, ELEMENTARY_CHARGE_C

#: Na+ ions exported per ATP hydrolysed by the Na+/K+ pump (3 Na+ out, 2 K+ in).
NA_PER_ATP = 3


def sphere_area_cm2(diameter_um: float) -> float:
    """Surface area [cm^2] of a sphere of ``diameter_um`` [um]: pi d^2."""
    d_cm = diameter_um * 1e-4
    return math.pi * d_cm * d_cm


def sphere_volume_L(diameter_um: float) -> float:
    """Volume [L] of a sphere of ``diameter_um`` [um]: pi d^3 / 6 (1 cm^3 = 1e-3 L)."""
    d_cm = diameter_um * 1e-4
    return math.pi * d_cm ** 3 / 6.0 * 1e-3


def spike_charge_pC(diameter_um: float, c_m_uF_per_cm2: float, amplitude_mV: float) -> float:
    """Least charge Q = C_m A dV [pC] that moves a spherical cell's membrane by ``amplitude_mV`` [mV]
    (C_m [uF/cm^2], diameter [um])."""
    return c_m_uF_per_cm2 * sphere_area_cm2(diameter_um) * amplitude_mV * 1e-3 * 1e6


def ions_for_charge(charge_pC: float, valence: int = 1) -> float:
    """Number of ions of ``valence`` that carry ``charge_pC`` [pC]: Q / (z e)."""
    return charge_pC * 1e-12 / (valence * ELEMENTARY_CHARGE_C)


def concentration_rise_uM(ions: float, diameter_um: float) -> float:
    """Rise [uM] of an ion's concentration when ``ions`` of it enter a sphere of ``diameter_um`` [um]."""
    return ions / AVOGADRO_PER_MOL / sphere_volume_L(diameter_um) * 1e6


def atp_to_restore(na_ions: float) -> float:
    """ATP molecules the Na+/K+ pump hydrolyses to export ``na_ions`` Na+ ions (3 Na+ per ATP)."""
    return na_ions / NA_PER_ATP


def spikes_to_raise(na_in_mM: float, rise_per_spike_uM: float, percent: float) -> float:
    """Spikes (pump blocked) after which [Na+]_i [mM] has risen by ``percent`` [%], at
    ``rise_per_spike_uM`` [uM] per spike."""
    return percent / 100.0 * na_in_mM * 1000.0 / rise_per_spike_uM
