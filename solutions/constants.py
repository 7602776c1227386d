"""Physical constants from ``scipy.constants`` (CODATA), loaded on first use.

scipy is imported only when a calculation needs a constant, which keeps grading
problems that need none of them fast.
"""
from __future__ import annotations

from functools import cache


@cache
def gas_constant() -> float:
    """Molar gas constant R [J/(mol K)]."""
    from scipy.constants import R
    return float(R)


@cache
def faraday_constant() -> float:
    """Faraday constant F [C/mol]."""
    from scipy.constants import physical_constants
    return float(physical_constants["Faraday constant"][0])


@cache
def zero_celsius() -> float:
    """0 degC in kelvin [K]."""
    from scipy.constants import zero_Celsius
    return float(zero_Celsius)


def kelvin(temperature_C: float) -> float:
    """Absolute temperature [K] of ``temperature_C`` [degC]."""
    return temperature_C + zero_celsius()


def thermal_voltage_mV(temperature_C: float) -> float:
    """RT/F [mV] at ``temperature_C`` [degC]."""
    return 1000.0 * gas_constant() * kelvin(temperature_C) / faraday_constant()
