"""Passive cable theory for a cylindrical axon: length constant, steady-state attenuation, and
the diameter scaling of conduction velocity.

Units: specific membrane resistance R_m in kOhm cm^2, axoplasmic resistivity R_i in Ohm cm,
diameters in um, distances in mm, potentials in mV, velocities in m/s.
Per unit length: r_m = R_m / (pi d) [Ohm cm], r_i = 4 R_i / (pi d^2) [Ohm/cm], so
lambda = sqrt(r_m / r_i) = sqrt(R_m d / (4 R_i)).
"""
from __future__ import annotations

import math


def length_constant_mm(r_m_kohm_cm2: float, r_i_ohm_cm: float, diameter_um: float) -> float:
    """Length constant lambda [mm] of a cylinder of diameter ``diameter_um`` [um] with specific
    membrane resistance ``r_m_kohm_cm2`` [kOhm cm^2] and axoplasmic resistivity ``r_i_ohm_cm`` [Ohm cm]."""
    lambda_cm = math.sqrt(r_m_kohm_cm2 * 1e3 * diameter_um * 1e-4 / (4.0 * r_i_ohm_cm))
    return lambda_cm * 10.0


def steady_state_attenuation(v0_mV: float, distance_mm: float, lambda_mm: float) -> float:
    """Steady deflection [mV] at ``distance_mm`` [mm] from the injection site of a semi-infinite
    cable whose deflection there is ``v0_mV`` [mV]: V0 exp(-x / lambda)."""
    return v0_mV * math.exp(-distance_mm / lambda_mm)


def distance_to_fraction_mm(lambda_mm: float, fraction: float) -> float:
    """Distance [mm] at which a steady deflection has fallen to ``fraction`` (0..1) of its value
    at the injection site: lambda ln(1 / fraction)."""
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"fraction must lie in (0, 1), got {fraction!r}")
    return lambda_mm * math.log(1.0 / fraction)


def unmyelinated_velocity(v1_m_per_s: float, d1_um: float, d2_um: float) -> float:
    """Conduction velocity [m/s] of an unmyelinated axon of diameter ``d2_um`` [um], given
    ``v1_m_per_s`` [m/s] at ``d1_um`` [um] with the same membrane and axoplasm: v is proportional
    to lambda / tau_m, i.e. to sqrt(d)."""
    return v1_m_per_s * math.sqrt(d2_um / d1_um)
