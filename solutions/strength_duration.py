"""Strength-duration relations of a threshold: Weiss's law (threshold charge linear in the pulse
duration) fitted through two measured thresholds, and Lapicque's exponential form.

Amplitudes in uA/cm^2, durations and times in ms, charges in nC/cm^2 (uA/cm^2 x ms).
"""
from __future__ import annotations

import math


def weiss_fit(d1_ms: float, i1: float, d2_ms: float, i2: float) -> tuple[float, float]:
    """(rheobase [uA/cm^2], chronaxie [ms]) of Weiss's law Q = I_rh (D + t_c) through the thresholds
    ``i1``, ``i2`` [uA/cm^2] of pulses of ``d1_ms``, ``d2_ms`` [ms] (d1 != d2). In Weiss's law the
    threshold is I_rh (1 + t_c / D), so the chronaxie t_c is the duration at which it is 2 I_rh."""
    if d1_ms == d2_ms:
        raise ValueError("the two durations must differ")
    rheobase = (i2 * d2_ms - i1 * d1_ms) / (d2_ms - d1_ms)
    chronaxie = d1_ms * (i1 / rheobase - 1.0)
    return rheobase, chronaxie


def weiss_threshold(rheobase: float, chronaxie_ms: float, duration_ms: float) -> float:
    """Threshold [uA/cm^2] of a pulse of ``duration_ms`` [ms] by Weiss's law: I_rh (1 + t_c / D)."""
    return rheobase * (1.0 + chronaxie_ms / duration_ms)


def lapicque_threshold(rheobase: float, tau_ms: float, duration_ms: float) -> float:
    """Threshold [uA/cm^2] by Lapicque's law for an RC membrane with time constant ``tau_ms`` [ms]:
    I_rh / (1 - exp(-D / tau)); its chronaxie is tau ln 2."""
    return rheobase / -math.expm1(-duration_ms / tau_ms)


def chronaxie_by_simulation(params, amplitude, *, start_ms: float = 2.0, response_window_ms: float = 25.0,
                            rel_tol: float = 2.8e-3, rtol: float = 1e-7, atol: float = 1e-7,
                            max_duration_ms: float = 100.0):
    """The shortest duration [ms] of a rectangular pulse of ``amplitude`` [uA/cm^2] (per variant,
    e.g. twice the rheobase, which makes this the chronaxie) that gives at least one spike
    (V above 0 mV) before the pulse's end + ``response_window_ms`` [ms], from rest, by batched
    bisection on the duration over the N variants of ``params`` (an HHParams).

    Returns an (N,) array [ms]; NaN where no duration up to ``max_duration_ms`` fires."""
    import numpy as np

    from spikeset.solutions.hh_model import HHParams
    from spikeset.solutions.hh_search import bisect_monotone
    from spikeset.solutions.hh_solver import fast_resting_state, simulate
    from spikeset.solutions.hh_stimulus import Stimulus

    p = params.broadcast()
    amp = np.broadcast_to(np.asarray(amplitude, float), (p.n_variants,))
    rest = fast_resting_state(p)
    fields = ("C_m", "g_Na", "g_K", "g_L", "E_Na", "E_K", "E_L", "temperature")

    def fires(durations, idx):
        sub = HHParams(**{f: getattr(p, f)[idx] for f in fields})
        sub_rest = type(rest)(V_mV=rest.V_mV[idx], m=rest.m[idx], h=rest.h[idx], n=rest.n[idx])
        res = simulate(sub, Stimulus.pulse(amp[idx], start_ms, durations), start_ms + durations + response_window_ms,
                       stop_after_spikes=1, rtol=rtol, atol=atol, rest=sub_rest)
        return res.spike_count >= 1

    return bisect_monotone(fires, np.full(p.n_variants, 0.5), np.full(p.n_variants, 2.0), rel_tol=rel_tol,
                           grow=2.0, floor=0.0, ceiling=max_duration_ms)
