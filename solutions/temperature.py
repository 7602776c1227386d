"""Temperature and Q10: how warming speeds every rate of a gate by the same factor.

Temperatures in degC, time constants and durations in ms. A process with a temperature coefficient
Q10 runs Q10 times faster for every 10 degC; the HH model multiplies all six rate functions by
phi = Q10 ** ((T - T_ref) / 10), which divides every time constant by phi and leaves every
steady state alpha / (alpha + beta) unchanged.
"""
from __future__ import annotations

import math


def rate_factor(q10: float, reference_C: float, temperature_C: float) -> float:
    """phi = Q10 ** ((T - T_ref) / 10): the factor on every rate at ``temperature_C`` [degC] relative to
    ``reference_C`` [degC]."""
    return q10 ** ((temperature_C - reference_C) / 10.0)


def time_constant_at(tau_ref_ms: float, q10: float, reference_C: float, temperature_C: float) -> float:
    """A time constant [ms] measured as ``tau_ref_ms`` at ``reference_C`` [degC], at ``temperature_C``:
    tau / phi."""
    return tau_ref_ms / rate_factor(q10, reference_C, temperature_C)


def q10_from_durations(duration1_ms: float, temperature1_C: float, duration2_ms: float,
                       temperature2_C: float) -> float:
    """The Q10 of a process whose duration is ``duration1_ms`` [ms] at ``temperature1_C`` [degC] and
    ``duration2_ms`` at ``temperature2_C``: (d1 / d2) ** (10 / (T2 - T1))."""
    return (duration1_ms / duration2_ms) ** (10.0 / (temperature2_C - temperature1_C))


def temperature_for_time_constant(tau_ref_ms: float, q10: float, reference_C: float, tau_ms: float) -> float:
    """The temperature [degC] at which a time constant of ``tau_ref_ms`` [ms] at ``reference_C`` [degC]
    has become ``tau_ms``: T_ref + 10 ln(tau_ref / tau) / ln(Q10)."""
    return reference_C + 10.0 * math.log(tau_ref_ms / tau_ms) / math.log(q10)
