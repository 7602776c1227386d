"""Physical constants of the SI (2019), where R and F are exact products of defining constants.

Written out rather than imported from ``scipy.constants`` so that grading one answer file
does not import scipy; ``tests/solutions`` checks them against scipy's CODATA values.
"""
from __future__ import annotations

#: Avogadro constant N_A [1/mol] (exact since 2019).
AVOGADRO_PER_MOL = 6.02214076e23
#: Boltzmann constant k [J/K] (exact since 2019).
BOLTZMANN_J_PER_K = 1.380649e-23
#: Elementary charge e [C] (exact since 2019).
ELEMENTARY_CHARGE_C = 1.602176634e-19
#: 0 degC in kelvin [K].
ZERO_CELSIUS_K = 273.15


def gas_constant() -> float:
    """Molar gas constant R = N_A k [J/(mol K)]."""
    return AVOGADRO_PER_MOL * BOLTZMANN_J_PER_K


def faraday_constant() -> float:
    """Faraday constant F = N_A e [C/mol]."""
    return AVOGADRO_PER_MOL * ELEMENTARY_CHARGE_C


def zero_celsius() -> float:
    """0 degC in kelvin [K]."""
    return ZERO_CELSIUS_K


def kelvin(temperature_C: float) -> float:
    """Absolute temperature [K] of ``temperature_C`` [degC]."""
    return temperature_C + ZERO_CELSIUS_K


def thermal_voltage_mV(temperature_C: float) -> float:
    """RT/F [mV] at ``temperature_C`` [degC]."""
    return 1000.0 * gas_constant() * kelvin(temperature_C) / faraday_constant()
